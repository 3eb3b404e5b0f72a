"""The page cache: anonymous visitors read guides, bundles, policies and index pages from Django's cache.

What is cached: the HTML of a live page of one of ``CACHEABLE_PAGE_MODELS`` with no view
restriction, served by Wagtail to a GET from a visitor who is not logged in, keyed by the
URL (scheme, host — hence the site — path and query), the theme and the language.

What never is: anything for a request that carries a session or pending messages, a
response that sets a cookie, touches the session, adds a message, is not 200 HTML, or says
``private``/``no-store``; every page type not listed below (a future search or form page).

Per-visitor CSRF tokens: the header's theme and language forms carry a token. Before an
entry is stored, every token in it that belongs to this visitor's CSRF secret is replaced
by a placeholder; each hit puts in a token of the new visitor's own secret (and
CsrfViewMiddleware sets that visitor's cookie), so no two visitors ever share a secret.

Invalidation: the key holds a content version; publishing, unpublishing, moving or deleting
a page (and saving the few records pages show: departments, documents, license types,
sites, view restrictions) replaces the version, so every older entry is simply never read
again and expires. With a process-local cache (LocMem, the embedded default) the version
lives in a small file under ``YIWANG_VAR_DIR`` so that every worker process on the machine
sees a publish at once; with a shared cache (Redis) it lives in the cache itself, and in
the file too while Redis is unreachable and each process caches on its own (config/cache.py).
"""

import re
import uuid
from hashlib import sha256
from pathlib import Path

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import CSRF_TOKEN_LENGTH, _unmask_cipher_token, get_token
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import cc_delim_re
from django.utils.crypto import constant_time_compare
from django.utils.encoding import iri_to_uri
from wagtail.models import Page

from themes.active import choose

CACHEABLE_PAGE_MODELS = {
    "cms.homepage",
    "cms.departmentindexpage",
    "cms.departmentpage",
    "cms.guideindexpage",
    "cms.serviceitempage",
    "cms.bundleindexpage",
    "cms.bundlepage",
    "cms.policyindexpage",
    "cms.policypage",
    "cms.topicindexpage",
    "cms.topicpage",
}
DEFAULT_TIMEOUT = 600  # seconds; a ceiling on staleness for anything no signal reports
STATUS_HEADER = "X-Page-Cache"
KEY_PREFIX = "yiwang:page:"
VERSION_KEY = "yiwang:page-cache-version"
CSRF_PLACEHOLDER = b"\x00yiwang-csrf-token\x00"
# A masked CSRF token: 64 letters and digits, not part of a longer run.
_TOKEN = re.compile(rb"(?<![A-Za-z0-9])[A-Za-z0-9]{%d}(?![A-Za-z0-9])" % CSRF_TOKEN_LENGTH)
_UNCACHEABLE_CONTROL = {"private", "no-store", "no-cache"}
# Varying on these is already covered by the key (cookies that matter bypass the cache).
_KEYED_VARY = {"cookie", "accept-language"}


def timeout() -> int:
    return getattr(settings, "YIWANG_PAGE_CACHE_SECONDS", DEFAULT_TIMEOUT)


# --- The content version ------------------------------------------------------------------


def _shared_cache() -> bool:
    backend = settings.CACHES["default"]["BACKEND"]
    return not backend.endswith(("LocMemCache", "DummyCache"))


def _version_in_cache() -> bool:
    """Whether the version lives in the shared cache now: not while it degrades to a process's
    own memory (config/cache.py), when the file keeps the processes of the machine agreed."""
    return _shared_cache() and not getattr(cache, "degraded", False)


def _stamp_path() -> Path:
    return Path(getattr(settings, "YIWANG_PAGE_CACHE_STAMP", settings.VAR_DIR / "page-cache.version"))


def content_version() -> str:
    if _version_in_cache():
        version = cache.get(VERSION_KEY)
        if version is None:  # never set, or dropped as stale after an outage: start afresh
            cache.add(VERSION_KEY, uuid.uuid4().hex, None)
            version = cache.get(VERSION_KEY)
        return version or "0"
    try:
        return _stamp_path().read_text() or "0"
    except FileNotFoundError:
        return "0"


