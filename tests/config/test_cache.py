"""The Redis cache that degrades to each process's memory while Redis does not answer."""

import logging
from unittest import mock

import pytest
from django.core.cache.backends.redis import RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError

from config.cache import DegradingRedisCache
from config.outage import Outage
from tests.conftest import CLOSED_REDIS


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def cache_at(url, retry_after=5, clock=None):
    backend = DegradingRedisCache(url, {"KEY_PREFIX": "test", "OPTIONS": {
        "socket_connect_timeout": 1, "socket_timeout": 1, "RETRY_AFTER": retry_after}})
    if clock is not None:
        backend.outage = Outage(backend.outage.name, retry_after, clock=clock)
    return backend


def test_with_redis_down_every_operation_answers_from_memory():
    cache = cache_at(CLOSED_REDIS)
    assert cache.get("theme") is None
    assert cache.degraded
    cache.set("theme", "elder", 60)
    assert cache.get("theme") == "elder" and cache.has_key("theme")
    assert cache.add("counter", 0, 60) and not cache.add("counter", 5, 60)
    assert cache.incr("counter") == 1 and cache.decr("counter") == 0
    with pytest.raises(ValueError):  # as Django's own backends: no counter, no increment
        cache.incr("nothing")
    cache.set_many({"a": 1, "b": 2})
    assert cache.get_many(["a", "b", "c"]) == {"a": 1, "b": 2}
    assert cache.get_or_set("c", 3) == 3
    cache.delete_many(["a", "b"])
    assert cache.touch("c", 10) and cache.delete("c") and cache.get("c") is None
    cache.clear()
    assert cache.get("theme") is None


def test_an_outage_is_logged_once_not_per_call_and_once_when_it_ends(caplog):
    clock = Clock()
    cache = cache_at(CLOSED_REDIS, clock=clock)
    with caplog.at_level(logging.WARNING, logger="yiwang.outage"):
        for second in range(30):
            clock.now += 1
            cache.get("theme")
            cache.set("theme", "default")
    assert [r.levelname for r in caplog.records] == ["ERROR"]
    assert "unreachable" in caplog.records[0].getMessage()
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="yiwang.outage"):
        cache.outage.answered()
    assert len(caplog.records) == 1 and "answers again" in caplog.records[0].getMessage()


def test_redis_is_left_alone_for_a_while_after_a_failure():
    clock = Clock()
    cache = cache_at("redis://127.0.0.1:6379/0", retry_after=5, clock=clock)
    with mock.patch.object(RedisCacheClient, "get_client", side_effect=RedisConnectionError("refused")) as connect:
        cache.get("a")
        cache.get("b")
        cache.set("c", 1)
        assert connect.call_count == 1  # the rest did not wait on a connection known to fail
        clock.now += 5
        cache.get("d")
        assert connect.call_count == 2  # then it is tried again


def test_a_key_written_while_redis_was_away_is_dropped_from_redis_when_it_answers(real_redis):
    """Otherwise the value from before the outage (a content version, say) outlives the change."""
    cache = cache_at(real_redis, retry_after=0)
    cache.set("content-version", "before", None)
    cache.set("untouched", "kept", None)
    with mock.patch.object(RedisCacheClient, "get_client", side_effect=RedisConnectionError("refused")):
        cache.set("content-version", "during", None)
        assert cache.get("content-version") == "during"
        assert cache.degraded
    assert cache.get("content-version") is None  # not "before"
    assert cache.get("untouched") == "kept"
    assert not cache.degraded
    cache.set("content-version", "after", None)
    assert cache.get("content-version") == "after"


def test_the_page_cache_forgets_pages_published_over_during_an_outage(real_redis, settings, tmp_path):
    """A publish while Redis is away changes the version every process of the machine reads
    (the stamp file) and, once Redis answers, the version in Redis too."""
    from django.core.cache import cache

    from cms import caching
    from tests.conftest import point_redis_services_at

    settings.YIWANG_PAGE_CACHE_STAMP = tmp_path / "page-cache.version"
    point_redis_services_at(settings, real_redis, names=("CACHES",))
    cache.outage = Outage(cache.outage.name, 0)
    before = caching.content_version()
    assert before != "0" and caching.content_version() == before
    with mock.patch.object(RedisCacheClient, "get_client", side_effect=RedisConnectionError("refused")):
        cache.get("anything")
        during_before_publish = caching.content_version()
        caching._replace_version()
        during = caching.content_version()
        assert during != during_before_publish
    cache.get("anything")  # Redis answers again
    after = caching.content_version()
    assert after not in {before, "0"}  # no page cached before the outage is read after it
    assert caching.content_version() == after
