"""Opinion store: courts, dockets, clusters, opinions, citations, citation graph, ingest log.

Revision ID: c0001_opinion_store
Revises:
Create Date: 2026-11-25

Mirrors CourtListener's object model (court → docket → cluster → opinion; citations hang
on the cluster; the graph links opinions) so that bulk-data rows upsert on their own ids.
No foreign-key constraints between the CourtListener tables: bulk files arrive one at a time
and a partial export (say, one circuit's opinions) references dockets and opinions that are
not loaded; join columns are indexed instead. Written by hand, portable SQLite/PostgreSQL.
"""

import sqlalchemy as sa
from alembic import op

revision = "c0001_opinion_store"
down_revision = None
branch_labels = ("corpus",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "corpus_courts",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("short_name", sa.Text, nullable=False, server_default=""),
        sa.Column("full_name", sa.Text, nullable=False, server_default=""),
        sa.Column("citation_string", sa.Text, nullable=False, server_default=""),
        sa.Column("jurisdiction", sa.String(8), nullable=False, server_default=""),
        sa.Column("parent_court_id", sa.String(32), nullable=True),
        sa.Column("start_date", sa.Date, nullable=True),
        sa.Column("end_date", sa.Date, nullable=True),
        sa.Column("in_use", sa.Boolean, nullable=True),
    )
    op.create_table(
        "corpus_dockets",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("court_id", sa.String(32), nullable=False, server_default=""),
        sa.Column("docket_number", sa.Text, nullable=False, server_default=""),
        sa.Column("case_name", sa.Text, nullable=False, server_default=""),
        sa.Column("date_filed", sa.Date, nullable=True),
        sa.Column("nature_of_suit", sa.Text, nullable=False, server_default=""),
    )
    op.create_index("ix_corpus_dockets_court", "corpus_dockets", ["court_id"])
    op.create_table(
        "corpus_clusters",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("docket_id", sa.BigInteger, nullable=True),
        # Copied from the docket (CourtListener keeps it there) so that court + date filters
        # run on one indexed table.
        sa.Column("court_id", sa.String(32), nullable=True),
        sa.Column("case_name", sa.Text, nullable=False, server_default=""),
        sa.Column("case_name_short", sa.Text, nullable=False, server_default=""),
        sa.Column("date_filed", sa.Date, nullable=True),
        sa.Column("date_filed_is_approximate", sa.Boolean, nullable=True),
        sa.Column("precedential_status", sa.String(16), nullable=False, server_default=""),
        sa.Column("citation_count", sa.Integer, nullable=True),
        sa.Column("judges", sa.Text, nullable=False, server_default=""),
    )
    op.create_index("ix_corpus_clusters_court_date", "corpus_clusters", ["court_id", "date_filed"])
    op.create_index("ix_corpus_clusters_docket", "corpus_clusters", ["docket_id"])
    op.create_table(
        "corpus_opinions",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("cluster_id", sa.BigInteger, nullable=False),
        sa.Column("type", sa.String(32), nullable=False, server_default=""),
        sa.Column("author_str", sa.Text, nullable=False, server_default=""),
        sa.Column("per_curiam", sa.Boolean, nullable=True),
        sa.Column("text", sa.Text, nullable=False, server_default=""),
        # Which CourtListener text field the text came from (plain_text, html_lawbox, …).
        sa.Column("text_field", sa.String(32), nullable=False, server_default=""),
        # 'jsonl' | 'bulk' | 'api': where the row was loaded from.
        sa.Column("origin", sa.String(8), nullable=False),
        # The shared sample's record id (e.g. "scotus-14-1143") for JSONL rows.
        sa.Column("source_record_id", sa.String(200), nullable=True, unique=True),
        # True until eyecite has run on the text or the bulk citation map covers it.
        sa.Column("needs_extraction", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_index("ix_corpus_opinions_cluster", "corpus_opinions", ["cluster_id"])
    op.create_index("ix_corpus_opinions_needs_extraction", "corpus_opinions", ["needs_extraction"])
    op.create_table(
        "corpus_citations",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("cluster_id", sa.BigInteger, nullable=False),
        sa.Column("volume", sa.String(16), nullable=False),
        sa.Column("reporter", sa.String(64), nullable=False),
        sa.Column("page", sa.String(32), nullable=False),
        # CourtListener citation type (1 federal … 9 law journal); 0 = not given.
        sa.Column("type", sa.SmallInteger, nullable=False, server_default="0"),
        # "volume reporter page" with single spaces: the lookup key for verification.
        sa.Column("cite", sa.String(128), nullable=False),
    )
    op.create_index("ix_corpus_citations_cite", "corpus_citations", ["cite"])
    op.create_index("ix_corpus_citations_cluster", "corpus_citations", ["cluster_id"])
    op.create_table(
        "corpus_citation_edges",
        sa.Column("citing_opinion_id", sa.BigInteger, nullable=False),
        sa.Column("cited_opinion_id", sa.BigInteger, nullable=False),
        # How many times the citing opinion cites the cited one (CourtListener's `depth`).
        sa.Column("depth", sa.Integer, nullable=False, server_default="1"),
        # 'bulk' (CourtListener citation map) | 'eyecite' (extracted here from the text).
        sa.Column("origin", sa.String(8), nullable=False),
        sa.PrimaryKeyConstraint(
            "citing_opinion_id", "cited_opinion_id", name="pk_corpus_citation_edges"
        ),
    )
    op.create_index("ix_corpus_edges_cited", "corpus_citation_edges", ["cited_opinion_id"])
    op.create_table(
        "corpus_ingest_files",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        # SHA-256 over size + first and last MiB: same file under another name is the same load.
        sa.Column("fingerprint", sa.String(64), nullable=False, unique=True),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        # 'loading' (validated; batches committed up to byte_offset/line_no) | 'done'
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("byte_offset", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("line_no", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("rows_loaded", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("rows_skipped", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    for table in (
        "corpus_ingest_files",
        "corpus_citation_edges",
        "corpus_citations",
        "corpus_opinions",
        "corpus_clusters",
        "corpus_dockets",
        "corpus_courts",
    ):
        op.drop_table(table)
