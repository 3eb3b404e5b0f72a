"""The one place that reads the process environment.

Settings modules call these helpers; nothing else in Yiwang reads ``os.environ``.
"""

import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def string(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value is None or value == "" else value


def required(name: str, why: str) -> str:
    value = string(name)
    if value is None:
        raise ImproperlyConfigured(f"{name} must be set: {why}")
    return value


def boolean(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def integer(name: str, default: int) -> int:
    value = string(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def listing(name: str, default: list[str] | None = None) -> list[str]:
    value = string(name)
    if value is None:
        return list(default or [])
    return [part.strip() for part in value.split(",") if part.strip()]


def path(name: str, default: Path) -> Path:
    value = string(name)
    return Path(value).expanduser().resolve() if value else default


def development_secret_key(var_dir: Path, name: str = "secret_key") -> str:
    """A secret generated once into ``var/<name>`` so that it survives restarts in development
    (the secret key for sessions, the journal key, the signing keys' password)."""
    key_file = var_dir / name
    if key_file.exists():
        return key_file.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def _weak(value: str) -> bool:
    return len(value) < 50 or len(set(value)) < 5 or value.startswith("django-insecure")


def strong_secret(name: str, why: str) -> str:
    """A secret production must be given, refused when it is short, repetitive or Django's
    placeholder: ``python -c "import secrets; print(secrets.token_urlsafe(50))"`` makes one."""
    value = required(name, why)
    if _weak(value):
        raise ImproperlyConfigured(f"{name} is too weak for production: use 50+ random characters")
    return value


def strong_secrets(name: str, why: str) -> list[str]:
    """A comma-separated list of secrets production must be given (at least one), each as
    ``strong_secret`` wants it."""
    values = listing(name)
    if not values:
        raise ImproperlyConfigured(f"{name} must be set: {why}")
    if any(_weak(value) for value in values):
        raise ImproperlyConfigured(f"{name} is too weak for production: each key 50+ random characters")
    if len(set(values)) != len(values):
        raise ImproperlyConfigured(f"{name} names the same key twice")
    return values
