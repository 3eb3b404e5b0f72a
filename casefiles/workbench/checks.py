"""核查: the department's checks after a 告知承诺 approval — the open ones with their due dates
(overdue marked), and the page where a clerk or decider records the outcome. The rules are
casefiles.expedited.commitments'; a check the user may not see answers like a missing one."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from casefiles.errors import NotFound, NotPermitted, Refused
from casefiles.expedited import commitments
from casefiles.expedited.models import PostApprovalCheck
from casefiles.handling import workflow
from casefiles.workbench.errors import refused_page


class CheckForm(forms.Form):
    outcome = forms.ChoiceField(label=gettext_lazy("Outcome of the check"), widget=forms.RadioSelect, choices=[
        (PostApprovalCheck.Status.CONFIRMED, gettext_lazy("The commitment holds")),
        (PostApprovalCheck.Status.FALSE_COMMITMENT, gettext_lazy("The commitment is false: revoke the approval")),
    ])
    finding = forms.CharField(label=gettext_lazy("What the check found"), widget=forms.Textarea(attrs={"rows": 4}),
                              max_length=workflow.MAX_TEXT_CHARS)


@require_GET
def checks(request):
    user = request.user
    if not commitments.is_checker(user):
        raise PermissionDenied
    today = timezone.localdate()
    rows = [{"check": check, "overdue": commitments.is_overdue(check, today),
             "url": reverse("casefiles_workbench:check", args=[check.case.number])}
            for check in commitments.checks_for(user)[:500]]
    return TemplateResponse(request, "casefiles/workbench/checks.html", {
        "header_title": _("Post-approval checks (核查)"),
        "rows": rows,
        "overdue": sum(1 for row in rows if row["overdue"]),
    })


def _page(request, check, form, status=200):
    return TemplateResponse(request, "casefiles/workbench/check.html", {
        "header_title": _("Post-approval check (核查) %(number)s") % {"number": check.case.number},
        "check": check,
        "case": check.case,
        "overdue": commitments.is_overdue(check),
        "form": form,
        "case_url": reverse("casefiles_workbench:case", args=[check.case.number]),
        "list_url": reverse("casefiles_workbench:checks"),
    }, status=status)


@require_http_methods(["GET", "POST"])
def check(request, number):
    try:
        found = commitments.visible_check(request.user, number)
    except NotFound:
        raise Http404(_("No such check.")) from None
    except NotPermitted as error:  # they see the case, but do not check for its department: the page, no form
        check_of_case = PostApprovalCheck.objects.select_related("case", "department").get(case__number=number)
        return refused_page(request, error, _page, check_of_case, None)
    if request.method != "POST":
        return _page(request, found, CheckForm())
    form = CheckForm(request.POST)
    if not form.is_valid():
        return _page(request, found, form, status=400)
    record = commitments.confirm if form.cleaned_data["outcome"] == PostApprovalCheck.Status.CONFIRMED \
        else commitments.find_false
    try:
        record(found, request.user, form.cleaned_data["finding"])
    except NotPermitted as error:
        return refused_page(request, error, _page, found, None)
    except Refused as error:
        for message in error.messages:
            form.add_error(None, message)
        return _page(request, found, form, status=error.status)
    messages.success(request, _("Check of %(number)s recorded: %(status)s.") % {
        "number": found.case.number, "status": found.get_status_display()})
    return redirect("casefiles_workbench:checks")
