"""告知承诺制 (证明事项告知承诺制, 国办发〔2020〕42号): the applicant signs the commitment instead of
proving, and the department decides on acceptance and checks afterwards.

- The decision on acceptance: when a clerk accepts a case of an item with ``notify_commit``
  (read from the guide revision it was filed against) whose applicant signed the commitment, the system starts the review and
  approves it in the same go (``decide_on_acceptance``, the workflow's ``recorded`` hook on
  ``accept``), each step the workflow's own, so the approval's notice and license are those of
  any approval. The system takes them — the clerk holds no permission to decide — and each
  step's comment names the clerk whose acceptance decided. They run in a savepoint inside the
  acceptance: if the approval is refused (the license cannot be issued), the acceptance stands,
  the case goes on by the normal path, and the journal says why (``decide_on_commitment``).
  Acceptance with deferred materials (容缺) and by operation of law take the normal path.
- The check (核查): every approval of such a case — on acceptance, by 秒批 or after a normal
  review — opens a ``PostApprovalCheck`` due the item's ``verification_days`` working days
  after the approval (30 when the guide sets none), in the approval's transaction
  (``open_check``, an effect on ``approve``).
- Its outcome: a clerk (受理) or decider of the department ``confirm``s the commitment, or finds
  it false (``find_false``): the case's licenses in force are revoked (the license journal
  records it), the case journal records the finding (``commitment_false``), the applicant
  receives the 撤销行政许可决定书 and a message.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from casefiles.access import disclosure, permissions
from casefiles.cases.models import CaseFile
from casefiles.deadlines import working_days
from casefiles.errors import GuardFailed, NotAllowedNow, NotFound, NotPermitted, Refused
from casefiles.expedited.models import PostApprovalCheck
from casefiles.forms import definition
from casefiles.handling import workflow
from casefiles.journal import records
from casefiles.licenses import lifecycle
from casefiles.licenses.models import License
from casefiles.notices import documents
from casefiles.notifications import case_updates, messages
from casefiles.notifications.models import BODY_CHARS

DEFAULT_VERIFICATION_DAYS = 30
CHECKERS = ("clerk", "decider")  # the department's roles that check (受理, 决定)
DECIDE_ACTION, FALSE_ACTION, CONFIRM_ACTION = "decide_on_commitment", "commitment_false", "commitment_confirmed"
MAX_FINDING_CHARS = workflow.MAX_TEXT_CHARS


# --- what the guide says ----------------------------------------------------------------------

def _guide_value(case, key):
    content = case.item_revision.content if case.item_revision_id else None
    if content is not None and key in content:
        return content.get(key)
    return getattr(case.item, key)


def applies(case) -> bool:
    """The case was filed under 告知承诺制: its item offers it and the applicant signed the commitment
    (the applicant chooses, 国办发〔2020〕42号; unsigned, the case takes the ordinary path)."""
    if not _guide_value(case, "notify_commit"):
        return False
    commitment = definition.of_case(case).commitment
    return commitment is not None and (case.form_data or {}).get(commitment.key) is True


def verification_days(case) -> int:
    days = _guide_value(case, "verification_days")
    try:
        return int(days) if days else DEFAULT_VERIFICATION_DAYS
    except (TypeError, ValueError):
        return DEFAULT_VERIFICATION_DAYS


# --- the decision on acceptance ---------------------------------------------------------------

def _name(user) -> str:
    return user.get_full_name() or user.get_username()


def decide_on_acceptance(ctx, event) -> bool:
    """The workflow's ``recorded`` hook: a clerk's acceptance of a 告知承诺 case approves it.
    True when it did."""
    case = ctx.case
    if ctx.transition.name != "accept" or ctx.user is None or not applies(case):
        return False
    comment = "告知承诺制：受理即作出准予许可决定（受理人：%s）" % _name(ctx.user)
    try:
        with transaction.atomic():  # a savepoint: a refused approval leaves the acceptance as it was
            for step in ("start_review", "approve"):
                workflow.perform(case, step, None, comment=comment, now=ctx.now)
    except Refused as error:
        case.refresh_from_db()
        records.record(case, DECIDE_ACTION, None, from_state=case.status, to_state=case.status,
                       data={"outcome": "refused", "reasons": list(error.messages)})
        return False
    return True


# --- the check --------------------------------------------------------------------------------

def open_check(ctx) -> PostApprovalCheck | None:
    """An effect on ``approve``: the check of a 告知承诺 case's commitment, due in working days."""
    case = ctx.case
    if not applies(case):
        return None
    opened = ctx.now
    due = working_days.get_calendar().add_working_days(timezone.localdate(opened), verification_days(case))
    check, _created = PostApprovalCheck.objects.get_or_create(
        case=case, defaults={"department": case.department, "opened_at": opened, "due": due})
    ctx.data["check_due"] = check.due.isoformat()
    return check


