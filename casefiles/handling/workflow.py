"""The case workflow, declared in one table a reviewer can read aloud.

    state                 transition            who (permission)   to                   document
    draft                 submit                applicant (apply)  submitted
    correction_requested  submit                applicant (apply)  submitted
                          (or the applicant's agent, when authorised to submit: 帮办代办)
    submitted             accept                clerk (accept)     accepted             受理通知书
    submitted             accept_with_deferral  clerk (accept)     accepted             容缺受理通知书
    submitted             request_correction    clerk (accept)     correction_requested 补正告知书
    submitted             propose_non_acceptance clerk (accept)    non_acceptance_pending
                          (a department clerk or the window; the window has no veto: 窗口无否决权)
    non_acceptance_pending confirm_non_acceptance decider (decide) not_accepted         不予受理决定书
                          (a second, senior person: never the proposer, never a window clerk: 否决权上移)
    non_acceptance_pending overturn_non_acceptance decider (decide) submitted
    submitted, non_acceptance_pending
                          deem_accepted         the system         accepted             受理通知书
                          (no correction notice within 5 working days of receipt: Art. 32; a proposal
                          waiting for its confirmation does not stop those days, and lapses)
    accepted              start_review          reviewer (review)  under_review
    under_review          approve               decider (decide)   approved             准予许可决定书 (+ the license)
    under_review          propose_denial        reviewer/decider   denial_pending
    denial_pending        confirm_denial        decider (decide)   denied               不予许可决定书
    denial_pending        overturn_denial       decider (decide)   under_review
    approved, denied      conclude              clerk (accept)     concluded
    submitted … under_review, non_acceptance_pending, denial_pending
                          withdraw              applicant (apply)  withdrawn
                          (the applicant only, never an agent)

Refusals are decided by two people: one proposes with the reason, a second confirms (and the
notice is issued) or overturns. Proposing or confirming a refusal to accept is possible only
within the 5 working days of Art. 32: after them the application counts as accepted, and the
tick accepts it whatever waits. Journals written before 否决权上移 hold ``not_accept`` events
(one clerk refused): they are read as the confirmation they stood for.

Conditions (guards) are named functions listed beside each transition; every other module
asks this table (``available``, ``perform``) instead of repeating it. The table is a table of
``casefiles.cases.transitions`` (``WORKFLOW``), and ``perform`` takes its steps the way that
module takes every step: a conditional UPDATE on (status, version) lets exactly one of two
concurrent clerks win; the loser gets ``Conflict`` and nothing of theirs is written; the
guards, the effects, the notice and the journal event are written in that same transaction.
"""

from dataclasses import dataclass
from typing import Callable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from casefiles.access import disclosure, permissions
from casefiles.cases import states, transitions
from casefiles.cases.models import CaseFile, ClockPause, Status
from casefiles.deadlines import working_days
from casefiles.directory import roles

# The workflow's refusals are the case files' own; callers may name them ``workflow.Conflict`` …
from casefiles.errors import Conflict, GuardFailed, NotAllowedNow, NotFound, NotPermitted, Refused  # noqa: F401
from casefiles.journal import records

ART32_WORKING_DAYS = 5  # 行政许可法 Art. 32: correction notice within 5 working days of receipt
# What a person writes into a step — its comment, a reason printed on a decision, each problem of
# a correction notice — and how many problems one notice lists: enough for any real notice, and
# a bound on what a page, a PDF and the journal must carry.
MAX_TEXT_CHARS = 5000
MAX_PROBLEMS = 100


@dataclass
class Context(transitions.Taking):
    """What a step's guards, effects and hooks are given: the case, the step, who takes it (None:
    the system), from which state, when, the parameters given, and ``data`` for the journal."""

    on_behalf_of: object = None
    comment: str = ""

    @property
    def case(self) -> CaseFile:
        return self.record

    @property
    def transition(self) -> "Transition":
        return self.step

    @property
    def from_state(self) -> str:
        return self.from_status


@dataclass(frozen=True)
class Transition(transitions.Step):
    """A step of the workflow: who may take it is a permission on the case (``may``, read
    ``permission``: None, only the system takes it, by operation of law)."""

    notice: str | None = None
    needs: tuple[str, ...] = ()  # parameters the actor must give (reason, problems, deferred_due …)
    optional: tuple[str, ...] = ()  # parameters the actor may give
    applicant: bool = False  # shown to applicants rather than staff

    @property
    def permission(self) -> str | None:
        return self.may


