"""惠企政策 in the portal: 政策计算器 (for anyone; from the enterprise's file for a member acting
for it), 一键申报 from a matched policy, 一企一档 (the enterprise's file, its declarations and
qualifications), 政策订阅, and 免申即享 (the benefits found for the user's enterprises, confirmed
or declined).

Every rule is casefiles.policies' (``calculator``, ``applying``, ``profiles``, ``subscriptions``,
``benefits``); these views turn requests into their calls and their answers into pages. An
enterprise the user is not a member of, and a benefit or subscription not theirs, is a 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from casefiles.cases.models import CaseFile
from casefiles.errors import Invalid, NotFound, Refused
from casefiles.licenses import reuse
from casefiles.licenses.models import LicenseType
from casefiles.members import acting, enterprises
from casefiles.policies import applying, benefits, calculator, profiles, subscriptions
from casefiles.policies.models import Benefit, Declaration, QualificationHeld, Source
from casefiles.portal import policy_wording as wording
from casefiles.portal.errors import as_missing, refused_form, refused_redirect
from casefiles.portal.policy_forms import (CalculatorForm, DeclarationForm, DeclineForm, QualificationForm,
                                           SubscriptionForm)
from casefiles.portal.redirects import safe_next

FILE_MATCHES = 5  # the file page's top matches; the calculator shows them all


def _no_store(response):
    """An enterprise's own file, or the user's own benefits: kept out of shared caches."""
    response["Cache-Control"] = "no-store"
    return response



def _own_or_404(request, uscc):
    try:
        return enterprises.own_enterprise(request.user, uscc)
    except NotFound as missing:
        raise Http404(missing.message) from None


# --- 政策计算器 ------------------------------------------------------------------------------------

def _acting(request):
    return acting.acting_for(request.user, request.session) if request.user.is_authenticated else None


def _split(results):
    rows = [wording.shown(result) for result in results]
    return [r for r in rows if not r.unmet], [r for r in rows if r.unmet]


@require_GET
def calculator_page(request):
    """The questionnaire and its results; for a member acting for an enterprise, by default the
    results from its file (``?questionnaire=1`` switches to the questions)."""
    enterprise = _acting(request)
    answered = request.GET.get("answered") == "1"
    questionnaire = answered or request.GET.get("questionnaire") == "1" or enterprise is None
    form = CalculatorForm(request.GET if answered else None)
    results, status = None, 200
    if answered:
        status = 400
        if form.is_valid():
            try:
                results = calculator.for_answers(form.answers())
            except Invalid as refused:
                status = refused_form(form, refused)
            else:
                status = 200
    elif not questionnaire:
        results = calculator.for_enterprise(enterprise)
    matched, others = _split(results) if results is not None else ([], [])
    response = render(request, "casefiles/portal/policy_calculator.html", {
        "form": form, "enterprise": enterprise, "questionnaire": questionnaire, "answered": answered,
        "results": results is not None, "matched": matched, "others": others,
        "from_file": results is not None and not questionnaire,
        "several": request.user.is_authenticated and enterprise is None
        and len(enterprises.enterprises_of(request.user)) > 1,
    }, status=status)
    return _no_store(response) if enterprise is not None else response


@login_required
@require_POST
def apply_for_policy(request, pk):
    """一键申报: a draft of the policy's item for the enterprise (the one posted, else the one acted
    for), filled from its file; then its page, where the applicant checks, adds and submits."""
    uscc = request.POST.get("uscc", "")
    enterprise = _own_or_404(request, uscc) if uscc else _acting(request)
    if enterprise is None:
        raise Http404(_("Act for an enterprise to apply for its benefit."))
    back = safe_next(request, reverse("casefiles:policy_calculator"))
    try:
        with transaction.atomic():
            case = applying.apply(request.user, pk, enterprise)
            reuse.use_held_licenses(case, request.user)  # 免提交, as every online application starts
    except Refused as refused:
        return refused_redirect(request, refused, back)
    messages.success(request, _("Your draft application %(number)s is saved, filled from your enterprise's file. "
                                "Check it, add the materials and submit it.") % {"number": case.number})
    return redirect("casefiles:case", number=case.number)


# --- 一企一档 ----------------------------------------------------------------------------------------

def _registry_rows(enterprise) -> list:
    code = enterprise.industry_code or enterprise.industry
    capital = enterprise.registered_capital
    return [
        (_("Industry (GB/T 4754)"), profiles.Profile.industry_name(code) if code else ""),
        (_("Enterprise scale"), enterprise.get_scale_display() if enterprise.scale else ""),
        (_("Region code"), enterprise.region_code),
        (_("Established on"), enterprise.established_on.isoformat() if enterprise.established_on else ""),
        (_("Registered capital (10,000 yuan)"), f"{capital.normalize():f}" if capital is not None else ""),
    ]


def _file_context(enterprise, on) -> dict:
    ids = [enterprise.pk]
    held = list(profiles.valid_licenses(ids, on))
    names = dict(LicenseType.objects.filter(code__in={code for _e, code, _n in held}).values_list("code", "name"))
    numbers = [number for _e, _item, number in profiles.concluded_cases(ids)]
    qualifications = list(QualificationHeld.objects.filter(enterprise=enterprise).select_related("qualification")
                          .order_by("qualification__name", "source"))
    for row in qualifications:
        row.verified = row.source == Source.VERIFIED
        row.lapsed = row.valid_until is not None and row.valid_until < on
    return {
        "enterprise": enterprise,
        "registry": _registry_rows(enterprise),
        "licenses": [{"name": names.get(code, code), "number": number} for _e, code, number in held],
        "qualifications": qualifications,
        "concluded": CaseFile.objects.filter(number__in=numbers).order_by("-created_at"),
        "declaration": Declaration.objects.filter(enterprise=enterprise).first(),
        "matched": [wording.shown(r) for r in calculator.matched(calculator.for_enterprise(enterprise, on))[:FILE_MATCHES]],
    }


def _render_file(request, enterprise, *, declaration_form=None, qualification_form=None, status=200):
    context = _file_context(enterprise, timezone.localdate())
    context["declaration_form"] = declaration_form or DeclarationForm(
        initial=DeclarationForm.initial_of(context["declaration"]))
    context["qualification_form"] = qualification_form or QualificationForm()
    return _no_store(render(request, "casefiles/portal/enterprise_file.html", context, status=status))


@login_required
@require_GET
def enterprise_file(request, uscc):
    return _render_file(request, _own_or_404(request, uscc))


@login_required
@require_POST
def declare(request, uscc):
    """自主申报: the enterprise's declared facts, replaced by what was posted."""
    enterprise = _own_or_404(request, uscc)
    form = DeclarationForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            profiles.declare(enterprise, request.user, form.cleaned_data)
        except Refused as refused:
            status = refused_form(form, refused)
        else:
            messages.success(request, _("Your declaration is saved: it is shown as declared, and counted where a "
                                        "policy accepts declarations."))
            return redirect("casefiles:enterprise_file", uscc=enterprise.uscc)
    return _render_file(request, enterprise, declaration_form=form, status=status)


