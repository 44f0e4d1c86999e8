"""An operator's token on a request: HTTP Basic (any user name, the token as password: browsers ask for
it) or a bearer token (scripts), compared in constant time. The admin pages and /metrics use it; the
admin pages share one guard (`admin_only`), so a page added later cannot forget a check."""

from __future__ import annotations

import hashlib
import hmac

from flask import Blueprint, Response, jsonify, request

REALM = 'Basic realm="diner-agent admin"'


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


def admin_only(bp: Blueprint, expected: str | None, disabled: str) -> None:
    """Every request to `bp` needs the ADMIN_TOKEN (503 with `disabled` when none is set); no answer is cached."""

    @bp.before_request
    def guard() -> Response | None:
        if expected is None:
            return plain(503, disabled)
        if not presents(expected):
            response = plain(401, "Authentication required: the ADMIN_TOKEN as password (any user name) or bearer.")
            response.headers["WWW-Authenticate"] = REALM
            return response
        return None

    @bp.after_request
    def private(response: Response) -> Response:
        response.headers["Cache-Control"] = "no-store"
        return response


def plain(status: int, message: str) -> Response:
    """Errors as JSON for the .json endpoints, as text for the pages."""
    if request.path.endswith(".json"):
        response = jsonify(error=message)
    else:
        response = Response(message + "\n", content_type="text/plain; charset=utf-8")
    response.status_code = status
    return response
