"""The workbench's pages: the inbox, the case page and the files of a case.

Every case-level view starts with ``_visible_case``: a case the user may not see answers
with the same 404 as a number that does not exist, on the page and on every file.
Decisions are the domain's (``workflow.perform``, ``uploads.review``,
``workflow.start_special_procedure``); a view turns their errors into messages.
"""

import json

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_POST

from casefiles.access import disclosure, permissions
from casefiles.agents.authorisations import for_case as authorisations_of
from casefiles.access.models import Authorisation
from casefiles.bundles import applications as bundles
from casefiles.cases import states
from casefiles.handling import actions, workflow
from casefiles.cases.models import CaseFile, Channel, ClockPause, Status
from casefiles.deadlines import working_days
from casefiles.directory.models import Department
from casefiles.supervision import cards as supervision_cards
from casefiles.supervision import clocks, handlers, orders
from casefiles.supervision.models import Stage
from casefiles.errors import Conflict, NotAllowedNow, NotPermitted, Refused
from casefiles.forms import definition as form_definition
from casefiles.expedited import commitments, instant
from casefiles.expedited.models import PostApprovalCheck
from casefiles.frontdesk import window
from casefiles.licenses import reuse, wallet
from casefiles.licenses import staff as license_staff
from casefiles.materials import downloads, uploads
from casefiles.materials.models import Material
from casefiles.notices import documents
from casefiles.notices.models import Notice
from casefiles.portal import application_form
from casefiles.workbench import access, handling_stages, inbox
from casefiles.workbench.errors import refused_page
from casefiles.workbench.forms import (
    EndSpecialProcedureForm,
    HandOutForm,
    InboxFilterForm,
    ReviewForm,
    StartSpecialProcedureForm,
    StepForm,
)
from cms.models import ServiceItemPage

# Steps whose consequences for the applicant are hardest to undo get the red button.
GRAVE_STEPS = {"propose_non_acceptance", "confirm_non_acceptance", "propose_denial", "confirm_denial"}
# What a second, senior person is asked to confirm or overturn (否决权上移): the proposal's step.
PROPOSALS = {Status.DENIAL_PENDING: "propose_denial", Status.NON_ACCEPTANCE_PENDING: "propose_non_acceptance"}

# What the journal calls each action: casefiles.handling.actions (the portal words the same registry for applicants).


def _no_such_case():
    return Http404(_("No such case."))


def _visible_case(request, number) -> CaseFile:
    case = (
        CaseFile.objects.select_related("item", "department", "item_revision", "enterprise", "person", "submitted_by")
        .filter(number=number)
        .first()
    )
    if case is None or not permissions.can(request.user, "view_casefile", case):
        raise _no_such_case()
    return case


def case_url(case, anchor="") -> str:
    url = reverse("casefiles_workbench:case", args=[case.number])
    return f"{url}#{anchor}" if anchor else url


# --- the inbox ---------------------------------------------------------------------------

@require_GET
def inbox_view(request):
    user = request.user
    if not access.is_case_staff(user):
        raise PermissionDenied
    if permissions.sees_everything(user):
        departments = list(Department.objects.filter(is_active=True).order_by("code"))
        items = ServiceItemPage.objects.all()
    else:
        departments = list(Department.objects.filter(pk__in=access.department_ids(user)).order_by("code"))
        items = ServiceItemPage.objects.filter(department__in=departments)
    form = InboxFilterForm(request.GET or None, departments=departments,
                           items=items.order_by("title").values_list("pk", "title"))
    filters = form.filters()
    tab = request.GET.get("tab")
    if tab not in inbox.TAB_BY_KEY:
        tab = inbox.default_tab(user)
    sort = filters.pop("sort", "due")
    today = timezone.localdate()
    calendar = working_days.get_calendar()
    paginator = Paginator(inbox.cases(user, tab=tab, sort=sort, today=today, calendar=calendar, **filters),
                          inbox.PAGE_SIZE)
    page = paginator.get_page(request.GET.get("p"))
    return TemplateResponse(request, "casefiles/workbench/inbox.html", {
        "header_title": _("Case files"),
        "tabs": inbox.TABS,
        "tab": inbox.TAB_BY_KEY[tab],
        "form": form,
        "filtered": bool(filters),
        "sort": sort,
        "page": page,
        "rows": inbox.rows(page.object_list, today, calendar),
        "elided_page_range": paginator.get_elided_page_range(page.number),
    })


