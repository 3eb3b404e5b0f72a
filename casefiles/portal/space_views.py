"""我的空间 (/my/): the signed-in user's own page — profile, account security, and the way to
their cases, messages, licenses, enterprises and agents. What it shows is casefiles.portal.space's;
the pages that change the account are allauth's, themed in the site's frame."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from casefiles.portal import space


@login_required
@require_GET
def my_space(request):
    response = render(request, "casefiles/portal/space.html", {
        "profile": space.profile(request.user),
        "security": space.security(request.user),
        "enterprises": space.enterprises(request.user),
    })
    response["Cache-Control"] = "no-store"  # the person's own particulars, masked as they are
    return response
