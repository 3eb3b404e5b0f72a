"""好差评's pages in the admin (/admin/evaluations/…): the reviews staff may see (filtered by
level, department, period, bad only), a review with its rectification (整改: handler, due date
and light, the action, the call-back 回访, the history from the journal) and the request to
exclude it (申请剔除: the department's form, the supervisor's decision), the rectification
archive (整改档案) with its CSV, and the requests waiting for a supervisor. The rules are
casefiles.evaluations'; a review the user may not see answers like a missing one. No page shows
who gave a review, nor any phone number."""

import csv

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from casefiles.directory.models import Department
from casefiles.errors import NotFound, Refused
from casefiles.evaluations import exclusions, rectifications, staff
from casefiles.evaluations.models import Level, Reason
from casefiles.handling import actions
from casefiles.workbench.errors import as_missing, refused_form

LIMIT = 500


def _reasons(evaluation) -> str:
    labels = dict(Reason.choices)
    return "、".join(str(labels.get(r, r)) for r in evaluation.reasons)


def _light_label(colour) -> str:
    return {"green": pgettext_lazy("rectification light", "On time"),
            "yellow": pgettext_lazy("rectification light", "Due soon"),
            "red": pgettext_lazy("rectification light", "Overdue")}.get(colour, "")


def _row(evaluation, today):
    rectification = getattr(evaluation, "rectification", None)
    colour = rectifications.colour_of(rectification, today) if rectification else ""
    exclusion = getattr(evaluation, "exclusion", None)
    return {"evaluation": evaluation, "reasons": _reasons(evaluation),
            "url": reverse("evaluations_admin:review", args=[evaluation.pk]),
            "rectification": rectification,
            "rectification_status": rectifications.status_label(rectification) if rectification else "",
            "light": colour, "light_label": _light_label(colour),
            "excluded": bool(exclusion and exclusion.excluded)}


