"""The API's rate limits: the pages' limiter (``config/ratelimit``), not DRF's own counting.

DRF's throttles count per ``get_ident``, which believes ``X-Forwarded-For`` whenever
``NUM_PROXIES`` is unset; these count per ``config.clients.address`` under the same action
name and limit (``settings.YIWANG_RATE_LIMITS``) as the page for the same look-up, so the
page and the API add up to one count. Refusals keep DRF's shape: 429 with ``Retry-After``.
"""

from rest_framework.throttling import BaseThrottle

from config import ratelimit


class ActionThrottle(BaseThrottle):
    """Counts requests per client address, signed in or not: a login must not buy more guesses."""

    action = ""  # a key of settings.YIWANG_RATE_LIMITS

    def allow_request(self, request, view):
        return ratelimit.allows(self.action, request)

    def wait(self):
        return ratelimit.retry_after(ratelimit.limit_of(self.action)[1])


class ProgressThrottle(ActionThrottle):
    action = "progress"


class LicenseVerifyThrottle(ActionThrottle):
    action = "license-verify"


class PolicyCalculatorThrottle(ActionThrottle):
    action = "policy-calculator"
