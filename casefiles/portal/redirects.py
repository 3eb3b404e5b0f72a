"""Where a portal form returns to: the page it names in ``next``, if that is a path on this site."""

from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, default):
    """``request.POST["next"]`` when it is a path on this site (never another host, nor ``//host``),
    else ``default`` (a URL or a URL name, as ``redirect`` takes it)."""
    target = request.POST.get("next", "")
    if (target.startswith("/") and not target.startswith("//")
            and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                require_https=request.is_secure())):
        return target
    return default