def _replace_version() -> None:
    version = uuid.uuid4().hex
    if _shared_cache():
        # Written even while the cache degrades: the degraded cache then drops the key from
        # Redis when it answers again, so no page cached before the outage is read after it.
        cache.set(VERSION_KEY, version, None)
        if _version_in_cache():
            return
    path = _stamp_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    # Write aside and rename: a reader in another worker never sees a half-written file.
    scratch = path.with_name(f"{path.name}.{version}")
    scratch.write_text(version)
    scratch.replace(path)


def invalidate() -> None:
    """Forget every cached page.

    Called inside the publishing transaction and again once it commits: the second time
    drops a page that a visitor's request rendered from the old rows in between.
    """
    _replace_version()
    transaction.on_commit(_replace_version)


# --- Which requests and responses ---------------------------------------------------------


def _may_use_cache(request) -> bool:
    if request.method != "GET":
        return False
    # A session may hold a passed page password or a logged-in user; pending messages are
    # shown on the next page: either way the page is this visitor's own.
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    try:
        return resolve(request.path_info).url_name == "wagtail_serve"
    except Resolver404:
        return False


def _theme(request) -> str:
    theme = getattr(request, "theme", None)
    if theme is None:
        theme = choose(request)
    return theme


def cache_key(request, version: str | None = None) -> str:
    parts = [
        version if version is not None else content_version(),
        request.scheme,
        request.get_host(),
        iri_to_uri(request.get_full_path()),
        _theme(request),
        translation.get_language() or "",
    ]
    return KEY_PREFIX + sha256("\n".join(parts).encode()).hexdigest()


def _served_page(response):
    """The Wagtail page a response shows, if it is one that anonymous visitors may share."""
    page = (getattr(response, "context_data", None) or {}).get("page")
    if not isinstance(page, Page) or page._meta.label_lower not in CACHEABLE_PAGE_MODELS or not page.live:
        return None
    if page.get_view_restrictions().exists():
        return None
    return page


def _may_store(request, response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if not response.get("Content-Type", "").startswith("text/html"):
        return False
    control = {part.split("=")[0].strip().lower() for part in cc_delim_re.split(response.get("Cache-Control", ""))}
    if control & _UNCACHEABLE_CONTROL:
        return False
    vary = {field.strip().lower() for field in cc_delim_re.split(response.get("Vary", "")) if field.strip()}
    if vary - _KEYED_VARY:
        return False
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    if getattr(request, "csp_nonce", None):  # the page carries this response's CSP nonce (config/csp.py)
        return False
    if getattr(get_messages(request), "added_new", False):
        return False
    return _served_page(response) is not None


def _without_csrf_tokens(content: bytes, secret: str | None) -> tuple[bytes, bool]:
    """The content with this visitor's CSRF tokens taken out, and whether there were any."""
    if not secret:
        return content, False
    found = False

    def replace(match):
        nonlocal found
        token = match.group().decode()
        if constant_time_compare(_unmask_cipher_token(token), secret):
            found = True
            return CSRF_PLACEHOLDER
        return match.group()

    return _TOKEN.sub(replace, content), found


def _entry(request, response) -> dict:
    content, has_csrf = _without_csrf_tokens(response.content, request.META.get("CSRF_COOKIE"))
    headers = [(name, value) for name, value in response.items() if name.lower() != STATUS_HEADER.lower()]
    return {"status": response.status_code, "headers": headers, "content": content, "csrf": has_csrf}


def _response(request, entry) -> HttpResponse:
    content = entry["content"]
    if entry["csrf"]:
        # get_token also tells CsrfViewMiddleware to give a new visitor their cookie.
        content = content.replace(CSRF_PLACEHOLDER, get_token(request).encode())
    response = HttpResponse(content, status=entry["status"])
    for name, value in entry["headers"]:
        response[name] = value
    return response


class AnonymousPageCacheMiddleware:
    """Serves shareable pages to anonymous visitors from the cache; place it after ThemeMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _may_use_cache(request):
            return self.get_response(request)
        key = cache_key(request)
        entry = cache.get(key)
        if entry is not None:
            response = _response(request, entry)
            response[STATUS_HEADER] = "hit"
            return response
        response = self.get_response(request)
        if _may_store(request, response):
            cache.set(key, _entry(request, response), timeout())
            response[STATUS_HEADER] = "miss"
        return response
