"""AI policy per diner, budget alerts, and retried calls.

tenants.ai_policy holds the tenant file's `ai:` block; ai_alerts one row per diner, budget period and
threshold reached (80 / 100 %); ai_calls.retried marks calls that asked the same provider again after a
short "retry after".

Revision ID: 0016
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tenants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ai_policy", sa.JSON(), nullable=True))
    with op.batch_alter_table("ai_calls", schema=None) as batch_op:
        batch_op.add_column(sa.Column("retried", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        "ai_alerts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("tenant", sa.String(length=64), nullable=False),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("period_key", sa.String(length=10), nullable=False),
        sa.Column("threshold", sa.Integer(), nullable=False),
        sa.Column("spent_usd", sa.Float(), nullable=False),
        sa.Column("budget_usd", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("tenant", "period_key", "threshold"),
    )
    with op.batch_alter_table("ai_alerts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ai_alerts_at"), ["at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("ai_alerts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ai_alerts_at"))
    op.drop_table("ai_alerts")
    with op.batch_alter_table("ai_calls", schema=None) as batch_op:
        batch_op.drop_column("retried")
    with op.batch_alter_table("tenants", schema=None) as batch_op:
        batch_op.drop_column("ai_policy")