# --- the case page -------------------------------------------------------------------------

def _preview_kind(material):
    return downloads.preview_kind(material.content_type) if material.file else None


def _material_groups(case, found):
    """Materials by requirement, in the guide's order; all versions, the current one first.

    Requirements with nothing supplied are listed too (a clerk looks for what is missing);
    files whose requirement has since left the guide come last, under the name they had.
    """
    license_uses = {}
    for use in case.license_uses.select_related("license__license_type"):
        use.status = wallet.current_status(use.license)  # the live status, not the one it had when chosen
        use.status_label = reuse.status_label(use.status)
        license_uses.setdefault(use.requirement_id, []).append(use)
    by_requirement = {}
    for material in found:
        by_requirement.setdefault(material.requirement_id, []).append(material)
    groups = []
    for requirement in case.item.material_requirements.all():
        versions = by_requirement.pop(requirement.pk, [])
        groups.append({"name": requirement.name, "requirement": requirement, "materials": _ordered(versions),
                       "license_uses": license_uses.get(requirement.pk, [])})
    leftovers = {}
    for versions in by_requirement.values():
        for material in versions:
            leftovers.setdefault(material.requirement_name, []).append(material)
    for name, versions in sorted(leftovers.items()):
        groups.append({"name": name, "requirement": None, "materials": _ordered(versions), "license_uses": []})
    return groups


def _ordered(versions):
    return sorted(versions, key=lambda m: (not m.is_current, -m.version, -m.pk))


# The journal's data, in words (keys not listed here are shown as recorded).
DATA_LABELS = {
    "material": gettext_lazy("Material"),
    "file": gettext_lazy("File"),
    "version": gettext_lazy("Version"),
    "sha256": "SHA-256",
    "fulfils_promise": gettext_lazy("Fulfils a promise (容缺)"),
    "review": gettext_lazy("Review"),
    "problems": gettext_lazy("To correct"),
    "notice": gettext_lazy("Notice"),
    "reason": gettext_lazy("Reason"),
    "deferred_due": gettext_lazy("Deferred materials due"),
    "deemed_accepted": gettext_lazy("Accepted by operation of law"),
    "proposal_lapsed": gettext_lazy("The proposal not to accept lapsed (Art. 32)"),
    "channel": gettext_lazy("Channel"),
    "item": gettext_lazy("Item code"),
    "kind": gettext_lazy("Kind"),
    "from": pgettext_lazy("date range", "From"),
    "until": gettext_lazy("Until"),
    "license": gettext_lazy("License"),
    "applicant": gettext_lazy("Applicant"),
    "agent": gettext_lazy("Agent"),
    "scope": gettext_lazy("Scope"),
    "valid_from": gettext_lazy("Valid from"),
    "valid_until": gettext_lazy("Valid until"),
    "recipient": gettext_lazy("Received by"),
    "recipient_id": gettext_lazy("Identity number"),
    "notices": gettext_lazy("Notices"),
    "licenses": gettext_lazy("Licenses"),
    "bundle": gettext_lazy("Bundle case"),
    "journal_key": gettext_lazy("Journal key"),
    "stage": pgettext_lazy("handling stage", "Stage"),
    "handler": pgettext_lazy("case handler", "Handler"),
    "from_handler": pgettext_lazy("case handler", "Previous handler"),
}
DATA_VALUES = {
    "review": dict(Material.Review.choices),
    "scope": dict(Authorisation.Scope.choices),
    "channel": dict(Channel.choices),
    "kind": dict(ClockPause.Kind.choices),
    "stage": dict(Stage.choices),
}