@login_required
@require_POST
def declare_qualification(request, uscc):
    enterprise = _own_or_404(request, uscc)
    form = QualificationForm(request.POST)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            profiles.declare_qualification(enterprise, request.user, data["qualification"],
                                           certificate_number=data["certificate_number"],
                                           valid_until=data["valid_until"])
        except Refused as refused:
            status = refused_form(form, refused)
        else:
            messages.success(request, _("The qualification is added as declared, until the recognising department "
                                        "records it."))
            return redirect("casefiles:enterprise_file", uscc=enterprise.uscc)
    return _render_file(request, enterprise, qualification_form=form, status=status)


# --- 政策订阅 ----------------------------------------------------------------------------------------

def _render_subscriptions(request, form, status=200):
    rows = [{"subscription": s, "description": subscriptions.describe(s)} for s in subscriptions.of_user(request.user)]
    return _no_store(render(request, "casefiles/portal/policy_subscriptions.html", {
        "form": form, "rows": rows, "limit": subscriptions.MAX_SUBSCRIPTIONS,
    }, status=status))


@login_required
@require_http_methods(["GET", "POST"])
def my_subscriptions(request):
    mine = list(enterprises.enterprises_of(request.user))
    if request.method == "GET":
        return _render_subscriptions(request, SubscriptionForm(mine))
    form = SubscriptionForm(mine, request.POST)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            subscriptions.subscribe(
                request.user, industries=data["industries"], categories=data["categories"],
                region_code=data["region_code"], matches_me=data.get("matches_me", False),
                enterprise=form.chosen_enterprise() if data.get("matches_me") else None,
                by_email=data["by_email"], by_sms=data["by_sms"], weekly_digest=data["weekly_digest"])
        except Refused as refused:
            status = refused_form(form, refused)
        else:
            messages.success(request, _("Subscribed: you are told of each new or changed policy that matches."))
            return redirect("casefiles:policy_subscriptions")
    return _render_subscriptions(request, form, status)


