"""Server-sent events: turn the lines of a `text/event-stream` body into data payloads."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

DONE = "[DONE]"


def iter_data(lines: Iterable[str]) -> Iterator[str]:
    """Yield each event's data (multi-line data joined with newlines); comments and other fields are skipped.

    The stream's own end marker `[DONE]` is yielded like any other payload: the caller decides that a
    body which ended without it was truncated.
    """
    buffer: list[str] = []
    for raw in lines:
        line = raw.rstrip("\r\n")
        if not line:
            if buffer:
                yield "\n".join(buffer)
                buffer = []
            continue
        if line.startswith(":"):
            continue
        field, _, value = line.partition(":")
        if field == "data":
            buffer.append(value[1:] if value.startswith(" ") else value)
    if buffer:
        yield "\n".join(buffer)