def _format_value(key, value):
    if key in DATA_VALUES and isinstance(value, str):
        return DATA_VALUES[key].get(value, value)
    if key == "sha256" and isinstance(value, str):
        return value[:16] + "…"
    if isinstance(value, list) and all(isinstance(v, dict) and "problem" in v for v in value):
        return "；".join(f"{v.get('material') or '—'}：{v['problem']}" for v in value)
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def _journal(case):
    status_labels = dict(Status.choices)
    events = []
    for event in case.events.select_related("actor", "on_behalf_of").order_by("sequence"):
        events.append({
            "event": event,
            "label": actions.staff_label(event.action),
            "from_label": status_labels.get(event.from_state, event.from_state),
            "to_label": status_labels.get(event.to_state, event.to_state),
            "changed_state": event.from_state != event.to_state,
            "data": [(DATA_LABELS.get(key, key), _format_value(key, value)) for key, value in event.data.items()],
        })
    return events


def _person(user):
    if user is None:
        return _("the system")
    return user.get_full_name() or user.get_username()


def _render_case(request, case, *, status=200, step_forms=None, review_forms=None, special_form=None, hand_out_form=None,
                 handler_forms=None):
    user = request.user
    if not disclosure.is_staff(user, case):
        # The workbench shows a case as its staff see it; its applicant reads it on the portal.
        raise _no_such_case()
    step_forms = step_forms or {}
    review_forms = review_forms or {}
    found = list(case.materials.select_related("uploaded_by", "reviewed_by"))
    for material in found:
        material.case = case  # the forms and links below ask for it; it is this one
    rejected = [m for m in found if m.is_current and m.review_state == Material.Review.REJECTED]
    steps = []
    for offer in workflow.offered(case, user):  # each with why its guards would refuse it now
        transition = offer.transition
        form = step_forms.get(transition.name) or StepForm(transition, case, rejected=rejected)
        steps.append({"transition": transition, "form": form, "grave": transition.name in GRAVE_STEPS,
                      "refusals": offer.refusals,
                      "url": reverse("casefiles_workbench:step", args=[case.number, transition.name])})
    may_review_materials = uploads.may_review(user, case)
    groups = _material_groups(case, found)
    for group in groups:
        for material in group["materials"]:
            material.preview_kind = _preview_kind(material)
            if may_review_materials and uploads.review_refusal(material, case) is None:
                material.review_form = review_forms.get(material.pk) or ReviewForm(material)
    pauses = list(case.pauses.all())
    open_pause = next((p for p in pauses if p.ended_on is None), None)
    may_pause = permissions.can(user, "review_casefile", case) and states.allows("special_procedure", case.status)
    reading = clocks.light_of(case, limit_working_days=case.item.promised_days)
    events = _journal(case)
    for entry in events:
        entry["actor"] = _person(entry["event"].actor) if entry["event"].actor_id else _("the system")
        entry["on_behalf_of"] = _person(entry["event"].on_behalf_of) if entry["event"].on_behalf_of_id else ""
    # What a second decider is asked to confirm or overturn.
    proposal = None
    if case.status in PROPOSALS:
        proposal = next((e for e in reversed(events) if e["event"].action == PROPOSALS[case.status]), None)
    shows_identity = disclosure.shows_identity(user, case)
    context = {
        "header_title": f"{case.number} {case.item_title}",
        "case": case,
        "applicant_kind": _("Enterprise") if case.enterprise_id else _("Person"),
        # casefiles.access.disclosure: the whole number for those who act on the case, the code for the applicant's side.
        "applicant_code": disclosure.applicant_code(case, shows_identity),
        "contact_phone": disclosure.contact_phone(case, shows_identity),
        "verification_code": disclosure.verification_code(user, case),
        "light": reading,
        "groups": groups,
        "steps": steps,
        "pauses": pauses,
        "may_pause": may_pause,
        "open_pause": open_pause,
        "special_form": special_form or (
            EndSpecialProcedureForm() if open_pause else StartSpecialProcedureForm()
        ),
        "events": events,
        "proposal": proposal,
        "notices": list(case.notices.all()),
        "licenses": license_staff.issued_by_case(user, case),  # each linked to its staff page when the user may open it
        "submitted_by": _person(case.submitted_by) if case.submitted_by_id else "",
        "requirement_names": [g["name"] for g in groups],
        "inbox_url": reverse("casefiles_workbench:inbox"),
        "bundle": CaseFile.objects.filter(pk=case.parent_id).only("number", "item_title").first() if case.parent_id else None,
    }
    context["application_answers"] = application_answers(case, shows_identity)
    context.update(expedited_context(user, case))  # 秒批 and the check after a 告知承诺 approval (核查)
    context.update(window_context(user, case, events, hand_out_form))  # agents and the hand-out at the window (一窗受理)
    context.update(handling_stages.stages_context(user, case, handler_forms))  # 承办人 and each stage's clock
    context.update(supervision_context(user, case))  # 督办 and 红黄牌 about this case
    return TemplateResponse(request, "casefiles/workbench/case.html", context, status=status)


