"""Whether a service this process depends on (Redis) is down, as this process last saw it.

A small circuit breaker shared by the degrading cache (config/cache.py) and the task backend
(config/tasks.py): after a failure the service is left alone for ``retry_after`` seconds, so
that requests during an outage do not each wait for a connect timeout; the first call after
that tries again. An outage is logged twice, when it starts and when it ends, never per call.
"""

import logging
import threading
import time

logger = logging.getLogger("yiwang.outage")


class Outage:
    def __init__(self, name: str, retry_after: float, clock=time.monotonic):
        self.name = name
        self.retry_after = retry_after
        self._clock = clock
        self._lock = threading.Lock()
        self._since = None  # when this process saw the service fail first; None while it answers
        self._next_try = 0.0

    @property
    def down(self) -> bool:
        return self._since is not None

    def should_try(self) -> bool:
        """False while the service failed less than ``retry_after`` seconds ago."""
        return self._since is None or self._clock() >= self._next_try

    def failed(self, error: BaseException) -> None:
        with self._lock:
            started = self._since is None
            now = self._clock()
            if started:
                self._since = now
            self._next_try = now + self.retry_after
        if started:
            # The error's text names the address, not a password; it goes to the log only.
            logger.error("%s is unreachable (%s: %s); degrading until it answers again",
                         self.name, type(error).__name__, error)

    def answered(self) -> None:
        with self._lock:
            since, self._since = self._since, None
        if since is not None:
            logger.warning("%s answers again after %.0f s", self.name, self._clock() - since)
