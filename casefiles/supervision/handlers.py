"""承办人: a named handler for each stage of a case (acceptance, review, decision).

- **assign**: the department's lead (负责人) or a clerk of the case's department names the handler
  of a stage nobody handles yet (a superuser may too);
- **claim**: a member of the stage's role takes a stage nobody handles yet — acceptance: a clerk
  of the department or a window clerk (综合窗口, who accepts for every department); review: a
  reviewer or a decider; decision: a decider. Of two claiming at once one wins, the other is told
  (the case's row locked, and the one open row per stage the database allows);
- **transfer**: the stage's handler, the lead or a clerk hands the stage to another member of
  its role, with a reason.

The one holding a stage must hold its role in the case's department (``STAGE_ROLES``), whoever
names them. Only the stages still ahead of a case whose clock runs may change hands; a bundle's
parent is nobody's work (its parts are). Every change is one event in the case's journal, and
the rows of ``Assignment`` are the history: a change ends the open row and starts another.
"""

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casefiles.access import permissions
from casefiles.cases import states
from casefiles.cases.models import CaseFile, Status
from casefiles.directory import roles
from casefiles.directory.models import DepartmentRole
from casefiles.errors import Conflict, Invalid, NotAllowedNow, NotFound, NotPermitted
from casefiles.journal import records
from casefiles.supervision import clocks
from casefiles.supervision.models import Assignment, Stage

# Who may hold each stage: roles in the case's department (and, for acceptance, the window clerks).
STAGE_ROLES = {
    Stage.ACCEPTANCE: ("clerk",),
    Stage.REVIEW: ("reviewer", "decider"),
    Stage.DECISION: ("decider",),
}
GLOBAL_STAGE_ROLES = {Stage.ACCEPTANCE: (roles.WINDOW_CLERK,)}
# Who may name (assign) the handlers of the department's cases, and transfer any stage.
ASSIGNING_ROLES = ("lead", "clerk")

# The journal's actions (their labels: casefiles.handling.actions).
ASSIGN, CLAIM, TRANSFER = "assign_handler", "claim_stage", "transfer_stage"

REASON_MAX_LENGTH = 300

STAGE_ROLE_WORDS = {
    Stage.ACCEPTANCE: gettext_lazy("a clerk of the department or a window clerk"),
    Stage.REVIEW: gettext_lazy("a reviewer or decider of the department"),
    Stage.DECISION: gettext_lazy("a decider of the department"),
}


def _stage(stage) -> Stage:
    try:
        return Stage(stage)
    except ValueError:
        raise Invalid(_("There is no such handling stage.")) from None


def holds_stage_role(user, case, stage) -> bool:
    """Whether ``user`` may hold ``stage`` of ``case``: its role in the case's department."""
    stage = _stage(stage)
    if user is None or not user.is_active:
        return False
    if any(roles.has_global_role(user, role) for role in GLOBAL_STAGE_ROLES.get(stage, ())):
        return True
    return DepartmentRole.objects.filter(department_id=case.department_id, role__in=STAGE_ROLES[stage],
                                         group__user=user).exists()


def may_assign(user, case) -> bool:
    """The department's lead or a clerk of it, or a superuser (window clerks and supervisors do not)."""
    if user is None or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return case.department_id in permissions.department_ids(user, ASSIGNING_ROLES)


def candidates(case, stage):
    """The active users who may hold ``stage`` of ``case`` (for the forms' choices)."""
    stage = _stage(stage)
    condition = Q(groups__department_role__department_id=case.department_id,
                  groups__department_role__role__in=STAGE_ROLES[stage])
    for role in GLOBAL_STAGE_ROLES.get(stage, ()):
        condition |= Q(groups__name=role)
    return get_user_model().objects.filter(condition, is_active=True).distinct().order_by("username")


def stages_open(case) -> tuple[Stage, ...]:
    """The stages of ``case`` that may change hands now: those still ahead while its clock runs."""
    if case.is_bundle or case.status not in states.CLOCK_RUNNING:
        return ()
    if case.status == Status.CORRECTION_REQUESTED:  # back at acceptance once corrected
        return (Stage.ACCEPTANCE, Stage.REVIEW, Stage.DECISION)
    return tuple(clocks.STAGES_AHEAD.get(case.status, ()))


