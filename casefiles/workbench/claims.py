"""认领企业 at the window: a person claims to administer an enterprise that staff registered and
that has no administrator; the window clerk checks the documents in person and confirms or
declines. The rule is casefiles.members.enterprises.decide's (docs/enterprises.md)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from casefiles.directory import roles
from casefiles.errors import NotPermitted, Refused
from casefiles.members import enterprises
from casefiles.members.models import JoinRequest


def _window_clerk_only(request):
    if not roles.has_global_role(request.user, roles.WINDOW_CLERK):
        raise PermissionDenied


@require_GET
def claims(request):
    _window_clerk_only(request)
    return TemplateResponse(request, "casefiles/workbench/enterprise_claims.html", {
        "header_title": _("Enterprise claims (认领企业)"),
        "claims": list(enterprises.pending_claims()[:200]),
    })


@require_POST
def decide_claim(request, pk):
    _window_clerk_only(request)
    claim = JoinRequest.objects.filter(pk=pk, kind=JoinRequest.Kind.CLAIM).select_related("enterprise", "user").first()
    if claim is None:
        raise Http404(_("No such claim."))
    approve = request.POST.get("decision") == "approve"
    try:
        enterprises.decide(claim, request.user, approve=approve, reason=request.POST.get("reason", ""))
    except NotPermitted:
        raise PermissionDenied from None
    except Refused as refused:
        for message in refused.messages:
            messages.error(request, message)
        return redirect("casefiles_workbench:enterprise_claims")
    if approve:
        messages.success(request, _("%(name)s now administers %(enterprise)s.") % {
            "name": enterprises.display_name(claim.user), "enterprise": claim.enterprise.name})
    else:
        messages.success(request, _("The claim on %(enterprise)s is declined.") % {"enterprise": claim.enterprise.name})
    return redirect("casefiles_workbench:enterprise_claims")
