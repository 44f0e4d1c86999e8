"""The web chat runs against the whole app on a loopback server (tests/live_site.py)."""

from tests.live_site import make_site, site  # noqa: F401