# --- hooks: what other components do when a step is taken ------------------------------
#
# The workflow imports none of the components that act on its steps. Each registers here, at
# start-up, from its ``hooks`` module (imported by ``CasefilesConfig.ready``):
#   guards       a named condition (``named("…")`` in the table): agents' authorisation;
#   effects      after the table's own effect, inside the transaction: the license on approval —
#                an effect may refuse (raise a Refused), and then nothing of the step is written;
#   notices      the notice a step issues (``Transition.notice``), numbered inside the transaction;
#   recorded     after the journal event, inside the transaction: the bundle parent follows;
#   committed    after the commit, with the case's and the event's ids: the email to the applicant.

_guards: dict[str, Callable[[Context], str | None]] = {}
_effects: dict[str, list[Callable[[Context], None]]] = {}
_notices: list[Callable[[CaseFile, str, Context], object]] = []
_recorded: list[Callable[[Context, object], None]] = []
_committed: list[Callable[[int, int], None]] = []


def register_guard(name: str, condition: Callable[[Context], str | None]) -> None:
    _guards[name] = condition


def on_step(transition: str, effect: Callable[[Context], None]) -> None:
    if effect not in _effects.setdefault(transition, []):
        _effects[transition].append(effect)


def issues_notices(issue: Callable[[CaseFile, str, Context], object]) -> None:
    _notices[:] = [issue]  # one issuer: a step's notice is numbered once


def on_recorded(hook: Callable[[Context, object], None]) -> None:
    if hook not in _recorded:
        _recorded.append(hook)


def after_commit(hook: Callable[[int, int], None]) -> None:
    if hook not in _committed:
        _committed.append(hook)


def named(name: str) -> Callable[[Context], str | None]:
    """A guard another component registers (``register_guard``): the table names it, the
    component decides it."""
    def guard(ctx):
        return _guards[name](ctx)

    guard.__name__ = guard.__qualname__ = name
    guard.registered_name = name
    return guard


def missing_hooks() -> list[str]:
    """What the table asks of the hooks that nobody registered (checked at start-up)."""
    missing = [f"guard {g.registered_name}" for t in TRANSITIONS.values() for g in t.guards
               if getattr(g, "registered_name", None) and g.registered_name not in _guards]
    if any(t.notice for t in TRANSITIONS.values()) and not _notices:
        missing.append("notices")
    return sorted(set(missing))


# --- guards ----------------------------------------------------------------------------

@transitions.judges_input
def deferred_due_within_promised_limit(ctx):
    due = ctx.params.get("deferred_due")
    if due is None:
        return _("Give the date by which the deferred materials must be supplied.")
    today = timezone.localdate(ctx.now)
    if due <= today:
        return _("The date for the deferred materials must be in the future.")
    promised = ctx.case.item.promised_days
    if promised:
        latest = working_days.compute_deadline(today, promised).due_date
        if due > latest:
            return _("The deferred materials must be supplied within the promised time limit, by %(date)s at the latest.") % {"date": latest.isoformat()}
    return None


def within_correction_period(ctx):
    """Art. 32: after 5 working days from receipt, the case counts as accepted — no more notices."""
    if correction_period_over(ctx.case, ctx.now):
        return _("More than 5 working days have passed since receipt: by Article 32 of the Administrative Licensing Law the application counts as accepted and can no longer be sent back for correction.")
    return None


def within_acceptance_period(ctx):
    """Art. 32 again: once the application counts as accepted, acceptance is no longer refused —
    a proposal waiting for its confirmation does not stop the 5 working days."""
    if correction_period_over(ctx.case, ctx.now):
        return _("More than 5 working days have passed since receipt: by Article 32 of the Administrative Licensing Law the application counts as accepted and acceptance can no longer be refused.")
    return None


@transitions.judges_input
def lists_problems(ctx):
    problems = ctx.params.get("problems") or []
    if (not isinstance(problems, (list, tuple)) or not problems
            or not all(isinstance(p, dict) and str(p.get("problem", "")).strip() for p in problems)):
        return _("List every problem, each with what must be corrected, in the one correction notice.")
    return None


@transitions.judges_input
def gives_reason(ctx):
    if not str(ctx.params.get("reason", "")).strip():
        return _("Give the reason: it is written into the decision the applicant receives.")
    return None


def correction_period_is_over(ctx):
    if not correction_period_over(ctx.case, ctx.now):
        return _("The 5 working days of Article 32 have not passed yet.")
    return None


def no_open_pause(ctx):
    if ctx.case.pauses.filter(ended_on__isnull=True).exists():
        return _("A special procedure is still running: end it before deciding.")
    return None


