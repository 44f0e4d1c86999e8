"""Menu life: items sold out until a time, specials, removed items and stable item keys; the diner's
sold-out rule and the address, phone and website shown on its public page.

Revision ID: 0015
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("items") as batch:
        batch.add_column(sa.Column("sold_out_until", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("special_until", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("removed_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("key", sa.String(length=120), nullable=True))
    with op.batch_alter_table("tenants") as batch:
        batch.add_column(sa.Column("sold_out_until", sa.String(length=16), nullable=False, server_default="next_open"))
        batch.add_column(sa.Column("address", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("phone", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("website", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tenants") as batch:
        for name in ("website", "phone", "address", "sold_out_until"):
            batch.drop_column(name)
    with op.batch_alter_table("items") as batch:
        for name in ("key", "removed_at", "special_until", "sold_out_until"):
            batch.drop_column(name)
