"""`python -m tests.pinned_clock MODULE ARGS...`: run MODULE as `python -m MODULE ARGS...`, with this
process's wall clock moved to the test run's moment when `DINER_AGENT_FAKE_NOW` is set (see
tests/clock_travel.py); without it, exactly `python -m MODULE`. Test servers in other processes
(gunicorn, the CLI) start through here so they agree with the test process on what time it is.
gunicorn's forked workers inherit the moved clock."""

from __future__ import annotations

import os
import runpy
import sys

from tests.clock_travel import PIN_VAR, pinned_now


def command(module: str, *args: str) -> list[str]:
    """The argv that runs `python -m module args...` through this wrapper."""
    return [sys.executable, "-m", "tests.pinned_clock", module, *args]


def main() -> None:
    module, *args = sys.argv[1:]
    pin = os.environ.get(PIN_VAR)
    if pin:
        import time_machine

        time_machine.travel(pinned_now(pin), tick=True).start()
    sys.argv = [module, *args]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