def _proposal(case, action):
    return case.events.filter(action=action).order_by("-sequence").first()


def second_person_confirms(ctx):
    proposal = _proposal(ctx.case, "propose_denial")
    if proposal is not None and proposal.actor_id == getattr(ctx.user, "pk", None):
        return _("A denial needs a second decider: the person who proposed it cannot confirm it (否决权上移).")
    return None


def second_person_refuses(ctx):
    proposal = _proposal(ctx.case, "propose_non_acceptance")
    if proposal is not None and proposal.actor_id == getattr(ctx.user, "pk", None):
        return _("A refusal to accept needs a second, senior person: the person who proposed it cannot confirm it (否决权上移).")
    return None


def not_at_the_window(ctx):
    """窗口无否决权: whoever also sits at the window confirms no refusal, whatever else they hold."""
    if roles.has_global_role(ctx.user, roles.WINDOW_CLERK):
        return _("The window has no veto (窗口无否决权): a decider of the department confirms a refusal to accept.")
    return None


# --- effects ---------------------------------------------------------------------------

def submitted(ctx) -> dict:
    """What a submission writes on the case, with its status (``Transition.changes``): when it was
    received, the acceptance stage's clock (Art. 32: its light until the case is accepted), the
    guide revision it is filed under, and no more time to correct."""
    return {
        "submitted_at": ctx.now,
        "acceptance_due": working_days.get_calendar().add_working_days(timezone.localdate(ctx.now), ART32_WORKING_DAYS),
        "item_revision_id": ctx.case.item.live_revision_id,  # the id is on the guide's row: no need to read the revision
        "correction_due": None,
    }


def on_submit(ctx):
    case = ctx.case
    if ctx.from_state == Status.CORRECTION_REQUESTED:  # the applicant's time to correct is over
        case.pauses.filter(kind=ClockPause.Kind.CORRECTION, ended_on__isnull=True).update(ended_on=timezone.localdate(ctx.now))
    if ctx.from_state == Status.DRAFT:
        # The department's roles join the case when it is first submitted: a draft is the applicant's alone.
        permissions.grant_department(case, case.department)


def on_open_ex_officio(ctx):
    """免申即享: the system opens the case on its own initiative (依职权); there is no application to
    receive or examine for form, so it is accepted at once and its clock starts."""
    case = ctx.case
    case.submitted_at = case.accepted_at = ctx.now
    case.item_revision_id = case.item.live_revision_id
    _save(case, "submitted_at", "accepted_at", "item_revision_id")
    permissions.grant_department(case, case.department)
    ctx.data.update({key: ctx.params[key] for key in ("policy", "benefit") if ctx.params.get(key)})
    schedule(case)


def on_accept(ctx):
    case = ctx.case
    if ctx.from_state == Status.NON_ACCEPTANCE_PENDING:
        # Art. 32's days ran out while a refusal waited for its confirmation: the law accepts.
        ctx.data["proposal_lapsed"] = True
    if correction_period_over(case, ctx.now):
        # Art. 32: counts as accepted from the day the application was received.
        case.accepted_at, case.deemed_accepted = case.submitted_at, True
        ctx.data["deemed_accepted"] = True
    else:
        case.accepted_at = ctx.now
    if ctx.params.get("deferred_due"):
        case.deferred_due = ctx.params["deferred_due"]
        ctx.data["deferred_due"] = case.deferred_due.isoformat()
    _save(case, "accepted_at", "deemed_accepted", "deferred_due")
    schedule(case)


def on_request_correction(ctx):
    case = ctx.case
    problems = ctx.params["problems"]
    ctx.data["problems"] = [{"material": p.get("material", ""), "problem": p["problem"]} for p in problems]
    case.correction_due = ctx.params.get("correction_due")
    _save(case, "correction_due")


def on_propose_non_acceptance(ctx):
    ctx.data["reason"] = ctx.params["reason"]


def on_confirm_non_acceptance(ctx):
    proposal = _proposal(ctx.case, "propose_non_acceptance")
    ctx.data["reason"] = ctx.params.get("reason") or (proposal.data.get("reason", "") if proposal else "")


def on_decide(ctx):
    ctx.case.decided_at = ctx.now
    _save(ctx.case, "decided_at")


def on_propose_denial(ctx):
    ctx.data["reason"] = ctx.params["reason"]