class FilterForm(forms.Form):
    level = forms.TypedChoiceField(label=pgettext_lazy("evaluation", "Level"), required=False, coerce=int,
                                   empty_value=None, choices=[("", pgettext_lazy("filter", "All"))] + Level.choices)
    department = forms.ModelChoiceField(label=gettext_lazy("Department"), required=False,
                                        queryset=Department.objects.none())
    since = forms.DateField(label=pgettext_lazy("period", "From"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=pgettext_lazy("period", "To"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    bad_only = forms.BooleanField(label=gettext_lazy("Bad reviews only"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = staff.departments_seen(user)


def _require_reviews(user):
    if not staff.may_see_reviews(user):
        raise PermissionDenied


@require_GET
def review_list(request):
    user = request.user
    _require_reviews(user)
    today = timezone.localdate()
    form = FilterForm(request.GET or None, user=user)
    status, rows = 200, []
    if form.is_bound and not form.is_valid():
        status = 400
    else:
        data = form.cleaned_data if form.is_bound else {}
        found = staff.listing(user, level=data.get("level"), department=data.get("department"),
                              since=data.get("since"), until=data.get("until"), bad_only=data.get("bad_only"))
        rows = [_row(e, today) for e in found[:LIMIT]]
    return TemplateResponse(request, "casefiles/workbench/evaluations.html", {
        "header_title": _("Reviews (好差评)"), "form": form, "rows": rows,
        "archive_url": reverse("evaluations_admin:archive"),
        "exclusions_url": reverse("evaluations_admin:exclusions") if exclusions.may_decide(user) else "",
    }, status=status)


# --- a review ------------------------------------------------------------------------------------

class TextForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=rectifications.TEXT_CHARS)

    def __init__(self, *args, label, prefix, **kwargs):
        super().__init__(*args, prefix=prefix, **kwargs)
        self.fields["text"].label = label


class AssignForm(forms.Form):
    handler = forms.ModelChoiceField(label=gettext_lazy("Handler"), queryset=get_user_model().objects.none())

    def __init__(self, *args, rectification, **kwargs):
        super().__init__(*args, prefix="assign", **kwargs)
        self.fields["handler"].queryset = rectifications.staff_of(rectification)
        self.fields["handler"].label_from_instance = lambda u: u.get_full_name() or u.get_username()


class DecideForm(forms.Form):
    excluded = forms.TypedChoiceField(
        label=gettext_lazy("Decision"), coerce=lambda v: v == "yes", widget=forms.RadioSelect,
        choices=[("yes", gettext_lazy("Exclude the review from the counts")),
                 ("no", gettext_lazy("The review stands"))])
    reason = forms.CharField(label=gettext_lazy("Reason (shown publicly)"), widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=exclusions.TEXT_CHARS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="decide", **kwargs)


def _forms(user, evaluation, data=None, which=None):
    """The forms ``user`` may use on ``evaluation``'s page; ``data`` bound to the one named ``which``."""
    rectification = getattr(evaluation, "rectification", None)
    exclusion = getattr(evaluation, "exclusion", None)
    found = {}

    def bound(name):
        return data if name == which else None

    if rectification is not None and not rectification.is_done and rectifications.may_act(user, rectification):
        found["action"] = TextForm(bound("action"), prefix="action", label=gettext_lazy("What the department did"),
                                   initial={"text": rectification.action})
        if rectification.acted_at is not None:
            found["callback"] = TextForm(bound("callback"), prefix="callback",
                                         label=gettext_lazy("The call-back (回访): what the applicant was told"))
        if rectifications.may_assign(user, rectification):
            found["assign"] = AssignForm(bound("assign"), rectification=rectification,
                                         initial={"handler": rectification.handler_id})
    if exclusion is None and evaluation.is_bad and exclusions.may_request(user, evaluation):
        found["exclude"] = TextForm(bound("exclude"), prefix="exclude",
                                    label=gettext_lazy("Why the review is malicious (恶意差评)"))
    if exclusion is not None and exclusion.excluded is None and exclusions.may_decide(user):
        found["decide"] = DecideForm(bound("decide"))
    return found


def _review_page(request, evaluation, forms_, status=200):
    today = timezone.localdate()
    rectification = getattr(evaluation, "rectification", None)
    history = []
    if rectification is not None:
        history = [{"label": actions.staff_label(e.action), "at": e.created_at,
                    "actor": (e.actor.get_full_name() or e.actor.get_username()) if e.actor else "",
                    "comment": e.comment} for e in rectifications.history(rectification)]
    reading = rectifications.light_of(rectification, today) if rectification else None
    return TemplateResponse(request, "casefiles/workbench/evaluation.html", {
        "header_title": _("Review (好差评) of %(what)s") % {
            "what": evaluation.case.number if evaluation.case_id else _("a window visit")},
        "row": _row(evaluation, today), "evaluation": evaluation, "rectification": rectification,
        "reading": reading, "history": history, "exclusion": getattr(evaluation, "exclusion", None),
        "second": staff.second_review(evaluation), "forms": forms_,
        "list_url": reverse("evaluations_admin:reviews"),
        "case_url": reverse("casefiles_workbench:case", args=[evaluation.case.number]) if evaluation.case_id else "",
    }, status=status)


DONE = {
    "action": gettext_lazy("The rectification is recorded."),
    "callback": gettext_lazy("The call-back is recorded: the applicant has been told they may review again."),
    "assign": gettext_lazy("The rectification's handler is assigned."),
    "exclude": gettext_lazy("The request to exclude the review is sent to the supervisors."),
    "decide": gettext_lazy("The decision is recorded."),
}


def _visible(request, pk):
    try:
        return staff.visible_review(request.user, pk)
    except NotFound as error:
        as_missing(error)


@require_http_methods(["GET", "POST"])
def review_detail(request, pk):
    _require_reviews(request.user)
    evaluation = _visible(request, pk)
    user = request.user
    if request.method != "POST":
        return _review_page(request, evaluation, _forms(user, evaluation))
    which = request.POST.get("form", "")
    forms_ = _forms(user, evaluation, request.POST, which)
    form = forms_.get(which)
    if form is None:  # not this user's to use, or not now: the page again, without it
        messages.error(request, _("You may not do this on this review now."))
        return _review_page(request, evaluation, forms_, status=403)
    if not form.is_valid():
        return _review_page(request, evaluation, forms_, status=400)
    data = form.cleaned_data
    try:
        if which == "action":
            rectifications.record_action(evaluation.rectification, user, data["text"])
        elif which == "callback":
            rectifications.record_callback(evaluation.rectification, user, data["text"])
        elif which == "assign":
            rectifications.assign(evaluation.rectification, data["handler"], user)
        elif which == "exclude":
            exclusions.request(evaluation, user, data["text"])
        else:
            exclusions.decide(evaluation.exclusion, user, data["excluded"], data["reason"])
    except Refused as error:
        return _review_page(request, evaluation, forms_, status=refused_form(form, error))
    messages.success(request, DONE[which])
    return redirect("evaluations_admin:review", pk=evaluation.pk)


# --- the archive and the requests waiting ----------------------------------------------------------

class ArchiveForm(forms.Form):
    department = forms.ModelChoiceField(label=gettext_lazy("Department"), required=False,
                                        queryset=Department.objects.none())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = staff.departments_seen(user)


def _on_time_label(row) -> str:
    if row.on_time is True:
        return str(pgettext_lazy("rectification", "On time"))
    if row.on_time is False or row.light == "red":
        return str(pgettext_lazy("rectification", "Late"))
    return ""


def _cell(value) -> str:
    """A CSV cell a spreadsheet will not run as a formula (the reviews' words are the public's)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _archive_csv(rows) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="rectifications.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([_("Department"), _("Case number"), _("Service item"), _("Review given"),
                     pgettext_lazy("evaluation", "Level"), _("Reasons"), pgettext_lazy("evaluation", "Comment"),
                     _("Rectification due"), pgettext_lazy("rectification", "Status"), _("What was done"),
                     _("Recorded"), _("Call-back (回访)"), _("Called back"), _("Second review"),
                     _("On time or late")])
    for row in rows:
        r, e = row.rectification, row.evaluation
        writer.writerow([_cell(v) for v in (
            r.department.name, e.case.number if e.case_id else "", e.case.item_title if e.case_id else "",
            timezone.localtime(e.created_at).strftime("%Y-%m-%d"), e.get_level_display(), _reasons(e), e.text,
            r.due.isoformat(), rectifications.status_label(r), r.action,
            timezone.localtime(r.acted_at).strftime("%Y-%m-%d") if r.acted_at else "", r.callback,
            timezone.localtime(r.callback_at).strftime("%Y-%m-%d") if r.callback_at else "",
            row.second.get_level_display() if row.second else "", _on_time_label(row))])
    return response


@require_GET
def archive(request):
    user = request.user
    _require_reviews(user)
    form = ArchiveForm(request.GET or None, user=user)
    status, rows = 200, []
    if form.is_bound and not form.is_valid():
        status = 400
    else:
        department = form.cleaned_data.get("department") if form.is_bound else None
        rows = staff.archive(user, department)
        if request.GET.get("format") == "csv":
            return _archive_csv(rows)
    query = request.GET.copy()
    query["format"] = "csv"
    return TemplateResponse(request, "casefiles/workbench/rectification_archive.html", {
        "header_title": _("Rectification archive (整改档案)"), "form": form, "list_url": reverse("evaluations_admin:reviews"),
        "rows": [{"row": row, "url": reverse("evaluations_admin:review", args=[row.evaluation.pk]),
                  "status": rectifications.status_label(row.rectification), "on_time": _on_time_label(row),
                  "reasons": _reasons(row.evaluation)} for row in rows],
        "csv_query": query.urlencode(),
    }, status=status)


@require_GET
def exclusions_waiting(request):
    if not exclusions.may_decide(request.user):
        raise PermissionDenied
    rows = [{"exclusion": x, "evaluation": x.evaluation, "reasons": _reasons(x.evaluation),
             "url": reverse("evaluations_admin:review", args=[x.evaluation_id])} for x in exclusions.waiting()[:LIMIT]]
    return TemplateResponse(request, "casefiles/workbench/exclusions.html", {
        "header_title": _("Requests to exclude a review (申请剔除)"), "rows": rows,
        "list_url": reverse("evaluations_admin:reviews"),
    })