def current(case) -> dict[Stage, Assignment]:
    """Each stage of ``case`` with its handler now (stages nobody handles are left out)."""
    rows = Assignment.objects.filter(case=case, until__isnull=True).select_related("handler")
    return {Stage(row.stage): row for row in rows}


def history(case):
    """Every assignment ``case`` had, oldest first (the open ones are the handlers now)."""
    return Assignment.objects.filter(case=case).select_related("handler", "by").order_by("since", "pk")


def handlers_now(case_ids, *, active_only=False) -> dict[int, list[int]]:
    """{case id: [user ids of its handlers now, by stage order]} for ``case_ids`` (one query);
    ``active_only``: leave out users who can no longer sign in (whom nobody tells anything)."""
    order = Case(*[When(stage=stage, then=Value(i)) for i, stage in enumerate(Stage.values)],
                 output_field=IntegerField())
    found: dict[int, list[int]] = {}
    rows = Assignment.objects.filter(case_id__in=list(case_ids), until__isnull=True)
    if active_only:
        rows = rows.filter(handler__is_active=True)
    rows = rows.annotate(_order=order).order_by("case_id", "_order").values_list("case_id", "handler_id")
    for case_id, handler_id in rows:
        found.setdefault(case_id, []).append(handler_id)
    return found


def current_by_case(case_ids) -> dict[int, dict[str, Assignment]]:
    """{case id: {stage: the open assignment}} for a page of cases (one query)."""
    found: dict[int, dict[str, Assignment]] = {}
    for row in Assignment.objects.filter(case_id__in=list(case_ids), until__isnull=True).select_related("handler"):
        found.setdefault(row.case_id, {})[row.stage] = row
    return found


def my_cases(user):
    """我的办件 (staff): the cases ``user`` handles a stage of now, those still open first, then by
    their nearest promised date."""
    if user is None or not user.is_authenticated:
        return CaseFile.objects.none()
    mine = Assignment.objects.filter(handler=user, until__isnull=True).values("case_id")
    still_open = Case(When(status__in=states.FINISHED, then=Value(1)), default=Value(0), output_field=IntegerField())
    return (CaseFile.objects.filter(pk__in=mine).alias(_finished=still_open)
            .order_by("_finished", "promised_due", "submitted_at", "pk"))


def offers(user, case, held=None) -> dict[Stage, set[str]]:
    """What ``user`` may do now about each stage of ``case``: "assign", "claim", "transfer"
    (for the pages' buttons; the functions below decide again). ``held``: ``current(case)``."""
    held = current(case) if held is None else held
    assigning = may_assign(user, case)
    found = {}
    for stage in Stage:
        may = set()
        if stage in stages_open(case):
            row = held.get(stage)
            if row is None:
                if assigning:
                    may.add("assign")
                if holds_stage_role(user, case, stage):
                    may.add("claim")
            elif assigning or row.handler_id == user.pk:
                may.add("transfer")
        found[stage] = may
    return found


# --- changing hands ---------------------------------------------------------------------------

def assign(case, stage, handler, by, reason="") -> Assignment:
    """``by`` (the department's lead or clerk) names ``handler`` for ``stage`` of ``case``, which
    nobody handles yet (else Conflict: transfer it instead)."""
    stage = _stage(stage)
    reason = _reason(reason, required=False)
    with transaction.atomic():
        case = _locked(case, by)
        if not may_assign(by, case):
            raise NotPermitted(_("Only the department's lead or a clerk of the department may assign a handler."))
        _check_open(case, stage)
        _check_holder(case, stage, handler)
        held = _open_row(case, stage)
        if held is not None:
            raise Conflict(_("%(stage)s is already handled by %(name)s: transfer it instead.")
                           % {"stage": stage.label, "name": display_name(held.handler)})
        row = _start(case, stage, handler, Assignment.How.ASSIGNED, by, reason)
        records.record(case, ASSIGN, by, from_state=case.status, to_state=case.status, comment=reason,
                       data=_data(stage, handler))
    return row


