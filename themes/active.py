"""Which theme renders the current request.

A theme is a folder ``themes/<name>/`` with ``templates/`` and ``static/``. Templates are
looked up in the active theme first, then in ``default``, then in the apps: a theme
overrides only what it changes.
"""

import contextvars
import time
from pathlib import Path

from django.conf import settings
from django.core.cache import cache

from themes.models import ThemeSettings

THEMES_DIR = Path(__file__).resolve().parent
COOKIE_NAME = "yiwang_theme"

_active = contextvars.ContextVar("yiwang_theme", default=None)


def available() -> dict:
    return settings.YIWANG_THEMES


def default_theme() -> str:
    return settings.YIWANG_DEFAULT_THEME


def current() -> str:
    return _active.get() or default_theme()


def activate(name: str):
    """Make ``name`` the theme for this context; returns a token for ``deactivate``."""
    if name not in available():
        name = default_theme()
    return _active.set(name)


def deactivate(token) -> None:
    _active.reset(token)


def template_dirs(name: str | None = None) -> list[Path]:
    name = name or current()
    dirs = [THEMES_DIR / name / "templates"]
    if name != "default":
        dirs.append(THEMES_DIR / "default" / "templates")
    return dirs


SITE_THEME_SECONDS = 60  # how long another worker may show a site's previous theme


VERSION_KEY = "yiwang:site-theme-version"


def site_theme_key(request) -> str:
    return f"yiwang:site-theme:{cache.get(VERSION_KEY, 0)}:{request.get_host()}"


def forget_site_themes() -> None:
    """After a Site or its theme setting changes: this process (and any sharing its cache)
    forgets at once, others within SITE_THEME_SECONDS."""
    cache.set(VERSION_KEY, time.monotonic_ns(), None)


def site_theme(request) -> str:
    """The theme of the Wagtail Site serving ``request``; cached, since every request asks."""
    key = site_theme_key(request)
    theme = cache.get(key)
    if theme is None:
        try:
            theme = ThemeSettings.for_request(request).theme or default_theme()
        except Exception:  # no Site matches this host yet (fresh database): fall back, uncached
            return default_theme()
        # The first look-up creates the setting's row, which forgets site themes: key anew.
        cache.set(site_theme_key(request), theme, SITE_THEME_SECONDS)
    return theme


def choose(request) -> str:
    """The visitor's own choice (长者模式 toggle) wins over the site's theme."""
    chosen = request.COOKIES.get(COOKIE_NAME)
    if chosen in available():
        return chosen
    return site_theme(request)
