"""Django's Redis cache, degrading to a process-local one while Redis does not answer.

Every page reads the cache (the site's theme, the page cache, rate-limit counters, DRF's
throttles), so a cache that raises takes the whole site down with it. This backend catches
Redis's errors instead: while Redis is unreachable each process caches in its own memory
(LocMemCache), and Redis is left alone for ``RETRY_AFTER`` seconds after each failure (see
config/outage.py) so that no request waits on a connect timeout it already knows the end of.

What Redis missed: every key this process wrote while Redis was away is deleted from Redis
once it answers again, before anything else is read there — otherwise a value older than
the outage (the page cache's content version, say) would outlive a change made during it.
"""

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

from config.outage import Outage

MISSED_KEYS_KEPT = 10_000  # beyond this, the rest expire on their own timeouts
FALLBACK_MAX_ENTRIES = 1_000


class DegradingRedisCache(RedisCache):
    def __init__(self, server, params):
        options = dict(params.get("OPTIONS", {}))
        # Ours, not redis-py's: RedisCache hands every other option to the connection pool.
        retry_after = options.pop("RETRY_AFTER", 5)
        super().__init__(server, {**params, "OPTIONS": options})
        self.outage = Outage("Redis (the cache)", retry_after)
        fallback = {key: value for key, value in params.items() if key != "OPTIONS"}
        self._fallback = LocMemCache(f"yiwang-cache-fallback-{id(self)}",
                                     {**fallback, "OPTIONS": {"MAX_ENTRIES": FALLBACK_MAX_ENTRIES}})
        self._missed = set()

    @property
    def degraded(self) -> bool:
        """True while this process caches on its own because Redis did not answer."""
        return self.outage.down

    def _call(self, name, *args, version=None, written=(), **kwargs):
        if self.outage.should_try():
            try:
                if self.outage.down:
                    self._forget_missed()  # also the probe: raises while Redis is still away
                result = getattr(RedisCache, name)(self, *args, version=version, **kwargs)
            except RedisError as error:
                self.outage.failed(error)
            else:
                if self.outage.down:
                    self.outage.answered()
                    self._fallback.clear()
                return result
        if len(self._missed) < MISSED_KEYS_KEPT:
            self._missed.update((key, version) for key in written)
        return getattr(self._fallback, name)(*args, version=version, **kwargs)

    def _forget_missed(self):
        by_version = {}
        for key, version in list(self._missed):
            by_version.setdefault(version, []).append(key)
        for version, keys in by_version.items():
            RedisCache.delete_many(self, keys, version=version)
        self._missed.clear()

    # Reads
    def get(self, key, default=None, version=None):
        return self._call("get", key, default, version=version)

    def get_many(self, keys, version=None):
        return self._call("get_many", keys, version=version)

    def has_key(self, key, version=None):
        return self._call("has_key", key, version=version)

    # Writes: the keys are remembered while Redis is away
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", key, value, timeout, version=version, written=[key])

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", key, value, timeout, version=version, written=[key])

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", key, timeout, version=version, written=[key])

    def delete(self, key, version=None):
        return self._call("delete", key, version=version, written=[key])

    def incr(self, key, delta=1, version=None):
        return self._call("incr", key, delta, version=version, written=[key])

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", data, timeout, version=version, written=list(data))

    def delete_many(self, keys, version=None):
        keys = list(keys)
        return self._call("delete_many", keys, version=version, written=keys)

    def clear(self):
        self._fallback.clear()
        if self.outage.should_try():
            try:
                RedisCache.clear(self)
            except RedisError as error:
                self.outage.failed(error)
            else:
                self._missed.clear()
                self.outage.answered()