def is_overdue(check, today=None) -> bool:
    return check.is_open and check.due < (today or timezone.localdate())


def is_checker(user) -> bool:
    """Checks commitments for some department: a clerk (受理) or decider of one, or a superuser."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or bool(permissions.department_ids(user, CHECKERS))


def may_check(user, check) -> bool:
    """A clerk (受理) or decider of the check's department, or a superuser."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or check.department_id in permissions.department_ids(user, CHECKERS)


def checks_for(user, *, status=PostApprovalCheck.Status.OPEN):
    """The checks ``user`` may record, of their departments: open ones first due first."""
    found = PostApprovalCheck.objects.select_related("case", "department", "checked_by")
    if not user.is_superuser:
        found = found.filter(department_id__in=permissions.department_ids(user, CHECKERS))
    if status:
        found = found.filter(status=status)
    return found.order_by("due", "pk")


def visible_check(user, number) -> PostApprovalCheck:
    """The check of case ``number``, for one who may record it (NotFound: no such check, or one
    they may not see; NotPermitted: they see the case but do not check for its department)."""
    check = PostApprovalCheck.objects.select_related("case", "case__item", "case__department", "department") \
        .filter(case__number=number).first()
    if check is None or not permissions.can(user, "view_casefile", check.case):
        raise NotFound(_("No such check."))
    if not may_check(user, check):
        raise NotPermitted(_("Only a clerk or a decider of the department checks a commitment."))
    return check


@dataclass
class _Issuing:
    """What a notice issued outside a workflow step is given (documents.issue reads these)."""

    user: object
    now: datetime.datetime
    data: dict = field(default_factory=dict)
    params: dict = field(default_factory=dict)


def _close(check, user, finding, status, now):
    finding = str(finding or "").strip()
    if not finding:
        raise GuardFailed(_("Write down what the check found."))
    if len(finding) > MAX_FINDING_CHARS:
        raise GuardFailed(_("A finding is at most %(count)d characters long.") % {"count": MAX_FINDING_CHARS})
    if not may_check(user, check):
        raise NotPermitted(_("Only a clerk or a decider of the department checks a commitment."))
    if not PostApprovalCheck.objects.filter(pk=check.pk, status=PostApprovalCheck.Status.OPEN).update(
            status=status, finding=finding, checked_by=user, checked_at=now):
        raise NotAllowedNow(_("This check has been recorded already."))
    check.status, check.finding, check.checked_by, check.checked_at = status, finding, user, now
    return finding


def confirm(check, user, finding, now=None) -> PostApprovalCheck:
    """The commitment holds: the check is closed, the case's journal says so."""
    now = now or timezone.now()
    with transaction.atomic():
        finding = _close(check, user, finding, PostApprovalCheck.Status.CONFIRMED, now)
        case = CaseFile.objects.get(pk=check.case_id)
        records.record(case, CONFIRM_ACTION, user, from_state=case.status, to_state=case.status,
                       comment=finding, data={"finding": finding})
    return check


def find_false(check, user, finding, now=None) -> PostApprovalCheck:
    """The commitment was untrue: the approval's licenses are revoked, the case's journal records
    the finding, the applicant receives the decision to revoke (撤销行政许可决定书) and a message.
    All in one transaction: a license that cannot be revoked leaves the check open."""
    now = now or timezone.now()
    with transaction.atomic():
        finding = _close(check, user, finding, PostApprovalCheck.Status.FALSE_COMMITMENT, now)
        case = CaseFile.objects.select_related("item", "department", "enterprise", "person").get(pk=check.case_id)
        revoked = []
        in_force = License.objects.filter(source_case=case).filter(
            Q(status=License.Status.VALID) | Q(status=License.Status.SUSPENDED))
        reason = "告知承诺不实：%s" % finding
        for license in in_force:
            # The system revokes on the check's finding: the checker is named in the case's journal.
            lifecycle.revoke(license, None, reason)
            revoked.append(license.identifier)
        issuing = _Issuing(user, now, data={"reason": finding, "license": "、".join(revoked)})
        notice = documents.issue(case, "revocation", issuing)
        records.record(case, FALSE_ACTION, user, from_state=case.status, to_state=case.status, comment=finding,
                       data={"finding": finding, "licenses": revoked, "notice": notice.number})
        _tell_applicant(case, finding, notice, now)
    return check


def _tell_applicant(case, finding, notice, now) -> None:
    recipients = case_updates.audience(case, now)
    if not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Case %(number)s: approval revoked") % {"number": case.number}
        body = _("The check after the approval found your commitment (告知承诺) untrue: the approval of %(item)s is "
                 "revoked. Reason: %(reason)s Document issued: %(notice)s.") % {
            "item": case.item_title, "reason": finding, "notice": notice.number}
    body = disclosure.redact(str(body))[0][:BODY_CHARS]
    messages.post(recipients, messages.Kind.CASE, str(title), body, link=case_updates.case_path(case), case=case)
