"""The site's base URL, for every absolute link Yiwang makes (emails, SMS, QR codes, notices).

``base_url()`` is the one place that answers it:

1. ``SITE_URL`` when it is configured (the environment variable; the deployment's public URL);
2. else the scheme and host of the request being served, as ``SiteURLMiddleware`` stored them in
   a context variable — the host read through ``request.get_host()``, so only a host
   ``ALLOWED_HOSTS`` accepts is ever used;
3. else ``DEFAULT`` (a background job with nothing else to go by).

A task queued from a request takes the base URL it was queued under with it (``captured()`` as
an argument at enqueue time, ``using(...)`` around the work), so a worker's email or PDF links
to the host the applicant used rather than to the default.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.exceptions import DisallowedHost

DEFAULT = "http://127.0.0.1:8000"

_current: ContextVar[str | None] = ContextVar("yiwang_site_url", default=None)


def configured() -> str:
    """SITE_URL as configured, without its trailing slash; "" when none is."""
    return (getattr(settings, "SITE_URL", "") or "").rstrip("/")


def base_url() -> str:
    """The base URL links start with, without a trailing slash."""
    return configured() or _current.get() or DEFAULT


def absolute(path: str) -> str:
    """``path`` (starting with "/") on the site's base URL."""
    return base_url() + path


def captured() -> str | None:
    """What a task queued now should link with: the request's base URL, or None to let the
    task decide when it runs (SITE_URL, else the default)."""
    return None if configured() else _current.get()


@contextmanager
def using(url: str | None):
    """Links made inside the block start with ``url`` (unless SITE_URL is configured); None
    changes nothing."""
    if not url:
        yield
        return
    token = _current.set(url.rstrip("/"))
    try:
        yield
    finally:
        _current.reset(token)


def request_root(request) -> str | None:
    """The request's scheme and host, if ALLOWED_HOSTS accepts the host."""
    try:
        return request.build_absolute_uri("/").rstrip("/")
    except DisallowedHost:
        return None


class SiteURLMiddleware:
    """Keeps the request's scheme and host for ``base_url()`` while the request is served."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current.set(request_root(request))
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
