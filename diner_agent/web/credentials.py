"""An operator's token on a request: HTTP Basic (any user name, the token as password: browsers ask for
it) or a bearer token (scripts), compared in constant time. The admin dashboard and /metrics use it."""

from __future__ import annotations

import hashlib
import hmac

from flask import request


def presents(expected: str) -> bool:
    """Whether this request carries `expected` as its Basic password or bearer token."""
    auth = request.authorization
    if auth is None:
        return False
    given = auth.password if auth.type == "basic" else auth.token if auth.type == "bearer" else None
    if given is None:
        return False
    # Digests first: compare_digest is constant-time only for equal lengths, so not even the length leaks.
    return hmac.compare_digest(hashlib.sha256(given.encode()).digest(), hashlib.sha256(expected.encode()).digest())
