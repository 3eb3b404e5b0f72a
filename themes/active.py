"""Which theme renders the current request.

A theme is a folder ``themes/<name>/`` with ``templates/`` and ``static/``. Templates are
looked up in the active theme first, then in ``default``, then in the apps: a theme
overrides only what it changes.
"""

import contextvars
from pathlib import Path

from django.conf import settings

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


def choose(request) -> str:
    """The visitor's own choice (长者模式 toggle) wins over the site's theme."""
    chosen = request.COOKIES.get(COOKIE_NAME)
    if chosen in available():
        return chosen
    from themes.models import ThemeSettings

    try:
        return ThemeSettings.for_request(request).theme or default_theme()
    except Exception:  # no Site matches this host yet (fresh database): fall back
        return default_theme()
