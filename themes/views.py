from django.http import HttpResponsePermanentRedirect, HttpResponseRedirect
from django.templatetags.static import static
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from themes import active


@require_POST
def switch_theme(request):
    """The visitor toggle (长者模式): remembers the choice in a cookie for a year."""
    name = request.POST.get("theme", "")
    target = request.POST.get("next") or request.META.get("HTTP_REFERER") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        target = "/"
    response = HttpResponseRedirect(target)
    if name in active.available():
        response.set_cookie(active.COOKIE_NAME, name, max_age=365 * 24 * 3600, samesite="Lax", secure=request.is_secure())
    else:
        response.delete_cookie(active.COOKIE_NAME)
    return response


@require_GET
def favicon(request):
    """/favicon.ico, asked for by browsers and feed readers whatever the page says: the site's icon."""
    return HttpResponsePermanentRedirect(static("themes/default/favicon.svg"))
