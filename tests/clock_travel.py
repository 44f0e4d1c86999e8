"""Run the suite at another moment: `pytest --at 2027-03-14T07:30:00Z` (tests only).

The wall clock of the test process is moved with `time_machine.travel(moment, tick=True)` before any
test runs, so anything that still read the real date (instead of the injected clock) would show here.
Servers the tests start in other processes take the same moment: the launch helpers run them through
`python -m tests.pinned_clock ...`, which travels there too, reading `DINER_AGENT_FAKE_NOW`. That
variable is set only here, by the test run; no production code or setting reads it.

`time.monotonic()` and `time.perf_counter()` are not moved (time-machine leaves them alone), so
sleeps, timeouts and timed waits behave as usual; the shared value carries the monotonic reading of
the moment the travel began, so a process started minutes later starts minutes later too.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta

PIN_VAR = "DINER_AGENT_FAKE_NOW"  # "<ISO instant>@<time.monotonic() at that instant>"


def parse_moment(text: str) -> datetime:
    """An aware instant from "2027-03-14T07:30:00Z", "2027-12-31T23:59:00-05:00" or
    "2027-12-31 23:59 America/New_York" (a local time in a named zone)."""
    from zoneinfo import ZoneInfo

    text = text.strip()
    parts = text.rsplit(" ", 1)
    if len(parts) == 2 and "/" in parts[1]:
        local = datetime.fromisoformat(parts[0])
        return local.replace(tzinfo=ZoneInfo(parts[1])).astimezone(UTC)
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"--at {text!r}: give an offset (Z, -05:00) or a zone name")
    return moment.astimezone(UTC)


def pin_value(moment: datetime) -> str:
    return f"{moment.isoformat()}@{time.monotonic()!r}"


def pinned_now(value: str) -> datetime:
    """The moment a pin stands for now: its instant plus the (monotonic) time since it was made."""
    iso, _, mono = value.rpartition("@")
    return datetime.fromisoformat(iso) + timedelta(seconds=max(0.0, time.monotonic() - float(mono)))


def travel_to(moment: datetime):  # type: ignore[no-untyped-def]
    """Move this process's wall clock to `moment` (ticking), and tell processes started later."""
    import time_machine

    traveller = time_machine.travel(moment, tick=True)
    traveller.start()
    os.environ[PIN_VAR] = pin_value(moment)
    return traveller


def pytest_addoption(parser) -> None:  # type: ignore[no-untyped-def]
    parser.addoption(
        "--at",
        default=None,
        help="run the whole suite with the wall clock moved to this instant (time-machine), e.g. "
        "2027-03-14T07:30:00Z or '2027-12-31 23:59 America/New_York'",
    )


def pytest_configure(config) -> None:  # type: ignore[no-untyped-def]
    at = config.getoption("--at", default=None)
    if at:
        moment = parse_moment(at)
        config._clock_traveller = travel_to(moment)  # noqa: SLF001 (kept alive for the whole run)


def pytest_report_header(config) -> str | None:  # type: ignore[no-untyped-def]
    at = config.getoption("--at", default=None)
    return f"wall clock moved to {parse_moment(at).isoformat()} (time-machine)" if at else None