def on_confirm_denial(ctx):
    proposal = _proposal(ctx.case, "propose_denial")
    ctx.data["reason"] = ctx.params.get("reason") or (proposal.data.get("reason", "") if proposal else "")
    on_decide(ctx)


def on_conclude(ctx):
    ctx.case.concluded_at = ctx.now
    _save(ctx.case, "concluded_at")


def _save(case, *fields):
    CaseFile.objects.filter(pk=case.pk).update(**{f: getattr(case, f) for f in fields})


# --- the table -------------------------------------------------------------------------

TRANSITIONS = {
    t.name: t
    for t in [
        Transition("submit", _("Submit"), states.WITH_THE_APPLICANT, Status.SUBMITTED,
                   "apply_casefile", guards=(named("within_the_agents_authorisation"), named("form_is_complete"), named("has_required_materials"),
                           named("has_the_real_name_level"), named("licenses_in_use_are_valid")), effect=on_submit,
                   changes=submitted, applicant=True),
        # 免申即享 (casefiles.policies.benefits): opened by the system for an enterprise proven eligible
        Transition("open_ex_officio", _("Opened without application (免申即享)"), (Status.DRAFT,), Status.ACCEPTED,
                   None, effect=on_open_ex_officio, notice="benefit_offer",
                   optional=("policy", "benefit", "amount", "confirm_by", "conditions")),
        Transition("accept", _("Accept"), (Status.SUBMITTED,), Status.ACCEPTED, "accept_casefile",
                   guards=(named("has_every_material_in_hand"),), effect=on_accept, notice="acceptance"),
        Transition("accept_with_deferral", _("Accept with deferred materials"), (Status.SUBMITTED,), Status.ACCEPTED,
                   "accept_casefile", guards=(named("tolerant_acceptance_possible"), deferred_due_within_promised_limit),
                   effect=on_accept, notice="deferred_acceptance", needs=("deferred_due",)),
        Transition("request_correction", _("Request correction"), (Status.SUBMITTED,), Status.CORRECTION_REQUESTED,
                   "accept_casefile", guards=(within_correction_period, lists_problems), effect=on_request_correction,
                   notice="correction", needs=("problems",), optional=("correction_due",)),
        Transition("propose_non_acceptance", _("Propose not to accept"), (Status.SUBMITTED,),
                   Status.NON_ACCEPTANCE_PENDING, "accept_casefile", guards=(within_acceptance_period, gives_reason),
                   effect=on_propose_non_acceptance, needs=("reason",)),
        Transition("confirm_non_acceptance", _("Confirm non-acceptance"), (Status.NON_ACCEPTANCE_PENDING,),
                   Status.NOT_ACCEPTED, "decide_casefile",
                   guards=(within_acceptance_period, second_person_refuses, not_at_the_window),
                   effect=on_confirm_non_acceptance, notice="non_acceptance", optional=("reason",)),
        Transition("overturn_non_acceptance", _("Overturn non-acceptance"), (Status.NON_ACCEPTANCE_PENDING,),
                   Status.SUBMITTED, "decide_casefile"),
        Transition("deem_accepted", _("Accepted by operation of law"), (Status.SUBMITTED, Status.NON_ACCEPTANCE_PENDING),
                   Status.ACCEPTED, None,
                   guards=(correction_period_is_over,), effect=on_accept, notice="acceptance"),
        Transition("start_review", _("Start review"), (Status.ACCEPTED,), Status.UNDER_REVIEW, "review_casefile"),
        Transition("approve", pgettext_lazy("case decision", "Approve"), (Status.UNDER_REVIEW,), Status.APPROVED, "decide_casefile",
                   guards=(no_open_pause, named("deferred_materials_supplied"), named("awaited_licenses_issued")),
                   effect=on_decide, notice="approval", optional=("policy", "amount", "paid_on", "reference")),
        Transition("propose_denial", _("Propose denial"), (Status.UNDER_REVIEW,), Status.DENIAL_PENDING,
                   "review_casefile", guards=(gives_reason,), effect=on_propose_denial, needs=("reason",)),
        Transition("confirm_denial", _("Confirm denial"), (Status.DENIAL_PENDING,), Status.DENIED, "decide_casefile",
                   guards=(second_person_confirms,), effect=on_confirm_denial, notice="denial", optional=("reason",)),
        Transition("overturn_denial", _("Overturn denial"), (Status.DENIAL_PENDING,), Status.UNDER_REVIEW,
                   "decide_casefile"),
        Transition("conclude", _("Conclude"), states.DECIDED, Status.CONCLUDED, "accept_casefile",
                   effect=on_conclude),
        Transition("withdraw", _("Withdraw"), states.CLOCK_RUNNING, Status.WITHDRAWN, "apply_casefile",
                   guards=(named("within_the_agents_authorisation"),), applicant=True),
    ]
}


