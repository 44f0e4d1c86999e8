"""Web-chat bearer tokens: each names a person and the role they chat with (only its hash is stored).

`diner-agent tenants token ID --name Sam --role staff` issues one; a person's new token ends their previous
one (people are told apart by name, case-insensitively, within a diner), so a lost phone costs one command.
Without a name the token is the owner's, as it always was. Chat changes are audited to `web:<token id>`
with the holder's name and role, so two people chatting are two people in the audit and in UNDO.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime

from sqlalchemy import Connection, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from diner_agent.menu import models as m
from diner_agent.menu.errors import UnknownTenant
from diner_agent.menu.records import TokenHolder

ROLES = ("owner", "staff")
OWNER_TOKEN_NAME = "owner"  # noqa: S105 (a name, not a secret)
TOKEN_PREFIX = "dat_"  # noqa: S105 (what a token starts with, not a secret)

HOLDER = select(m.WebToken.id, m.WebToken.tenant_id, m.WebToken.name, m.WebToken.role).where(
    m.WebToken.token_hash == bindparam("b_key"), m.WebToken.revoked_at.is_(None)
)


def issue(conn: Connection | Session, now: datetime, token_hash, tenant_id: str, name: str, role: str) -> str:  # type: ignore[no-untyped-def]
    """A new token for `name` at `tenant_id` with `role` (in the caller's write transaction); that person's
    previous token stops working."""
    name = " ".join(name.split())
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    if not name:
        raise ValueError("a token needs the name of the person who holds it")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    if conn.scalar(select(m.Tenant.id).where(m.Tenant.id == tenant_id)) is None:
        raise UnknownTenant(tenant_id)
    conn.execute(
        update(m.WebToken)
        .where(
            m.WebToken.tenant_id == tenant_id,
            func.lower(m.WebToken.name) == name.lower(),
            m.WebToken.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    )
    conn.execute(
        insert(m.WebToken).values(
            id=str(uuid.uuid4()),
            tenant_id=tenant_id,
            token_hash=token_hash(token),
            name=name,
            role=role,
            created_at=now,
        )  # fmt: skip
    )
    return token


def holder_of(row) -> TokenHolder | None:  # type: ignore[no-untyped-def]
    return TokenHolder(*row) if row else None
