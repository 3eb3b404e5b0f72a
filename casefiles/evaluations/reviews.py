"""好差评: who may review which service and when, and giving a review (the one way in).

- A **case** is reviewed once it is closed — concluded, not accepted or withdrawn
  (``states.CLOSED``) — by its applicant (a member of the applicant enterprise, the person) or
  their agent while an authorisation to submit (``Scope.SUBMIT``) is in force; a bundle's parent
  (一件事) is reviewed as the bundle, each part as its own case.
- A **window visit** is reviewed on the page shown to the applicant at the counter (评价器),
  by its token, once.
- Five levels; the two lowest (差评) need at least one reason from ``Reason`` and may say more.
- Round 1 once; round 2 once, after the rectification its bad round 1 opened has called the
  applicant back (回访). A review is never edited or deleted.

A bad first review opens its rectification in the same transaction (``rectifications.open_for``);
the journal of the case records the review (``evaluate``), and what the applicant is told.
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casefiles.access import permissions
from casefiles.access.models import Authorisation
from casefiles.cases import states
from casefiles.cases.models import CaseFile
from casefiles.errors import Conflict, Invalid, NotAllowedNow, NotFound, NotPermitted
from casefiles.evaluations import rectifications
from casefiles.evaluations.models import BAD_LEVELS, Channel, Evaluation, Level, Reason, WindowVisit
from casefiles.journal import records

TEXT_CHARS = 1000
REVIEWABLE = states.CLOSED
VISIT_MAX_AGE = datetime.timedelta(hours=2)  # a visit opened at the counter is rated there and then


def _no_such_case():
    return NotFound(_("No such case."))


def standing(user, case) -> str | None:
    """"applicant", "agent" (an authorisation to submit in force) or None: who ``user`` is to ``case``."""
    if user is None or not user.is_authenticated or not permissions.can(user, "apply_casefile", case):
        return None
    covering = [case.pk] + ([case.parent_id] if case.parent_id else [])
    agent_of = Authorisation.objects.filter(agent_id=user.pk, case_id__in=covering, revoked_at__isnull=True)
    if not agent_of.exists():
        return "applicant"
    now = timezone.now()
    in_force = agent_of.filter(scope=Authorisation.Scope.SUBMIT, valid_from__lte=now, valid_until__gt=now)
    return "agent" if in_force.exists() else None


def next_round(case) -> int | None:
    """The round a review of ``case`` would be now: 1, 2 after a call-back, None when none is due."""
    given = {e.round: e for e in Evaluation.objects.filter(case=case).select_related("rectification")}
    if 1 not in given:
        return 1
    if 2 in given:
        return None
    rectification = getattr(given[1], "rectification", None)
    return 2 if rectification is not None and rectification.is_done else None


def refusal(user, case) -> Exception | None:
    """Why ``user`` may not review ``case`` now (the error to raise), or None when they may."""
    if user is None or not permissions.can(user, "view_casefile", case):
        return _no_such_case()
    if standing(user, case) is None:
        return NotPermitted(_("Only the applicant, or their agent while authorised, reviews the service."))
    if case.status not in REVIEWABLE:
        return NotAllowedNow(_("The service is reviewed once the case is concluded, not accepted or withdrawn."))
    if next_round(case) is None:
        return Conflict(_("This case has been reviewed already."))
    return None


def may_review(user, case) -> bool:
    return refusal(user, case) is None


def given(case) -> list[Evaluation]:
    """The reviews of ``case``, first round first (with their rectification, if any)."""
    return list(Evaluation.objects.filter(case=case).select_related("rectification").order_by("round"))


def clean(level, reasons=(), text="") -> tuple[int, list[str], str]:
    """The level, reasons and text as stored; ``Invalid`` with every problem at once."""
    problems = []
    try:
        level = int(level)
    except (TypeError, ValueError):
        level = None
    if level not in Level.values:
        problems.append(_("Choose one of the five levels, from very satisfied to very dissatisfied."))
    if isinstance(reasons, str):
        reasons = [reasons]
    reasons = [str(r) for r in (reasons or [])]
    unknown = [r for r in reasons if r not in Reason.values]
    if unknown:
        problems.append(_("Choose the reasons from the list."))
    reasons = sorted(set(r for r in reasons if r in Reason.values), key=Reason.values.index)
    text = str(text or "").strip()
    if "\x00" in text:
        problems.append(_("The comment cannot contain a NUL character."))
    if len(text) > TEXT_CHARS:
        problems.append(_("A comment is at most %(count)d characters long.") % {"count": TEXT_CHARS})
    if level in BAD_LEVELS and not reasons:
        problems.append(_("Say why you are dissatisfied: choose at least one reason."))
    if level is not None and level not in BAD_LEVELS:
        reasons = []  # reasons are for bad reviews; a good one keeps its words only
    if problems:
        raise Invalid(*problems)
    return level, reasons, text


def give(case, user, level, reasons=(), text="", *, channel=Channel.PORTAL, now=None) -> Evaluation:
    """``user`` reviews ``case``; returns the review. Refuses with the errors of ``refusal`` and
    ``clean``; of two reviews at once one stands, the other is ``Conflict``."""
    level, reasons, text = clean(level, reasons, text)
    if channel not in Channel.values:
        raise Invalid(_("There is no such way of reviewing."))
    now = now or timezone.now()
    with transaction.atomic():
        case = (CaseFile.objects.select_for_update(of=("self",)).select_related("department", "item")
                .filter(pk=case.pk).first())
        if case is None:
            raise _no_such_case()
        problem = refusal(user, case)
        if problem is not None:
            raise problem
        round_ = next_round(case)
        try:
            with transaction.atomic():
                evaluation = Evaluation.objects.create(
                    case=case, department=case.department, item=case.item, round=round_, level=level,
                    reasons=reasons, text=text, channel=channel, by=user,
                    as_agent=standing(user, case) == "agent", created_at=now)
        except IntegrityError:
            raise Conflict(_("This case has been reviewed already.")) from None
        records.record(case, "evaluate", user, from_state=case.status, to_state=case.status,
                       data={"round": round_, "level": level, "reasons": reasons})
        if evaluation.is_bad and round_ == 1:
            rectifications.open_for(evaluation, now=now)
    return evaluation


def give_for_visit(token: str, level, reasons=(), text="", *, now=None) -> Evaluation:
    """The applicant at the counter reviews the visit the clerk opened (``token``), once."""
    level, reasons, text = clean(level, reasons, text)
    now = now or timezone.now()
    with transaction.atomic():
        visit = WindowVisit.objects.select_for_update(of=("self",)).select_related("department", "case").filter(
            token=str(token or "")[:43]).first()
        if visit is None or visit.opened_at < now - VISIT_MAX_AGE:
            raise NotFound(_("No such visit to review."))
        if visit.evaluations.exists():
            raise Conflict(_("This visit has been reviewed already."))
        try:
            with transaction.atomic():
                evaluation = Evaluation.objects.create(
                    visit=visit, case=None, department=visit.department,
                    item=visit.case.item if visit.case_id else None, round=1, level=level, reasons=reasons,
                    text=text, channel=Channel.WINDOW, by=None, created_at=now)
        except IntegrityError:
            raise Conflict(_("This visit has been reviewed already.")) from None
        if evaluation.is_bad:
            rectifications.open_for(evaluation, now=now)
    return evaluation
