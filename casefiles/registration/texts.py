"""How many texts a mobile number and a client address may be sent: allauth's rate limits.

``ACCOUNT_RATE_LIMITS`` names, per action, the texts allowed per number (``key``) and per
client address (``ip``, the address of ``config.clients``): ``verify_phone`` (the code of a
registration), ``request_login_code`` (a sign-in code) and ``reset_password_by_sms`` (a
password-reset code). allauth counts them where it sends; this module asks the same counters
ahead of a registration (``may_send``: the registration is refused before an account is
made), counts the reset codes (``take``), and says how long until the next text may go
(``wait_for``) — the ``Retry-After`` of the page that refuses — and takes back the count of
a text the gateway did not take (``give_back``).
"""

import math
import time

from allauth.core import ratelimit
from allauth.core.internal import ratelimit as allauth_limits
from django.core.cache import cache

APP = "allauth.account"
RESET_PASSWORD = "reset_password_by_sms"


def may_send(request, action: str, number: str) -> bool:
    """Whether a text for ``action`` may go to ``number`` now (nothing is counted)."""
    return ratelimit.consume(request, action=action, key=number, dry_run=True)


def take(request, action: str, number: str) -> bool:
    """Count one text for ``action`` to ``number``; False if it is over a limit (and not counted)."""
    return ratelimit.consume(request, action=action, key=number)


def wait_for(request, action: str, number: str) -> int:
    """Seconds until every limit of ``action`` lets a text to ``number`` from this client go."""
    now = time.time()
    wait = 0.0
    for rate in allauth_limits.get_rates(app=APP, action=action):
        if rate.per not in ("ip", "key"):
            continue
        key = allauth_limits.get_cache_key(request, app=APP, action=action, rate=rate, key=number)
        history = [at for at in cache.get(key, []) if at > now - rate.duration]  # newest first
        if len(history) >= rate.amount:
            wait = max(wait, history[rate.amount - 1] + rate.duration - now)
    return max(1, math.ceil(wait))


def give_back(request, action: str, number: str) -> None:
    """A text counted for ``action`` that did not go (the gateway refused it): uncount it."""
    for rate in allauth_limits.get_rates(app=APP, action=action):
        if rate.per not in ("ip", "key"):
            continue
        key = allauth_limits.get_cache_key(request, app=APP, action=action, rate=rate, key=number)
        with allauth_limits.cache_lock(key) as locked:
            history = cache.get(key, [])
            if locked and history:
                cache.set(key, history[1:], rate.duration)  # newest first: the one just counted