def _holds_permission(user, case, transition) -> bool:
    return permissions.can(user, transition.permission, case)


def _status_told(case, user) -> str:
    """The status named to whoever tries a step the state does not allow: the one they may see."""
    return disclosure.status_label(case.status, disclosure.STAFF if user is None else disclosure.audience(user, case))


def _hooked_effects(transition):
    """After the table's own effect: the components' (the license on approval), then the notice."""
    return (*_effects.get(transition.name, ()), *((_issue_notice,) if transition.notice else ()))


def _issue_notice(ctx):
    # numbered and its content fixed here; its PDF is rendered after the commit
    ctx.data["notice"] = _notices[0](ctx.case, ctx.transition.notice, ctx).number


def _journal(ctx):
    return records.record(
        ctx.case, ctx.transition.name, ctx.user, from_state=ctx.from_state, to_state=ctx.transition.target,
        comment=ctx.comment, data=ctx.data, on_behalf_of=ctx.on_behalf_of,
    )


# The table as casefiles.cases.transitions takes it (``perform``): the hooks registered above
# run in the step's transaction — the recorded ones after its journal event — and the committed
# ones after the commit.
WORKFLOW = transitions.Table(
    CaseFile, TRANSITIONS, _journal, may=_holds_permission, context=Context, effects=_hooked_effects,
    recorded=_recorded, committed=_committed, versioned=True, status_label=_status_told,
)


def correction_period_over(case, now=None) -> bool:
    if case.submitted_at is None:
        return False
    received = timezone.localdate(case.submitted_at)
    last_day = working_days.get_calendar().add_working_days(received, ART32_WORKING_DAYS)
    return timezone.localdate(now or timezone.now()) > last_day


def schedule(case) -> None:
    """Work out the promised and statutory due dates from acceptance and the pauses so far."""
    if case.accepted_at is None:
        return
    start = timezone.localdate(case.accepted_at)
    pauses = [(p.started_on, p.ended_on, p.reason) for p in case.pauses.exclude(kind=ClockPause.Kind.CORRECTION)]
    provisional = False
    for field_name, days in (("promised_due", case.item.promised_days), ("statutory_due", case.item.statutory_days)):
        if days is None:
            setattr(case, field_name, None)
            continue
        result = working_days.compute_deadline(start, days, pauses)
        setattr(case, field_name, result.due_date)
        provisional = provisional or result.provisional
    case.deadline_provisional = provisional
    _save(case, "promised_due", "statutory_due", "deadline_provisional")


# --- asking the table ------------------------------------------------------------------

def available(case, user) -> list[Transition]:
    """The transitions ``user`` may take on ``case`` now (guards aside: those answer on trying)."""
    if case.is_bundle:
        return []  # a bundle's parent follows its parts (casefiles.bundles.applications)
    return transitions.available(WORKFLOW, case, user)


@dataclass(frozen=True)
class Offer:
    """A step offered to a user on a case: ``refusals`` are why its guards would refuse it now
    (empty: it would be taken, given what the step asks for)."""

    transition: Transition
    refusals: tuple[str, ...] = ()

    @property
    def possible(self) -> bool:
        return not self.refusals


def offered(case, user, *, now=None) -> list[Offer]:
    """The transitions ``user`` may take on ``case`` (``available``), each with the reasons its
    guards give now — on the case, its materials and the taker; a guard on what the taker writes
    (a reason, the problems) answers when they try. The page shows a refused one disabled, with
    its reasons; ``perform`` judges every guard again."""
    return [Offer(transition, tuple(transitions.refusals(WORKFLOW, case, transition, user, now=now)))
            for transition in available(case, user)]


def _too_long(comment, params) -> str | None:
    problems = params.get("problems") or []
    if isinstance(problems, (list, tuple)) and len(problems) > MAX_PROBLEMS:
        return _("A correction notice lists at most %(count)d problems.") % {"count": MAX_PROBLEMS}
    texts = [comment, params.get("reason")]
    if isinstance(problems, (list, tuple)):
        texts += [p.get(key) for p in problems if isinstance(p, dict) for key in ("material", "problem")]
    if any(len(str(text)) > MAX_TEXT_CHARS for text in texts if text):
        return _("A comment, a reason or a problem is at most %(count)d characters long.") % {"count": MAX_TEXT_CHARS}
    return None


