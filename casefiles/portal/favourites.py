"""收藏: the ♡ button on a guide, a bundle or a policy (POST, toggles), and 我的收藏 (/my/favourites/).
The rules are casefiles.favourites.favourites'."""

from urllib.parse import urlencode

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from wagtail.models import Page

from casefiles.favourites import favourites
from casefiles.portal.redirects import safe_next


@require_POST
def toggle(request, page_id):
    page = get_object_or_404(Page, pk=page_id).specific
    back = safe_next(request, page.url or "/")
    if not request.user.is_authenticated:  # after signing in, back to the page, where the button is
        return redirect(f"{reverse('account_login')}?{urlencode({'next': back})}")
    if not favourites.is_favourite(request.user, page) and not favourites.can_be_favourite(page):
        raise Http404
    if favourites.toggle(request.user, page):
        flash.success(request, _("Added to your favourites."))
    else:
        flash.info(request, _("Removed from your favourites."))
    return redirect(back)


@login_required
@require_GET
def my_favourites(request):
    response = render(request, "casefiles/portal/favourites.html", {"favourites": favourites.listed(request.user)})
    response["Cache-Control"] = "no-store"
    return response
