"""The payouts tables as SQLAlchemy Core objects, for queries and inserts.

The schema itself is created by the hand-written Alembic revisions in
`storage/migrations/payouts/`; a test checks that these definitions and the migrated database
agree, so the two cannot drift apart silently.

Money is stored as integer cents (`*_cents`): exact on SQLite and PostgreSQL alike, and sums in
SQL stay exact. Sub-cent values in the source (Los Angeles has 1499999.9999, a spreadsheet float)
are rounded half-even to the cent; the original text stays in `raw`.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

settlements = Table(
    "settlements",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source_file", String(255), nullable=False),  # file name, not the path
    Column("source_line", Integer, nullable=False),  # physical line where the row starts
    Column("row_hash", String(64), nullable=False, unique=True),  # idempotent re-import
    Column("city", String(100), nullable=False),
    Column("state", String(2), nullable=False),
    Column("agency", Text, nullable=False),
    Column("incident_date", Date),
    Column("filed_date", Date),
    Column("closed_date", Date),
    Column("calendar_year", Integer),
    Column("amount_awarded_cents", BigInteger),
    Column("other_expenses_cents", BigInteger),
    Column("total_incurred_cents", BigInteger),
    Column("case_outcome", Text),
    Column("docket_number", Text),
    Column("claim_number", Text),
    Column("court", Text),
    Column("plaintiff_name", Text),
    Column("matter_name", Text),
    Column("summary_allegations", Text),
    Column("claim_or_lawsuit", Text),
    Column("defendant", Text),
    Column("raw", Text, nullable=False),  # JSON object of the source row, column → text
)

settlement_categories = Table(
    "settlement_categories",
    metadata,
    Column(
        "settlement_id",
        Integer,
        ForeignKey("settlements.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("category", String(40), primary_key=True),
    Column("rule", String(80), nullable=False),  # id of the rule in category_rules.yaml
)

settlement_officers = Table(
    "settlement_officers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source_file", String(255), nullable=False),
    Column("source_line", Integer, nullable=False),
    Column("row_hash", String(64), nullable=False, unique=True),
    Column("city", String(100), nullable=False),
    Column("state", String(2), nullable=False),
    Column("docket_number", Text),
    Column("closed_date", Date),
    Column("calendar_year", Integer),
    Column("officer_name", Text, nullable=False),
    Column("raw", Text, nullable=False),
)

settlement_imports = Table(
    "settlement_imports",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source_file", String(255), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("kind", String(20), nullable=False),  # settlements | officers
    Column("rows", Integer, nullable=False),  # data rows read
    Column("new_rows", Integer, nullable=False),
    Column("skipped_rows", Integer, nullable=False),  # bad rows left out under --skip-bad
    Column("imported_at", DateTime(timezone=True), nullable=False),
)
