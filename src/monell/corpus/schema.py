"""SQLAlchemy Core view of the tables created by `storage/migrations/corpus/`.

The migration is the source of truth for the schema (DDL is written by hand there, as the
brief asks); this module only names the tables and columns the code reads and writes, and a
test checks the two agree.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

courts = sa.Table(
    "corpus_courts",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("short_name", sa.Text, nullable=False),
    sa.Column("full_name", sa.Text, nullable=False),
    sa.Column("citation_string", sa.Text, nullable=False),
    sa.Column("jurisdiction", sa.String(8), nullable=False),
    sa.Column("parent_court_id", sa.String(32)),
    sa.Column("start_date", sa.Date),
    sa.Column("end_date", sa.Date),
    sa.Column("in_use", sa.Boolean),
)

dockets = sa.Table(
    "corpus_dockets",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("court_id", sa.String(32), nullable=False),
    sa.Column("docket_number", sa.Text, nullable=False),
    sa.Column("case_name", sa.Text, nullable=False),
    sa.Column("date_filed", sa.Date),
    sa.Column("nature_of_suit", sa.Text, nullable=False),
)

clusters = sa.Table(
    "corpus_clusters",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("docket_id", sa.BigInteger),
    sa.Column("court_id", sa.String(32)),
    sa.Column("case_name", sa.Text, nullable=False),
    sa.Column("case_name_short", sa.Text, nullable=False),
    sa.Column("date_filed", sa.Date),
    sa.Column("date_filed_is_approximate", sa.Boolean),
    sa.Column("precedential_status", sa.String(16), nullable=False),
    sa.Column("citation_count", sa.Integer),
    sa.Column("judges", sa.Text, nullable=False),
)

opinions = sa.Table(
    "corpus_opinions",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("cluster_id", sa.BigInteger, nullable=False),
    sa.Column("type", sa.String(32), nullable=False),
    sa.Column("author_str", sa.Text, nullable=False),
    sa.Column("per_curiam", sa.Boolean),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("text_field", sa.String(32), nullable=False),
    sa.Column("origin", sa.String(8), nullable=False),
    sa.Column("source_record_id", sa.String(200)),
    sa.Column("needs_extraction", sa.Boolean, nullable=False),
)

citations = sa.Table(
    "corpus_citations",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("cluster_id", sa.BigInteger, nullable=False),
    sa.Column("volume", sa.String(16), nullable=False),
    sa.Column("reporter", sa.String(64), nullable=False),
    sa.Column("page", sa.String(32), nullable=False),
    sa.Column("type", sa.SmallInteger, nullable=False),
    sa.Column("cite", sa.String(128), nullable=False),
)

edges = sa.Table(
    "corpus_citation_edges",
    metadata,
    sa.Column("citing_opinion_id", sa.BigInteger, primary_key=True),
    sa.Column("cited_opinion_id", sa.BigInteger, primary_key=True),
    sa.Column("depth", sa.Integer, nullable=False),
    sa.Column("origin", sa.String(8), nullable=False),
)

ingest_files = sa.Table(
    "corpus_ingest_files",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("fingerprint", sa.String(64), nullable=False),
    sa.Column("path", sa.Text, nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("byte_offset", sa.BigInteger, nullable=False),
    sa.Column("line_no", sa.BigInteger, nullable=False),
    sa.Column("rows_loaded", sa.BigInteger, nullable=False),
    sa.Column("rows_skipped", sa.BigInteger, nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

CORPUS_TABLES = (courts, dockets, clusters, opinions, citations, edges)
