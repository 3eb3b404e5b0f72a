"""Rate limits on anonymous look-ups (progress, license verification), counted in Django's cache.

``hit(key, limit, period)`` counts one request against ``key`` and says whether it is
still within ``limit`` requests per ``period`` seconds. Windows are fixed (they start at
multiples of ``period``), so a client may squeeze up to twice the limit across a window
boundary; for slowing down guessing of numbers and codes that is enough, and it costs one
cache increment per request. With the local-memory cache (the embedded default) every
worker process counts on its own; with Redis (``REDIS_URL``) all of them share the count.

``client_ip(request)`` is ``REMOTE_ADDR`` unless the site runs behind reverse proxies
(``YIWANG_TRUSTED_PROXIES`` = how many): then it is the address the outermost trusted
proxy saw, taken from the right of ``X-Forwarded-For``. Without proxies a client can write
that header itself, so it is never read.

``limit_per_ip(group, limit, period)`` wraps a view and answers HTTP 429 once a client is
over the limit (with ``Retry-After``); ``refused`` renders the page that says so.
"""

import functools
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.translation import gettext as _

KEY_PREFIX = "yiwang:ratelimit:"


def _window(period: int, now: float | None = None) -> int:
    return int((time.time() if now is None else now) // period)


def hit(key: str, limit: int, period: int, *, now: float | None = None) -> bool:
    """Count one request against ``key``; False once more than ``limit`` fell in this ``period``."""
    cache_key = f"{KEY_PREFIX}{key}:{period}:{_window(period, now)}"
    # add() is a no-op when the counter exists; incr() is atomic in Redis and under
    # LocMemCache's lock, so concurrent requests never lose a count.
    cache.add(cache_key, 0, timeout=period + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add() and incr()
        cache.add(cache_key, 1, timeout=period + 1)
        count = 1
    return count <= limit


def retry_after(period: int, now: float | None = None) -> int:
    """Seconds until the current window ends."""
    now = time.time() if now is None else now
    return max(1, int((_window(period, now) + 1) * period - now))


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    proxies = int(getattr(settings, "YIWANG_TRUSTED_PROXIES", 0) or 0)
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    # Each trusted proxy appends the address it received from; the last one is REMOTE_ADDR.
    # With n proxies the client is the n-th from the right (anything left of it is the
    # client's own claim).
    if len(forwarded) >= proxies:
        return forwarded[-proxies]
    return forwarded[0] if forwarded else remote


def refused_response(request, period: int) -> HttpResponse:
    response = HttpResponse(
        _("Too many look-ups from your address. Please wait a minute and try again."),
        status=429, content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(retry_after(period))
    return response


def limit_per_ip(group: str, limit: int, period: int = 60, *, counts=None, refused=None):
    """Decorator: at most ``limit`` counted requests per client address and ``period`` seconds.

    ``counts(request)`` says whether a request is counted (default: every request);
    ``refused(request, period)`` builds the 429 answer (default: plain text).
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if counts is None or counts(request):
                if not hit(f"{group}:{client_ip(request)}", limit, period):
                    response = (refused or refused_response)(request, period)
                    response.status_code = 429
                    response.setdefault("Retry-After", str(retry_after(period)))
                    return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
