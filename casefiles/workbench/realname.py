"""Verify in person (实名核验), under the front desk: a window clerk finds a person by the
identity number on the document they show, sees their real-name level, and records which
document they checked. The rules are casefiles.realname.window's; this view turns them into a page.

The identity number travels in the form's POST only (never in a URL) and the page shows it masked.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from casefiles.errors import NotPermitted, Refused
from casefiles.realname import levels
from casefiles.realname import window as realname
from casefiles.realname.models import Level


class FindPersonForm(forms.Form):
    id_number = forms.CharField(
        label=gettext_lazy("Resident identity number"), max_length=40,
        help_text=gettext_lazy("As printed on the document the person shows."),
    )


class VerifyForm(forms.Form):
    document = forms.ChoiceField(label=gettext_lazy("Identity document checked"), choices=realname.Document.choices)


@require_http_methods(["GET", "POST"])
def verify_in_person(request):
    if not realname.may_verify(request.user):
        raise PermissionDenied
    find = FindPersonForm(request.POST or None)
    verify = VerifyForm(request.POST if request.POST.get("action") == "verify" else None)
    person, status = None, 200
    if request.method == "POST":
        status = 400
        if find.is_valid():
            try:
                person = realname.find_person(request.user, find.cleaned_data["id_number"])
                if verify.is_bound and verify.is_valid():
                    verification, new = realname.verify_in_person(request.user, person, verify.cleaned_data["document"])
                    _tell(request, person, verification, new)
                    return redirect("casefiles_workbench:verify_in_person")
                status = 400 if verify.is_bound else 200
            except NotPermitted as refused:
                raise PermissionDenied(refused.message) from None
            except Refused as refused:
                find.add_error("id_number", refused.message)
                person, status = None, refused.status
    reached = levels.level(person)
    return TemplateResponse(request, "casefiles/workbench/realname.html", {
        "header_title": _("Verify in person (实名核验)"),
        "find": find,
        "verify": verify,
        "person": person,
        "level": Level(reached).label if reached else None,
        "verifications": list(levels.standing(person)) if person else [],
    }, status=status)


def _tell(request, person, verification, new):
    if new:
        messages.success(request, _("%(person)s is verified in person (%(evidence)s).") % {
            "person": person, "evidence": verification.evidence})
    else:
        messages.info(request, _("%(person)s was already verified in person on %(date)s: nothing new was recorded.") % {
            "person": person, "date": timezone.localtime(verification.created_at).strftime("%Y-%m-%d %H:%M")})
