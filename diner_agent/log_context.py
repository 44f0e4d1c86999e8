"""What every log line of one message shares, and the JSON log format (LOG_FORMAT=json).

A request gets an id when it arrives (`X-Request-ID` if the client or the load balancer sent a sane one,
else a fresh one, and it is sent back), and the channel that reads the message adds the diner, the
channel and the message id as soon as it knows them (`bind`). They live in context variables, so they
follow the message onto the threads that answer it late (follow-ups and Slack's listeners run their
work in a copy of the context it was handed over in). The JSON handler writes one object per line:
time, level, logger, tenant, channel, message_id, request_id and the message; a traceback is one field of
that line. Phone numbers are masked in the message and the traceback alike (`+15555550101` -> `...0101`),
whatever code logged them. Timestamps are the logging module's own (`record.created`), like any library's.
"""

from __future__ import annotations

import contextvars
import logging
import re
import secrets
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from pythonjsonlogger.json import JsonFormatter

FIELDS = ("request_id", "tenant", "channel", "message_id")
_vars = {name: contextvars.ContextVar[str | None](f"diner_{name}", default=None) for name in FIELDS}
_SANE_ID = re.compile(r"[A-Za-z0-9._:-]{8,64}")
_PHONE = re.compile(r"\+\d{7,15}\b")
_MARK = "_diner_agent_json"  # set on the handler this module installs


def new_request(offered: str | None) -> str:
    """Start a request: its id (the one offered when it looks like an id, else a fresh one); the diner,
    channel and message id are forgotten until a channel binds them."""
    request_id = offered if offered and _SANE_ID.fullmatch(offered) else secrets.token_hex(8)
    for name, var in _vars.items():
        var.set(request_id if name == "request_id" else None)
    return request_id


def bind(**fields: str | None) -> None:
    """Name what the rest of this message's log lines are about (tenant=, channel=, message_id=)."""
    for name, value in fields.items():
        _vars[name].set(value)


@contextmanager
def bound(**fields: str | None) -> Iterator[None]:
    tokens = [(_vars[name], _vars[name].set(value)) for name, value in fields.items()]
    try:
        yield
    finally:
        for var, token in reversed(tokens):
            var.reset(token)


def current() -> dict[str, str | None]:
    return {name: var.get() for name, var in _vars.items()}


def mask_phones(text: str) -> str:
    return _PHONE.sub(lambda m: "..." + m.group(0)[-4:], text)


class ContextFilter(logging.Filter):
    """Adds the message's fields to each record and masks phone numbers in what it says."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name, value in current().items():
            if not hasattr(record, name) or getattr(record, name) is None:
                setattr(record, name, value)
        message = record.getMessage()
        masked = mask_phones(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


class DinerJsonFormatter(JsonFormatter):
    """pythonjsonlogger's formatter with our field names, and tracebacks masked like messages."""

    def __init__(self) -> None:
        super().__init__(
            "%(asctime)s %(levelname)s %(name)s %(tenant)s %(channel)s %(message_id)s %(request_id)s %(message)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            datefmt="%Y-%m-%dT%H:%M:%S%z",
        )

    def formatException(self, ei) -> str:  # type: ignore[no-untyped-def] # noqa: N802 (logging's name)
        return mask_phones(super().formatException(ei))


def install_json(level: str) -> logging.Handler:
    """One JSON handler on the root logger (replacing one installed before), writing to stderr."""
    uninstall()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(DinerJsonFormatter())
    handler.addFilter(ContextFilter())
    setattr(handler, _MARK, True)
    root = logging.getLogger()
    root.addHandler(handler)
    if root.level > logging.getLevelName(level.upper()):
        root.setLevel(level.upper())
    return handler


def installed_handler() -> logging.StreamHandler | None:
    return next((h for h in logging.getLogger().handlers if getattr(h, _MARK, False)), None)  # type: ignore[return-value]


def uninstall() -> None:
    handler = installed_handler()
    if handler is not None:
        logging.getLogger().removeHandler(handler)
