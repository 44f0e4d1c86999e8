"""Reading upstream failures: which HTTP answers mean "try the next provider" and which mean "slow down".

Cloudflare's errors come in two shapes (`{"errors": [{"code", "message"}]}` from the API and
`{"error": {"message", ...}}` from gateway features such as spend limits), OpenAI-compatible servers use
`{"error": {"message", "code"}}`, and some bodies are not JSON at all: parse defensively, status first.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from .errors import RateLimited

QUOTA_EXHAUSTED = 3036  # daily free Neurons used up; resets at 00:00 UTC
OUT_OF_CAPACITY = 3040  # "Capacity temporarily exceeded, please try again."
DEFAULT_RETRY_AFTER = 1.0


class ProviderFailure(Exception):
    """A provider did not answer usefully; the next one may. `breaker`: does it count as a fault?"""

    def __init__(self, reason: str, *, breaker: bool = True) -> None:
        super().__init__(reason)
        self.reason = reason
        self.breaker = breaker


def read_json(response: httpx.Response) -> dict:
    try:
        data = json.loads(response.content)
    except ValueError:
        raise ProviderFailure("malformed JSON in the response body") from None
    if not isinstance(data, dict):
        raise ProviderFailure("the response body is not a JSON object")
    return data


def _first_error(data: Any) -> dict:
    if not isinstance(data, dict):
        return {}
    errors = data.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        return errors[0]
    error = data.get("error")
    if isinstance(error, dict):
        return error
    if isinstance(error, str):
        return {"message": error}
    return {}


def error_code(data: Any) -> int | None:
    code = _first_error(data).get("code")
    try:
        return int(code) if code is not None and not isinstance(code, bool) else None
    except (TypeError, ValueError):
        return None


def error_message(data: Any) -> str:
    message = _first_error(data).get("message")
    return str(message)[:120] if message else "no error message"


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Retry-After as seconds (delta-seconds or an HTTP date); None when absent or unreadable."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - now).total_seconds())


def seconds_until_utc_midnight(now: datetime) -> float:
    tomorrow = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return (tomorrow - now).total_seconds()


def check_status(provider: str, response: httpx.Response, now: datetime) -> None:
    """Raise for any answer that is not a 2xx: RateLimited for 429, ProviderFailure otherwise.

    The body must already be read. A 4xx other than 429 is our request's or our credentials' fault,
    so it does not trip the breaker, but the next provider (other credentials, other model) may still
    serve the call.
    """
    status = response.status_code
    if status < 300:
        return
    try:
        data = json.loads(response.content) if response.content else {}
    except ValueError:
        data = {}
    if status == 429:
        code = error_code(data)
        retry_after = parse_retry_after(response.headers.get("retry-after"), now)
        hinted = retry_after is not None
        if retry_after is None:
            retry_after = seconds_until_utc_midnight(now) if code == QUOTA_EXHAUSTED else DEFAULT_RETRY_AFTER
        raise RateLimited(
            retry_after,
            "upstream",
            code,
            f"{provider} answered 429 (code {code}): {error_message(data)}",
            provider=provider,
            hinted=hinted,
        )
    raise ProviderFailure(f"HTTP {status}: {error_message(data)}", breaker=status >= 500 or status == 408)
