"""The admin dashboard, metrics and the public menu run against the whole app on a loopback server."""

from tests.live_site import make_site, site  # noqa: F401