def supervision_context(user, case) -> dict:
    """The supervision orders (督办) on ``case`` the user may see, with their state, its cards
    (红黄牌), and where a supervisor issues an order on it."""
    today = timezone.localdate()
    found = [(order, orders.status(order, today)) for order in orders.visible_orders(user).filter(case=case)]
    return {
        "case_orders": [{"order": order, "state": state, "label": orders.OrderStatus.LABELS[state],
                         "url": orders.link(order)} for order, state in found],
        "case_cards": [{"card": card, "rule": supervision_cards.rule_label(card.rule)}
                       for card in case.cards.order_by("issued_at", "pk")],
        "issue_order_url": (f"{reverse('supervision_admin:issue_order')}?case={case.number}"
                            if orders.may_issue(user) and case.status != Status.DRAFT else ""),
    }


def application_answers(case, shows_identity: bool) -> list:
    """The form as filed, read-only, by the case's own form definition; identity and mobile
    numbers whole only to those whose work needs them (casefiles.access.disclosure)."""
    form = form_definition.of_case(case)
    if not form or not case.form_data:
        return []
    return application_form.answers(form, case.form_data, shows_identity=shows_identity)


def expedited_context(user, case) -> dict:
    """What the case page shows of 秒批 (why it did not approve) and of the post-approval check."""
    check = PostApprovalCheck.objects.filter(case=case).first()
    may = check is not None and check.is_open and commitments.may_check(user, check)
    return {
        "instant_not_applied": instant.not_applied(case),
        "approved_instantly": instant.approved_instantly(case),
        "post_approval_check": check,
        "check_overdue": check is not None and commitments.is_overdue(check),
        "check_url": reverse("casefiles_workbench:check", args=[case.number]) if may else "",
    }


def window_context(user, case, events, hand_out_form=None) -> dict:
    """What the case page shows of agents and of the hand-out at the window; ``events`` are
    the journal's entries the page has read already."""
    now = timezone.now()
    authorisations = [
        {"authorisation": a, "state_label": Authorisation.State(a.state(now)).label, "in_force": a.in_force(now),
         "document_url": reverse("casefiles_workbench:authorisation_document", args=[case.number, a.pk])}
        for a in authorisations_of(case)
    ]
    handed = next((e["event"] for e in reversed(events) if e["event"].action == window.HAND_OUT), None)
    results, may_hand_out = window.hand_out_offer(user, case, handed)
    return {
        "authorisations": authorisations,
        "handed_out": handed,
        "hand_out_results": results,
        "may_hand_out": may_hand_out,
        "hand_out_form": hand_out_form or HandOutForm(),
    }


@require_GET
def case_view(request, number):
    case = _visible_case(request, number)
    if case.is_bundle:  # never worked itself: its combined view
        return redirect("casefiles_workbench:bundle", number=case.number)
    return _render_case(request, case)