def perform(case, name, user, *, expected_version=None, on_behalf_of=None, comment="", now=None, **params):
    """Apply transition ``name`` to ``case`` as ``user``; returns the journal event.

    Raises NotFound (may not see the case), NotPermitted, NotAllowedNow (wrong state),
    GuardFailed (conditions not met) or Conflict (someone else changed the case first).
    """
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise NotAllowedNow(_("There is no such step."))
    if user is not None and not permissions.can(user, "view_casefile", case):
        raise NotFound(_("No such case."))
    if case.is_bundle:
        raise NotAllowedNow(_("A bundle application is not handled as one case: each of its parts is."))
    # The state (told as the one trying may see it) and who may, before what they wrote is read.
    transitions.check(WORKFLOW, case, transition, user)
    # Each step sees only the parameters it declares: a stray deferred_due never reaches "accept".
    params = {key: value for key, value in params.items() if key in transition.needs + transition.optional}
    too_long = _too_long(comment, params)
    if too_long:
        raise GuardFailed(too_long)
    return transitions.take(WORKFLOW, case, name, user, version=expected_version, now=now, params=params,
                            on_behalf_of=on_behalf_of, comment=comment)


# --- special procedures (Art. 45): the clock stops, the state does not change -------------

def start_special_procedure(case, user, kind, reason, on=None):
    if not permissions.can(user, "view_casefile", case):
        raise NotFound(_("No such case."))
    if not permissions.can(user, "review_casefile", case):
        raise NotPermitted(_("You may not take this step on this case."))
    if not states.allows("special_procedure", case.status):
        raise NotAllowedNow(_("The clock can only be stopped while the case is being handled."))
    if kind not in ClockPause.Kind.values or kind == ClockPause.Kind.CORRECTION:
        raise GuardFailed(_("Choose the kind of special procedure."))
    if not str(reason).strip():
        raise GuardFailed(_("Give the reason for the special procedure."))
    if _too_long(reason, {}):
        raise GuardFailed(_too_long(reason, {}))
    if case.pauses.filter(ended_on__isnull=True).exists():
        raise NotAllowedNow(_("A special procedure is already running."))
    on = on or timezone.localdate()
    with transaction.atomic():
        pause = ClockPause.objects.create(case=case, kind=kind, reason=reason, started_on=on)
        schedule(case)
        records.record(case, "start_special_procedure", user, from_state=case.status, to_state=case.status,
                       comment=reason, data={"kind": kind, "from": on.isoformat()})
    return pause


def end_special_procedure(case, user, on=None):
    if not permissions.can(user, "view_casefile", case):
        raise NotFound(_("No such case."))
    if not permissions.can(user, "review_casefile", case):
        raise NotPermitted(_("You may not take this step on this case."))
    pause = case.pauses.filter(ended_on__isnull=True).first()
    if pause is None:
        raise NotAllowedNow(_("No special procedure is running."))
    on = on or timezone.localdate()
    if on < pause.started_on:
        raise GuardFailed(_("A procedure cannot end before it started."))
    with transaction.atomic():
        pause.ended_on = on
        pause.save(update_fields=["ended_on"])
        schedule(case)
        records.record(case, "end_special_procedure", user, from_state=case.status, to_state=case.status,
                       data={"kind": pause.kind, "until": on.isoformat()})
    return pause


def reschedule_stopped_clocks() -> int:
    """While a special procedure runs, the due dates move a working day each working day:
    the daily tick keeps the stored dates (and so the lights) true."""
    count = 0
    for case in CaseFile.objects.filter(pauses__ended_on__isnull=True).distinct().select_related("item"):
        schedule(case)
        count += 1
    return count


def apply_deemed_acceptance(now=None) -> list[str]:
    """Accept, by operation of law (Art. 32), every submitted case left without a notice for
    more than 5 working days (a proposed refusal not confirmed in time lapses). Run by ``manage.py casefiles tick`` (cron). Returns the numbers."""
    now = now or timezone.now()
    accepted = []
    waiting = TRANSITIONS["deem_accepted"].sources  # a refusal waiting for its confirmation too
    for case in CaseFile.objects.filter(status__in=waiting).select_related("item", "department"):
        if not correction_period_over(case, now):
            continue
        try:
            perform(case, "deem_accepted", None, now=now, comment="依法视为受理（《行政许可法》第三十二条）")
        except Conflict:
            continue  # a clerk acted at the same moment: their step stands
        accepted.append(case.number)
    return accepted
