"""Sign-in guessing: locks per account name and per client address, on every way in.

Every way to sign in — the site's ``/accounts/login/``, the admin's ``/admin/login/``, the
API's ``/api/v1/auth/token/``, and any later one that calls Django's ``authenticate`` with
the request — goes through ``django.contrib.auth.authenticate``, so the lock lives there:

- ``user_login_failed`` (sent by ``authenticate`` for every failed attempt) counts a failure
  against the account name and against the client's address (``config.clients``);
- a name with ``ACCOUNT_FAILURES`` failures within ``PERIOD`` seconds, or an address with
  ``ADDRESS_FAILURES``, is locked for ``LOCK`` seconds (``settings.YIWANG_SIGNIN_LIMITS``);
- ``SignInLockBackend``, first in ``AUTHENTICATION_BACKENDS``, refuses every attempt while
  the name or the address is locked — the right password too, or the lock would confirm it.

A name is locked whether or not an account has it, with the same answer, so the lock tells
nobody which names exist. A successful sign-in clears nothing: whoever tries one password on
many accounts from one address must not wipe the address's count by signing in to their own.
Attempts refused by a lock are not counted (they tested no password), so a lock ends when it
says it does. The ways in answer ``message(refusal(request))`` with HTTP 429 and
``Retry-After`` (``config/signin_views.py``, ``casefiles.api.views.TokenView``).
"""

import hashlib
import math

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.utils.translation import ngettext

from config import clients, ratelimit

LOCK_PREFIX = "yiwang:signin-lock:"
MAX_NAME = 254  # longer than any user name, mobile number or e-mail address an account can have
_REFUSED = "_yiwang_signin_refused"  # on the request: seconds its attempt was refused for


def _subjects(request, username):
    """(kind, key) of what a failure counts against: the address, and the name if one was given."""
    subjects = [("ADDRESS", clients.address(request))]
    if username:
        # Hashed: a name can be anything a client types (and as long); folded, so that
        # Admin and admin share their lock.
        name = str(username).strip().casefold().encode("utf-8", "surrogatepass")
        subjects.append(("ACCOUNT", hashlib.sha256(name).hexdigest()))
    return subjects


def locked_for(request, username) -> int:
    """Seconds until the name and the client's address may try again (0: now)."""
    now = ratelimit.clock()
    until = max((cache.get(f"{LOCK_PREFIX}{kind}:{key}") or 0) for kind, key in _subjects(request, username))
    return max(0, math.ceil(until - now))


def record_failure(request, username) -> None:
    """Count one failed sign-in; lock whatever reached its limit."""
    limits = settings.YIWANG_SIGNIN_LIMITS
    now = ratelimit.clock()
    for kind, key in _subjects(request, username):
        if ratelimit.count(f"signin-{kind}:{key}", limits["PERIOD"], now=now) >= limits[f"{kind}_FAILURES"]:
            cache.set(f"{LOCK_PREFIX}{kind}:{key}", now + limits["LOCK"], timeout=limits["LOCK"])


def refusal(request) -> int:
    """Seconds this request's sign-in was refused for by a lock (0: it was not)."""
    return getattr(request, _REFUSED, 0)


def message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return ngettext(
        "Too many failed sign-in attempts. Please try again in %(minutes)d minute.",
        "Too many failed sign-in attempts. Please try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


class SignInLockBackend:
    """Stops ``authenticate`` while the name or the address is locked.

    Only ``authenticate``: without ``get_user`` Django never stores it as a session's backend.
    """

    def authenticate(self, request, username=None, **credentials):
        if request is None:  # not a sign-in by a client (a command, a test's login())
            return None
        if username is None:
            username = credentials.get(get_user_model().USERNAME_FIELD)
        if len(str(username or "")) > MAX_NAME:
            raise PermissionDenied  # no account has such a name; no backend need look it up
        seconds = locked_for(request, username)
        if seconds:
            setattr(request, _REFUSED, seconds)
            raise PermissionDenied  # authenticate() stops here: no later backend sees the password
        return None


# Connected when this module is imported, which authenticate() does (it loads every backend,
# this one first) before it can send the signal.
@receiver(user_login_failed, dispatch_uid="yiwang_signin_failure")
def _count_failure(sender, credentials, request=None, **kwargs):
    if request is None or refusal(request):
        return
    record_failure(request, credentials.get(get_user_model().USERNAME_FIELD))
