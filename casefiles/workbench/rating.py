"""评价器 at the window: the clerk opens a visit to rate and puts its page on the counter's
screen (the link and its QR code); the applicant rates there (``casefiles.portal.evaluations.rate_visit``).
The clerk never rates. The rules are ``casefiles.evaluations.window``'s."""

import segno
from django import forms
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from casefiles.access import permissions
from casefiles.cases.models import CaseFile
from casefiles.errors import Refused
from casefiles.evaluations import window
from casefiles.workbench.errors import as_missing
from config import siteurl


class OpenVisitForm(forms.Form):
    department = forms.ModelChoiceField(label=gettext_lazy("Department"), queryset=None)
    case_number = forms.CharField(label=gettext_lazy("Case number (optional)"), max_length=32, required=False)

    def __init__(self, *args, clerk, **kwargs):
        super().__init__(*args, **kwargs)
        self.clerk = clerk
        self.fields["department"].queryset = window.departments_for(clerk)

    def clean_case_number(self):
        number = self.cleaned_data["case_number"].strip()
        if not number:
            return None
        case = CaseFile.objects.filter(number=number[:32]).first()
        if case is None or not permissions.can(self.clerk, "view_casefile", case):
            raise forms.ValidationError(_("No such case."))
        return case


@require_http_methods(["GET", "POST"])
def open_visit(request):
    """The clerk's form (department, optionally the case) and, once opened, the counter's link and QR code."""
    if not window.departments_for(request.user).exists():
        raise PermissionDenied
    form = OpenVisitForm(request.POST or None, clerk=request.user)
    visit, status = None, 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                visit = window.open_visit(request.user, form.cleaned_data["department"], form.cleaned_data["case_number"])
            except Refused as error:
                as_missing(error)
                form.add_error(None, error.message)
                status = error.status
            else:
                status = 201
    context = {"header_title": _("Rating at the window (评价器)"), "form": form, "visit": visit}
    if visit is not None:
        url = siteurl.absolute(reverse("casefiles:rate_visit", kwargs={"token": visit.token}))
        context.update(rate_url=url, rate_qr=segno.make(url, error="m").svg_data_uri(scale=6))
    return TemplateResponse(request, "casefiles/workbench/frontdesk_rating.html", context, status=status)
