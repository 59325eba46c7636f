"""payouts: settlements, their allegation categories, officer lists and the import log

Revision ID: payouts_0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "payouts_0001"
down_revision = None
branch_labels = ("payouts",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "settlements",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("source_file", sa.String(255), nullable=False),
        sa.Column("source_line", sa.Integer, nullable=False),
        sa.Column("row_hash", sa.String(64), nullable=False),
        sa.Column("city", sa.String(100), nullable=False),
        sa.Column("state", sa.String(2), nullable=False),
        sa.Column("agency", sa.Text, nullable=False),
        sa.Column("incident_date", sa.Date),
        sa.Column("filed_date", sa.Date),
        sa.Column("closed_date", sa.Date),
        sa.Column("calendar_year", sa.Integer),
        sa.Column("amount_awarded_cents", sa.BigInteger),
        sa.Column("other_expenses_cents", sa.BigInteger),
        sa.Column("total_incurred_cents", sa.BigInteger),
        sa.Column("case_outcome", sa.Text),
        sa.Column("docket_number", sa.Text),
        sa.Column("claim_number", sa.Text),
        sa.Column("court", sa.Text),
        sa.Column("plaintiff_name", sa.Text),
        sa.Column("matter_name", sa.Text),
        sa.Column("summary_allegations", sa.Text),
        sa.Column("claim_or_lawsuit", sa.Text),
        sa.Column("defendant", sa.Text),
        sa.Column("raw", sa.Text, nullable=False),
        sa.UniqueConstraint("row_hash", name="uq_settlements_row_hash"),
    )
    op.create_index("ix_settlements_city_state", "settlements", ["city", "state"])
    op.create_index("ix_settlements_closed_date", "settlements", ["closed_date"])
    op.create_index("ix_settlements_incident_date", "settlements", ["incident_date"])

    op.create_table(
        "settlement_categories",
        sa.Column(
            "settlement_id",
            sa.Integer,
            sa.ForeignKey("settlements.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("category", sa.String(40), primary_key=True),
        sa.Column("rule", sa.String(80), nullable=False),
    )
    op.create_index("ix_settlement_categories_category", "settlement_categories", ["category"])

    op.create_table(
        "settlement_officers",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("source_file", sa.String(255), nullable=False),
        sa.Column("source_line", sa.Integer, nullable=False),
        sa.Column("row_hash", sa.String(64), nullable=False),
        sa.Column("city", sa.String(100), nullable=False),
        sa.Column("state", sa.String(2), nullable=False),
        sa.Column("docket_number", sa.Text),
        sa.Column("closed_date", sa.Date),
        sa.Column("calendar_year", sa.Integer),
        sa.Column("officer_name", sa.Text, nullable=False),
        sa.Column("raw", sa.Text, nullable=False),
        sa.UniqueConstraint("row_hash", name="uq_settlement_officers_row_hash"),
    )
    op.create_index(
        "ix_settlement_officers_docket", "settlement_officers", ["city", "state", "docket_number"]
    )

    op.create_table(
        "settlement_imports",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("source_file", sa.String(255), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("rows", sa.Integer, nullable=False),
        sa.Column("new_rows", sa.Integer, nullable=False),
        sa.Column("skipped_rows", sa.Integer, nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("settlement_imports")
    op.drop_index("ix_settlement_officers_docket", table_name="settlement_officers")
    op.drop_table("settlement_officers")
    op.drop_index("ix_settlement_categories_category", table_name="settlement_categories")
    op.drop_table("settlement_categories")
    op.drop_index("ix_settlements_incident_date", table_name="settlements")
    op.drop_index("ix_settlements_closed_date", table_name="settlements")
    op.drop_index("ix_settlements_city_state", table_name="settlements")
    op.drop_table("settlements")
