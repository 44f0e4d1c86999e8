"""Identities that are never reused, the role behind each audited change, and web-chat tokens per person.

- staff: on SQLite the table is rebuilt with AUTOINCREMENT, so the id of a removed person is never handed
  to someone added later (audit entries and UNDO name people as `staff:<id>`). Postgres sequences never
  reuse a value anyway.
- audit_log.actor_role: the role the change was made with, so UNDO can tell an owner's change from a
  staff member's (an owner may undo staff's changes, staff only their own availability changes).
- web_tokens: a web-chat token names a person and a role (`diner-agent tenants token ID --name Sam
  --role staff`); a diner's existing token becomes its owner's.

Revision ID: 0014
Revises: 0016
"""

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        with op.batch_alter_table("staff", recreate="always", table_kwargs={"sqlite_autoincrement": True}):
            pass
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("actor_role", sa.String(length=16), nullable=True))

    tokens = op.create_table(
        "web_tokens",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("web_tokens", schema=None) as batch_op:
        batch_op.create_index("ix_web_tokens_tenant_id", ["tenant_id"], unique=False)

    tenants = sa.table("tenants", sa.column("id", sa.String), sa.column("web_token_hash", sa.String))
    for tenant_id, token_hash in bind.execute(sa.select(tenants.c.id, tenants.c.web_token_hash)).all():
        if token_hash:  # the diner's one token was its owner's: it keeps working as theirs
            bind.execute(
                tokens.insert().values(
                    id=str(uuid.uuid4()),
                    tenant_id=tenant_id,
                    token_hash=token_hash,
                    name="owner",
                    role="owner",
                    created_at=sa.func.current_timestamp(),  # the database's clock: this is its own history
                )
            )
    bind.execute(sa.update(tenants).values(web_token_hash=None))


def downgrade() -> None:
    with op.batch_alter_table("web_tokens", schema=None) as batch_op:
        batch_op.drop_index("ix_web_tokens_tenant_id")
    op.drop_table("web_tokens")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_column("actor_role")
