"""惠企政策's pages in the admin (/admin/policies/…): 免申即享兑现 — the benefits whose cases a
staff member may see, filtered by status, the payout due and its light (red once overdue), a
benefit with the conditions it was found on and, once the enterprise confirmed, the payout form
for the department's deciders — and 资质认定, a department recording the qualifications it
recognised (verified from then on) for an enterprise found by its USCC. The rules are
casefiles.policies' (benefits, profiles); a benefit the user may not see answers like a missing one."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from casefiles.access import permissions
from casefiles.directory import lookup
from casefiles.errors import Invalid, NotFound, Refused
from casefiles.policies import benefits, profiles
from casefiles.policies.models import Benefit
from casefiles.workbench.access import is_case_staff
from casefiles.workbench.errors import as_missing, refused_form, refused_page

LIMIT = 500
STAFF_STATUSES = [choice for choice in Benefit.Status.choices if choice[0] != Benefit.Status.INVITED]  # no case


def _light(benefit, overdue_ids) -> tuple[str, str]:
    """The payout's light: red once overdue (``benefits.overdue``), green while a confirmed one is on time."""
    if benefit.pk in overdue_ids:
        return "red", pgettext_lazy("payout light", "Overdue")
    if benefit.status == Benefit.Status.CONFIRMED:
        return "green", pgettext_lazy("payout light", "On time")
    return "", ""


def _rows(found, today):
    found = list(found)
    overdue_ids = set(benefits.overdue(today).filter(pk__in=[b.pk for b in found]).values_list("pk", flat=True))
    rows = []
    for benefit in found:
        light, label = _light(benefit, overdue_ids)
        rows.append({"benefit": benefit, "light": light, "light_label": label,
                     "url": reverse("policies_admin:benefit", args=[benefit.pk]),
                     "case_url": reverse("casefiles_workbench:case", args=[benefit.case.number])})
    return rows


class BenefitFilterForm(forms.Form):
    status = forms.ChoiceField(label=pgettext_lazy("benefit", "Status"), required=False,
                               choices=[("", pgettext_lazy("filter", "All"))] + STAFF_STATUSES)


def _require_staff(user):
    if not is_case_staff(user):
        raise PermissionDenied


@require_GET
def benefit_list(request):
    user = request.user
    _require_staff(user)
    today = timezone.localdate()
    form = BenefitFilterForm(request.GET or None)
    status, rows = 200, []
    if form.is_bound and not form.is_valid():
        status = 400
    else:
        chosen = form.cleaned_data.get("status") if form.is_bound else ""
        rows = _rows(benefits.staff_list(user, chosen or None)[:LIMIT], today)
    return TemplateResponse(request, "casefiles/workbench/policy_benefits.html", {
        "header_title": _("Benefits without application (免申即享兑现)"), "form": form, "rows": rows,
    }, status=status)


# --- a benefit and its payout ----------------------------------------------------------------------

class PayoutForm(forms.Form):
    amount = forms.DecimalField(label=gettext_lazy("Amount paid (yuan)"), max_digits=14, decimal_places=2,
                                min_value=0)
    reference = forms.CharField(label=gettext_lazy("Payment reference"), max_length=100)
    paid_on = forms.DateField(label=gettext_lazy("Paid on"), required=False,
                              help_text=gettext_lazy("Empty: today."), widget=forms.DateInput(attrs={"type": "date"}))


def _may_pay(user, benefit) -> bool:
    return benefit.status == Benefit.Status.CONFIRMED and permissions.can(user, "decide_casefile", benefit.case)


def _benefit_page(request, benefit, form, status=200):
    today = timezone.localdate()
    row = _rows([benefit], today)[0]
    return TemplateResponse(request, "casefiles/workbench/policy_benefit.html", {
        "header_title": _("Benefit without application (免申即享): %(policy)s") % {"policy": benefit.policy.title},
        "benefit": benefit, "row": row, "form": form, "list_url": reverse("policies_admin:benefits"),
    }, status=status)


@require_http_methods(["GET", "POST"])
def benefit_detail(request, pk):
    user = request.user
    _require_staff(user)
    try:
        benefit = benefits.for_staff(user, pk)
    except NotFound as error:
        as_missing(error)
    may_pay = _may_pay(user, benefit)
    if request.method != "POST":
        initial = {"amount": benefit.amount} if benefit.amount is not None else {}
        return _benefit_page(request, benefit, PayoutForm(initial=initial) if may_pay else None)
    form = PayoutForm(request.POST)
    if not form.is_valid():
        return _benefit_page(request, benefit, form if may_pay else None, status=400)
    data = form.cleaned_data
    try:
        benefits.record_payout(benefit, user, amount=data["amount"], reference=data["reference"],
                               paid_on=data.get("paid_on"))
    except Refused as error:
        if may_pay:
            return _benefit_page(request, benefit, form, status=refused_form(form, error))
        return refused_page(request, error, _benefit_page, benefit, None)
    messages.success(request, _("The payout is recorded: the case is approved and concluded."))
    return redirect("policies_admin:benefit", pk=benefit.pk)


# --- 资质认定 ----------------------------------------------------------------------------------------

class QualificationForm(forms.Form):
    uscc = forms.CharField(label=gettext_lazy("Unified social credit code"), max_length=18)
    qualification = forms.ModelChoiceField(label=gettext_lazy("Qualification"), queryset=None, to_field_name="code")
    certificate_number = forms.CharField(label=pgettext_lazy("qualification", "Certificate number"), max_length=60, required=False)
    valid_until = forms.DateField(label=gettext_lazy("Valid until"), required=False,
                                  help_text=gettext_lazy("Empty: no end date."),
                                  widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["qualification"].queryset = profiles.recordable(user)


def _qualifications_page(request, form, status=200):
    return TemplateResponse(request, "casefiles/workbench/policy_qualifications.html", {
        "header_title": _("Qualifications (资质认定)"), "form": form,
        "recent": profiles.recently_recorded(request.user) if form is not None else [],
    }, status=status)


@require_http_methods(["GET", "POST"])
def qualifications(request):
    user = request.user
    if not profiles.may_record_qualifications(user):
        raise PermissionDenied
    if request.method != "POST":
        return _qualifications_page(request, QualificationForm(user=user))
    form = QualificationForm(request.POST, user=user)
    if not form.is_valid():
        return _qualifications_page(request, form, status=400)
    data = form.cleaned_data
    try:
        enterprise = lookup.registered_applicant(data["uscc"], lookup.USCC)
        if enterprise is None:
            raise Invalid(_("No enterprise is registered with this code."))
        held = profiles.record_verified(user, enterprise, data["qualification"].code,
                                        certificate_number=data["certificate_number"], valid_until=data["valid_until"])
    except Refused as error:
        return _qualifications_page(request, form, status=refused_form(form, error))
    messages.success(request, _("%(enterprise)s is recorded as %(qualification)s.") % {
        "enterprise": enterprise.name, "qualification": held.qualification.name})
    return redirect("policies_admin:qualifications")
