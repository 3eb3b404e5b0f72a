"""Rate limits per client address, counted in Django's cache: the pages and the API share them.

``hit(key, limit, period)`` counts one request against ``key`` and says whether it is
still within ``limit`` requests per ``period`` seconds. Windows are fixed (they start at
multiples of ``period``), so a client may squeeze up to twice the limit across a window
boundary; for slowing down guessing of numbers and codes that is enough, and it costs one
cache increment per request. With the local-memory cache (the embedded default) every
worker process counts on its own; with Redis (``REDIS_URL``) all of them share the count.

Each action's limit is named once, in ``settings.YIWANG_RATE_LIMITS`` (``progress``,
``license-verify``: requests and seconds), and counted per ``config.clients.address`` under
that name. ``allows(action, request)`` counts one request; the pages' decorator
``limit_per_ip(action)`` and the API's throttles (``casefiles/api/throttles.py``) both call
it, so a client's page and API look-ups add up to one count.

``limit_per_ip`` answers HTTP 429 once a client is over the limit (with ``Retry-After``);
``refused`` renders the page that says so.
"""

import functools
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.translation import gettext as _

from config import clients

KEY_PREFIX = "yiwang:ratelimit:"


def clock() -> float:
    """Now, for every limiter and lock (tests hold it still)."""
    return time.time()


def _window(period: int, now: float | None = None) -> int:
    return int((clock() if now is None else now) // period)


def hit(key: str, limit: int, period: int, *, now: float | None = None) -> bool:
    """Count one request against ``key``; False once more than ``limit`` fell in this ``period``."""
    return count(key, period, now=now) <= limit


def count(key: str, period: int, *, now: float | None = None) -> int:
    """Count one event against ``key``: how many fell in this ``period`` with it."""
    cache_key = f"{KEY_PREFIX}{key}:{period}:{_window(period, now)}"
    # add() is a no-op when the counter exists; incr() is atomic in Redis and under
    # LocMemCache's lock, so concurrent requests never lose a count.
    cache.add(cache_key, 0, timeout=period + 1)
    try:
        return cache.incr(cache_key)
    except ValueError:  # expired between add() and incr()
        cache.add(cache_key, 1, timeout=period + 1)
        return 1


def retry_after(period: int, now: float | None = None) -> int:
    """Seconds until the current window ends."""
    now = clock() if now is None else now
    return max(1, int((_window(period, now) + 1) * period - now))


def limit_of(action: str) -> tuple[int, int]:
    """(requests, seconds) allowed per client address for ``action``."""
    requests, seconds = settings.YIWANG_RATE_LIMITS[action]
    return requests, seconds


def allows(action: str, request) -> bool:
    """Count one ``action`` by the request's client; False once it is over the limit."""
    requests, seconds = limit_of(action)
    return hit(f"{action}:{clients.address(request)}", requests, seconds)


def refused_response(request, period: int) -> HttpResponse:
    response = HttpResponse(
        _("Too many look-ups from your address. Please wait a minute and try again."),
        status=429, content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(retry_after(period))
    return response


def limit_per_ip(action: str, *, counts=None, refused=None):
    """Decorator: at most ``limit_of(action)`` counted requests per client address.

    ``counts(request)`` says whether a request is counted (default: every request);
    ``refused(request, period)`` builds the 429 answer (default: plain text).
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if (counts is None or counts(request)) and not allows(action, request):
                period = limit_of(action)[1]
                response = (refused or refused_response)(request, period)
                response.status_code = 429
                response.setdefault("Retry-After", str(retry_after(period)))
                return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