@login_required
@require_POST
def unsubscribe(request, pk):
    try:
        subscriptions.unsubscribe(request.user, pk)
    except Refused as refused:
        return refused_redirect(request, refused, "casefiles:policy_subscriptions")
    messages.success(request, _("The subscription is deleted."))
    return redirect("casefiles:policy_subscriptions")


# --- 免申即享 ----------------------------------------------------------------------------------------

def _benefit_or_404(request, pk) -> Benefit:
    try:
        return benefits.benefit_for(request.user, pk)
    except NotFound as missing:
        raise Http404(missing.message) from None


@login_required
@require_GET
def my_benefits(request):
    rows = [{"benefit": b, "tone": wording.BENEFIT_TONES.get(b.status, "")} for b in benefits.of_user(request.user)[:200]]
    return _no_store(render(request, "casefiles/portal/benefits.html", {"rows": rows}))


def _render_benefit(request, benefit, *, form=None, errors=(), status=200):
    return _no_store(render(request, "casefiles/portal/benefit.html", {
        "benefit": benefit, "tone": wording.BENEFIT_TONES.get(benefit.status, ""), "form": form or DeclineForm(),
        "errors": list(errors), "Status": Benefit.Status, "max_reason": benefits.MAX_REASON_CHARS,
        "item": applying.item_of(benefit.policy) if benefit.status == Benefit.Status.INVITED else None,
    }, status=status))


@login_required
@require_GET
def benefit_page(request, pk):
    return _render_benefit(request, _benefit_or_404(request, pk))


@login_required
@require_POST
def confirm_benefit(request, pk):
    benefit = _benefit_or_404(request, pk)
    try:
        benefits.confirm(benefit, request.user)
    except Refused as refused:
        return refused_redirect(request, refused, "casefiles:benefit", pk=benefit.pk)
    messages.success(request, _("Confirmed: the department pays it out and tells you when it is paid."))
    return redirect("casefiles:benefit", pk=benefit.pk)


@login_required
@require_POST
def decline_benefit(request, pk):
    benefit = _benefit_or_404(request, pk)
    form = DeclineForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else request.POST.get("reason", "")
    try:
        benefits.decline(benefit, request.user, reason)
    except Invalid as refused:
        return _render_benefit(request, benefit, form=form, errors=refused.messages, status=refused.status)
    except Refused as refused:
        as_missing(refused)
        return refused_redirect(request, refused, "casefiles:benefit", pk=benefit.pk)
    messages.success(request, _("Declined: the case is withdrawn, and this benefit is not offered again."))
    return redirect("casefiles:benefit", pk=benefit.pk)
