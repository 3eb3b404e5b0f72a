"""Who is asking: the one place that decides a client's network address.

Every limiter (the pages' ``config/ratelimit``, the API's throttles, the sign-in locks of
``config/signin``) counts per ``address(request)``, so none can be escaped by a header the
client writes itself.

The address is ``REMOTE_ADDR`` unless the site runs behind reverse proxies
(``YIWANG_TRUSTED_PROXIES`` = how many): each trusted proxy appends the address it received
the request from to ``X-Forwarded-For``, so with n proxies the client is the n-th entry from
the right, and anything left of it is the client's own claim. A request that carries fewer
entries than there are proxies, or an entry that is no address, did not come through them:
it is counted by ``REMOTE_ADDR``. No other header (``X-Real-IP``, ``Forwarded``,
``True-Client-IP`` …) is ever read.
"""

import ipaddress

from django.conf import settings


def address(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    proxies = int(getattr(settings, "YIWANG_TRUSTED_PROXIES", 0) or 0)
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < proxies:
        return remote
    try:
        return str(ipaddress.ip_address(forwarded[-proxies]))
    except ValueError:
        return remote