def claim(case, stage, user) -> Assignment:
    """``user`` takes ``stage`` of ``case``, which nobody handles yet; of two at once one wins."""
    stage = _stage(stage)
    with transaction.atomic():
        case = _locked(case, user)
        _check_open(case, stage)
        if not holds_stage_role(user, case, stage):
            raise NotPermitted(_("%(stage)s is claimed by %(who)s.") % {"stage": stage.label,
                                                                     "who": STAGE_ROLE_WORDS[stage]})
        held = _open_row(case, stage)
        if held is not None:
            raise Conflict(_("%(stage)s is already handled by %(name)s.")
                           % {"stage": stage.label, "name": display_name(held.handler)})
        row = _start(case, stage, user, Assignment.How.CLAIMED, user, "")
        records.record(case, CLAIM, user, from_state=case.status, to_state=case.status, data=_data(stage, user))
    return row


def transfer(case, stage, to, by, reason) -> Assignment:
    """``by`` (the stage's handler, the department's lead or a clerk) hands ``stage`` of ``case``
    to ``to``, saying why."""
    stage = _stage(stage)
    reason = _reason(reason, required=True)
    with transaction.atomic():
        case = _locked(case, by)
        held = _open_row(case, stage)
        is_handler = held is not None and held.handler_id == by.pk
        if not (is_handler or may_assign(by, case)):
            raise NotPermitted(_("Only the stage's handler, the department's lead or a clerk of the department "
                                 "may transfer it."))
        _check_open(case, stage)
        if held is None:
            raise Conflict(_("Nobody handles %(stage)s yet: assign or claim it.") % {"stage": stage.label})
        if held.handler_id == getattr(to, "pk", None):
            raise Invalid(_("%(name)s handles this stage already.") % {"name": display_name(to)})
        _check_holder(case, stage, to)
        now = timezone.now()
        Assignment.objects.filter(pk=held.pk).update(until=now)
        row = _start(case, stage, to, Assignment.How.TRANSFERRED, by, reason, now=now)
        records.record(case, TRANSFER, by, from_state=case.status, to_state=case.status, comment=reason,
                       data={**_data(stage, to), "from_handler": display_name(held.handler)})
    return row


def display_name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def _locked(case, user) -> CaseFile:
    """The case's row, locked for the rest of the transaction; NotFound for one ``user`` may not see."""
    found = CaseFile.objects.select_for_update().select_related("department").filter(pk=case.pk).first()
    if found is None or user is None or not permissions.can(user, "view_casefile", found):
        raise NotFound(_("No such case."))
    return found


def _check_open(case, stage) -> None:
    if case.is_bundle:
        raise NotAllowedNow(_("A bundle's parent has no handlers: each of its parts has its own."))
    if case.status not in states.CLOCK_RUNNING:
        raise NotAllowedNow(_("The case is “%(status)s”: its handlers no longer change.")
                            % {"status": case.get_status_display()})
    if stage not in stages_open(case):
        raise NotAllowedNow(_("%(stage)s of this case is over: its handler no longer changes.") % {"stage": stage.label})


def _check_holder(case, stage, user) -> None:
    if user is None or not getattr(user, "pk", None):
        raise Invalid(_("Choose who is to handle it."))
    if not holds_stage_role(user, case, stage):
        raise Invalid(_("%(name)s cannot handle %(stage)s: it needs %(who)s.")
                      % {"name": display_name(user), "stage": stage.label, "who": STAGE_ROLE_WORDS[stage]})


def _reason(reason, *, required) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise Invalid(_("Say why the stage is transferred."))
    if len(reason) > REASON_MAX_LENGTH:
        raise Invalid(_("Keep the reason to %(max)d characters.") % {"max": REASON_MAX_LENGTH})
    return reason


def _open_row(case, stage) -> Assignment | None:
    return Assignment.objects.filter(case=case, stage=stage, until__isnull=True).select_related("handler").first()


def _start(case, stage, handler, how, by, reason, now=None) -> Assignment:
    try:
        with transaction.atomic():  # a savepoint: the constraint's refusal leaves the transaction usable
            return Assignment.objects.create(case=case, stage=stage, handler=handler, how=how, by=by, reason=reason,
                                             since=now or timezone.now())
    except IntegrityError:
        raise Conflict(_("Someone else took %(stage)s first.") % {"stage": stage.label}) from None


def _data(stage, handler) -> dict:
    return {"stage": str(stage.value), "handler": display_name(handler)}
