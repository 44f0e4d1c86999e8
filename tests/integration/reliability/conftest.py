"""The cross-worker limits check needs Redis (that is what makes limits exact across workers): it is
collected when TEST_REDIS_URL is set, and with REQUIRE_SERVICES=1 a missing Redis stops the run."""

from tests.services import redis_url

collect_ignore = [] if redis_url() else ["test_limits_across_workers.py"]