@require_GET
def bundle_view(request, number):
    """一件事: every part of a bundle, for any department handling one of them. Its own parts
    link to their case pages; of the others it sees the progress, and their opinions only when
    ``YIWANG_BUNDLE_OPINIONS_SHARED``. Someone handling no part gets the 404 of a missing case."""
    parent = CaseFile.objects.select_related("department").filter(number=number, is_bundle=True).first()
    if parent is None or not bundles.may_view(request.user, parent):
        raise _no_such_case()
    if disclosure.bundle_audience(request.user, parent) != disclosure.STAFF:
        raise _no_such_case()  # the applicant's view of a bundle is the portal's
    parts = bundles.parts(parent, request.user, staff=True)
    status_labels = dict(Status.choices)
    for part in parts:
        part.status_label = status_labels.get(part.case.status, part.case.status)
        part.events = [
            {"label": actions.staff_label(e.action),
             "when": e.created_at, "comment": e.comment,
             "reason": e.data.get("reason", ""),
             "problems": _format_value("problems", e.data["problems"]) if e.data.get("problems") else ""}
            for e in part.opinions
        ]
    return TemplateResponse(request, "casefiles/workbench/bundle.html", {
        "header_title": f"{parent.number} {parent.item_title}",
        "parent": parent,
        "parent_status": status_labels.get(parent.status, parent.status),
        "parts": parts,
        "summary": bundles.summary(parent),
        "opinions_shared": bundles.opinions_shared(),
        "inbox_url": reverse("casefiles_workbench:inbox"),
    })


@require_POST
def perform_step(request, number, name):
    case = _visible_case(request, number)
    transition = workflow.TRANSITIONS.get(name)
    if transition is None:
        raise Http404(_("There is no such step."))
    rejected = list(case.materials.filter(is_current=True, review_state=Material.Review.REJECTED))
    form = StepForm(transition, case, request.POST, rejected=rejected)
    if not form.is_valid():
        messages.error(request, _("Some of the answers could not be read: see the form below."))
        return _render_case(request, case, status=400, step_forms={name: form})
    params = form.params()
    try:
        event = workflow.perform(case, name, request.user, **params)
    except Conflict as error:  # and NotAllowedNow
        current = _visible_case(request, number)
        if not isinstance(error, NotAllowedNow) or params["expected_version"] != current.version:
            messages.error(request, _(
                "Someone else acted on this case first: it is now “%(status)s”. Nothing of yours was "
                "saved; here is its current state."
            ) % {"status": current.get_status_display()})
        else:
            for message in error.messages:
                messages.error(request, message)
        return _render_case(request, current, status=error.status_code)
    except NotPermitted as error:
        return refused_page(request, error, _render_case, case)
    except Refused as error:  # NotFound, and the step's guards (GuardFailed): shown with its form
        return refused_page(request, error, _render_case, case, step_forms={name: form})
    case.refresh_from_db(fields=["status", "version"])
    done = _("“%(step)s” done: the case is now “%(status)s”.") % {
        "step": transition.label, "status": case.get_status_display()}
    if event.data.get("notice"):
        done += " " + _("Notice %(number)s issued.") % {"number": event.data["notice"]}
    messages.success(request, done)
    return redirect(case_url(case))


