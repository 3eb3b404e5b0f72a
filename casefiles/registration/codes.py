"""验证码: what every code texted to a mobile number obeys, whichever flow sent it.

allauth makes the codes (six digits, ``ALLAUTH_USER_CODE_FORMAT``), keeps each in the session
state of its flow with the time it was sent, lets it count for five minutes
(``ACCOUNT_PHONE_VERIFICATION_TIMEOUT``, ``ACCOUNT_LOGIN_BY_CODE_TIMEOUT``,
``ACCOUNT_PASSWORD_RESET_BY_CODE_TIMEOUT``) and forgets it once used. This module adds the
rule that spans the flows — phone verification at registration, sign-in by code, password
reset by SMS:

- every wrong code typed for a number counts against the number (``config.ratelimit``);
- ``YIWANG_SMS_CODE_FAILURES`` wrong codes within ``YIWANG_SMS_CODE_LOCK`` seconds lock the
  number for ``YIWANG_SMS_CODE_LOCK`` seconds: no code for it is accepted, not even the right
  one (or the lock would confirm a guess), and none is sent to it;
- attempts refused by the lock are not counted, so the lock ends when it says it does.

A number is locked whether or not an account has it, with the same words, so the lock tells
nobody which numbers are registered. The pages that refuse say so with ``message(seconds)``
and answer HTTP 429 with ``Retry-After`` (``refuse`` marks the request; config/account_views.py).
"""

import hashlib
import math

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext, ngettext

from config import ratelimit

LOCK_PREFIX = "yiwang:sms-code-lock:"
_REFUSED = "_yiwang_code_refused"  # on the request: seconds its code or text was refused for


def _key(number: str) -> str:
    return hashlib.sha256(str(number).encode()).hexdigest()  # the cache never holds the number itself


def lock_seconds() -> int:
    return int(settings.YIWANG_SMS_CODE_LOCK)


def locked_for(number: str) -> int:
    """Seconds until codes for ``number`` are accepted and sent again (0: now)."""
    if not number:
        return 0
    until = cache.get(LOCK_PREFIX + _key(number)) or 0
    return max(0, math.ceil(until - ratelimit.clock()))


def record_wrong_code(number: str) -> int:
    """Count one wrong code typed for ``number``; lock it once it reached the limit.

    Returns the seconds the number is now locked for (0: not locked)."""
    if not number:
        return 0
    period = lock_seconds()
    now = ratelimit.clock()
    if ratelimit.count(f"sms-code-wrong:{_key(number)}", period, now=now) >= settings.YIWANG_SMS_CODE_FAILURES:
        cache.set(LOCK_PREFIX + _key(number), now + period, timeout=period)
        return period
    return 0


def message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return ngettext(
        "Too many wrong codes for this mobile number. No code is sent or accepted for it for %(minutes)d minute.",
        "Too many wrong codes for this mobile number. No code is sent or accepted for it for %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


def texts_message() -> str:
    """A sending limit of ``ACCOUNT_RATE_LIMITS`` reached (per number or per address)."""
    return gettext("Too many text messages asked for. Please wait a while and try again.")


# --- the answer of a refused request ------------------------------------------------------

def refuse(request, seconds: int) -> None:
    """Mark ``request`` as refused by a limit for ``seconds``: its page answers 429."""
    if request is not None:
        setattr(request, _REFUSED, max(int(seconds), getattr(request, _REFUSED, 0), 1))


def refusal(request) -> int:
    """Seconds the request was refused for by a code lock or a text limit (0: it was not)."""
    return getattr(request, _REFUSED, 0)
