import os
from urllib.parse import urlsplit, urlunsplit

import pytest


@pytest.fixture(autouse=True)
def _empty_cache():
    """Cached pages outlive a test's rolled-back transaction: every test starts without them."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def limiter_clock(monkeypatch):
    """The limiters' clock held still, mid-window, so that no count is cut by a window's end;
    a test moves it on with ``limiter_clock.now += seconds``."""
    from config import ratelimit

    class Clock:
        now = 1_800_000_030.0  # 30 s into a minute, a quarter-hour and an hour

    monkeypatch.setattr(ratelimit, "clock", lambda: Clock.now)
    return Clock


@pytest.fixture
def department(db):
    from casefiles.directory.models import Department

    return Department.objects.create(code="SCJGJ", name="珠海市市场监督管理局", region_code="440400")


@pytest.fixture
def make_user(db, django_user_model):
    def make(username="someone", **fields):
        return django_user_model.objects.create_user(username=username, password="pw-for-tests-only", **fields)

    return make


@pytest.fixture(autouse=True, scope="session")
def _flush_past_the_journal_guards():
    """Between transactional tests Django empties every table; SQLite has no TRUNCATE, and its
    DELETE meets the triggers that keep the journals append-only (migrations 0006, 0015). The
    flush — and only the flush — lifts them and puts them back in the same transaction."""
    from django.db import connection

    if connection.vendor != "sqlite":  # PostgreSQL empties tables with TRUNCATE, which row triggers let through
        yield
        return
    DatabaseOperations = type(connection.ops)
    original = DatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%\\_no\\_delete' ESCAPE '\\'")
            guards = cursor.fetchall()
        original(self, [*(f"DROP TRIGGER {name}" for name, _ in guards), *sql_list, *(sql for _, sql in guards)])

    DatabaseOperations.execute_sql_flush = execute_sql_flush
    yield
    DatabaseOperations.execute_sql_flush = original


# --- Redis: a real one, or one that is down -----------------------------------------------

CLOSED_REDIS = "redis://127.0.0.1:1/0"  # a port nothing listens on: Redis "down"


def point_redis_services_at(settings, url, names=("CACHES", "RQ_QUEUES", "RQ", "TASKS")):
    """Cache, queues and tasks configured as with ``REDIS_URL=url`` (config/settings/redis_services.py)."""
    from config.settings.redis_services import services

    for name, value in services(url, timeout=1, retry_after=5).items():
        if name in names:
            setattr(settings, name, value)


@pytest.fixture
def redis_down(settings):
    """The site as configured with REDIS_URL, while Redis does not answer."""
    point_redis_services_at(settings, CLOSED_REDIS)


def worker_database(url: str) -> str:
    """The Redis URL with its database number moved on by the pytest-xdist worker's index.

    Parallel workers (``pytest -n 2``: gw0, gw1, …) each empty their own database, never another's."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    index = int(worker.removeprefix("gw") or 0)
    parts = urlsplit(url)
    database = int(parts.path.strip("/") or 0) + index
    return urlunsplit(parts._replace(path=f"/{database}"))


@pytest.fixture
def real_redis():
    """The URL of a real Redis database that the test may empty (YIWANG_TEST_REDIS_URL).

    Skipped when no Redis answers there — unless YIWANG_REQUIRE_REDIS=1 says this environment
    must have one (CI sets it), so that a missing Redis fails instead of skipping silently."""
    import redis

    from config import env

    url = worker_database(env.string("YIWANG_TEST_REDIS_URL", "redis://127.0.0.1:6379/1"))
    client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=5)
    try:
        client.ping()
    except redis.RedisError as error:
        if env.boolean("YIWANG_REQUIRE_REDIS", False):
            pytest.fail(f"YIWANG_REQUIRE_REDIS is set but no Redis answers at {url}: {error}")
        pytest.skip(f"no Redis at {url} (set YIWANG_TEST_REDIS_URL, or YIWANG_REQUIRE_REDIS=1 to fail instead)")
    client.flushdb()
    yield url
    client.flushdb()
    client.close()