@require_POST
def review_material(request, number, material_id):
    case = _visible_case(request, number)
    material = Material.objects.filter(case=case, pk=material_id).first()
    if material is None:
        raise _no_such_case()
    material.case = case
    form = ReviewForm(material, request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether the material is accepted or needs correction."))
        return _render_case(request, case, status=400, review_forms={material.pk: form})
    try:
        uploads.review(material, request.user, form.cleaned_data["state"], form.cleaned_data["reason"])
    except NotPermitted as error:
        return refused_page(request, error, _render_case, case)
    except Refused as error:
        return refused_page(request, error, _render_case, case, review_forms={material.pk: form})
    messages.success(request, _("%(material)s (version %(version)s): marked “%(review)s”.") % {
        "material": material.requirement_name, "version": material.version,
        "review": material.get_review_state_display()})
    return redirect(case_url(case, f"material-{material.pk}"))


@require_POST
def start_special_procedure(request, number):
    case = _visible_case(request, number)
    form = StartSpecialProcedureForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Some of the answers could not be read: see the form below."))
        return _render_case(request, case, status=400, special_form=form)
    data = form.cleaned_data
    try:
        workflow.start_special_procedure(case, request.user, data["kind"], data["reason"], on=data["on"])
    except Refused as error:
        return refused_page(request, error, _render_case, case, special_form=form)
    messages.success(request, _("The clock is stopped for the special procedure; the deadlines are worked out again when it ends."))
    return redirect(case_url(case, "deadlines"))


@require_POST
def end_special_procedure(request, number):
    case = _visible_case(request, number)
    form = EndSpecialProcedureForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Some of the answers could not be read: see the form below."))
        return _render_case(request, case, status=400, special_form=form)
    try:
        workflow.end_special_procedure(case, request.user, on=form.cleaned_data["on"])
    except Refused as error:
        return refused_page(request, error, _render_case, case, special_form=form)
    messages.success(request, _("The special procedure has ended; the deadlines have been worked out again."))
    return redirect(case_url(case, "deadlines"))


HANDLER_DONE = {
    "assign": gettext_lazy("%(stage)s is now handled by %(name)s."),
    "claim": gettext_lazy("You now handle %(stage)s of this case."),
    "transfer": gettext_lazy("%(stage)s transferred to %(name)s."),
}


@require_POST
def handler_action(request, number, stage, action):
    """承办人: assign, claim or transfer a stage (casefiles.supervision.handlers decides)."""
    case = _visible_case(request, number)
    if action not in HANDLER_DONE or stage not in Stage.values:
        raise Http404(_("There is no such step."))
    form = None
    try:
        if action == "claim":
            row = handlers.claim(case, stage, request.user)
        else:
            form = handling_stages.form_for(case, stage, action, request.POST)
            if not form.is_valid():
                messages.error(request, _("Some of the answers could not be read: see the form below."))
                return _render_case(request, case, status=400, handler_forms={(stage, action): form})
            to = get_user_model().objects.filter(pk=form.cleaned_data["handler"]).first()
            reason = form.cleaned_data["reason"]
            if action == "assign":
                row = handlers.assign(case, stage, to, request.user, reason)
            else:
                row = handlers.transfer(case, stage, to, request.user, reason)
    except Refused as error:
        forms = {(stage, action): form} if form is not None else None
        return refused_page(request, error, _render_case, case, handler_forms=forms)
    messages.success(request, HANDLER_DONE[action] % {"stage": Stage(stage).label,
                                                      "name": handlers.display_name(row.handler)})
    return redirect(case_url(case, "handling-stages"))


# --- files ---------------------------------------------------------------------------------

@require_GET
@never_cache
@xframe_options_sameorigin
def material_file(request, number, material_id, inline=False):
    case = _visible_case(request, number)
    material = Material.objects.filter(case=case, pk=material_id).first()
    if material is None or not material.file:
        raise _no_such_case()
    return downloads.file_response(material.file.open("rb"), name=material.original_name or f"material-{material.pk}",
                                   content_type=material.content_type, inline=inline)


@require_GET
@never_cache
@xframe_options_sameorigin
def notice_file(request, number, notice_id, inline=False):
    case = _visible_case(request, number)
    notice = Notice.objects.filter(case=case, pk=notice_id).first()
    if notice is None:
        raise _no_such_case()
    # Supervision reads a copy with the numbers masked (documents.open_pdf_for).
    return downloads.file_response(documents.open_pdf_for(notice, request.user)[0], name=f"{notice.number}.pdf",
                                   content_type="application/pdf", inline=inline)


@require_GET
def filed_guide(request, number):
    """The guide as it stood when the application was filed (the revision the case records):
    what the applicant was asked for, which is what the case is judged against."""
    case = _visible_case(request, number)
    if case.item_revision is None:
        raise _no_such_case()
    guide = case.item_revision.as_object()
    return TemplateResponse(request, "casefiles/workbench/filed_guide.html", {
        "header_title": guide.title,
        "case": case,
        "guide": guide,
        "revision": case.item_revision,
        "requirements": list(guide.material_requirements.all()),
        "is_live_revision": case.item.live_revision_id == case.item_revision_id,
    })

