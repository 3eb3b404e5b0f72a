"""好差评 in the portal: the review on a closed case's page (a bundle's parent: the bundle as one
service), the page the notice's link and QR code open (``evaluate/<token>/``), and the
counter's page the window clerk shows the applicant (``rate/<token>/``, no sign-in).

The rules are ``casefiles.evaluations``' (``reviews``, ``links``, ``window``); these views turn
their answers into pages. A case the user may not see is a 404, like a missing one.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from casefiles.access import permissions
from casefiles.cases.models import CaseFile
from casefiles.errors import NotFound, Refused
from casefiles.evaluations import links, reviews, window
from casefiles.evaluations.models import BAD_LEVELS, Channel, Level, Reason
from casefiles.portal.errors import as_missing


def _posted(request) -> dict:
    level = request.POST.get("level")
    try:
        level = int(level)
    except (TypeError, ValueError):
        level = None
    return {"level": level, "reasons": request.POST.getlist("reasons"), "text": request.POST.get("text", "")}


def _form(key, values=None, errors=()) -> dict:
    return {"key": key, "levels": Level.choices, "reasons": Reason.choices, "bad_levels": [int(v) for v in BAD_LEVELS],
            "values": values or {"level": None, "reasons": [], "text": ""}, "errors": list(errors),
            "text_chars": reviews.TEXT_CHARS}


def _shown(review) -> None:
    labels = dict(Reason.choices)
    review.reason_labels = [labels.get(r, r) for r in review.reasons]
    rectification = getattr(review, "rectification", None)
    if rectification is None:
        review.rectification_state = ""
    elif rectification.is_done:
        review.rectification_state = _("The department has rectified and called you back.")
    else:
        review.rectification_state = _("The department is rectifying (整改), due %(date)s; it will call you back.") % {
            "date": rectification.due.isoformat()}


def case_context(user, case, *, values=None, errors=()) -> dict:
    """``ev`` for a closed case's page (``includes/evaluation.html``): the reviews given, and the form when one is due."""
    given = reviews.given(case)
    for review in given:
        _shown(review)
    refusal = reviews.refusal(user, case)  # once: who the user is, the case's state, the round due
    may = refusal is None
    return {"ev": {**_form(case.number, values, errors), "shown": bool(given) or may, "may": may, "given": given,
                   "refusal": refusal, "round": reviews.next_round(case) if may else None,
                   "action": reverse("casefiles:evaluate_case", kwargs={"number": case.number})}}


def _evaluate_page(request, case, action, *, values=None, errors=(), status=200):
    context = {"case": case, **case_context(request.user, case, values=values, errors=errors)}
    context["ev"]["action"] = action
    context["refusal"] = context["ev"]["refusal"]
    return render(request, "casefiles/portal/evaluate.html", context, status=status)


def _give(request, case, action, channel):
    values = _posted(request)
    try:
        reviews.give(case, request.user, values["level"], values["reasons"], values["text"], channel=channel)
    except Refused as error:
        as_missing(error)
        return _evaluate_page(request, case, action, values=values, errors=error.messages, status=error.status)
    messages.success(request, _("Thank you: your review has been recorded."))
    return redirect(reverse("casefiles:case", kwargs={"number": case.number}) + "#evaluation")


def _visible(request, case):
    if case is None or not permissions.can(request.user, "view_casefile", case):
        raise Http404(_("No such case."))
    return case


@login_required
@require_http_methods(["GET", "POST"])
def evaluate_case(request, number):
    """The review of a case from its page (the form posts here; an error shows it again here)."""
    case = _visible(request, CaseFile.objects.select_related("item", "department", "enterprise", "person")
                    .filter(number=str(number)[:32]).first())
    action = reverse("casefiles:evaluate_case", kwargs={"number": case.number})
    if request.method == "GET":
        return _evaluate_page(request, case, action)
    return _give(request, case, action, Channel.PORTAL)


@login_required
@require_http_methods(["GET", "POST"])
def evaluate_link(request, token):
    """扫码评价: the notice's signed link; after signing in, the same form (the applicant's own account reviews)."""
    try:
        case = links.case_for(token)
    except NotFound as error:
        raise Http404(error.message) from None
    _visible(request, case)
    action = reverse("casefiles:evaluate_link", kwargs={"token": token})
    if request.method == "GET":
        return _evaluate_page(request, case, action)
    return _give(request, case, action, Channel.NOTICE)


@require_http_methods(["GET", "POST"])
def rate_visit(request, token):
    """评价器: the page on the counter's screen; anyone at the counter rates the visit, once, no sign-in."""
    try:
        visit = window.visit_for(token)
    except NotFound as error:
        raise Http404(error.message) from None
    rating = window.rating_of(visit)
    values, errors, status = None, (), 200
    if request.method == "POST" and rating is None:
        values = _posted(request)
        try:
            rating = window.rate(visit.token, values["level"], values["reasons"], values["text"])
        except Refused as error:
            as_missing(error)
            errors, status = error.messages, error.status
            rating = window.rating_of(visit)
        else:
            return redirect("casefiles:rate_visit", token=visit.token)
    return render(request, "casefiles/portal/rate.html",
                  {"visit": visit, "rating": rating, "ev": _form(visit.token[:8], values, errors)}, status=status)
