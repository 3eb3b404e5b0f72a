"""免申即享: benefits given without application, from finding the enterprises to the payout (兑现).

For each policy flagged 免申即享, in force, with the service item its benefit is given through:

1. **Found** when it is published and again each day (``find``, the daily pass; ``Matcher``):
   the enterprises that meet every condition *from verified data* are offered the benefit — a
   case is opened by the system (the workflow's ``open_ex_officio``: journaled as opened by the
   system, with its 免申即享告知书), and the enterprise's members are told. Those that meet the
   conditions only with what they declared are **invited to apply** instead (一键申报), no case.
   Each offer is checked once more for its enterprise alone (``eligibility.evaluate``) before
   the case is opened.
2. **Confirmed or declined** by a member of the enterprise. Confirmed: the payout is due
   within the policy's working days, and the case is under review. Declined: the case is
   withdrawn, and the benefit is never offered again.
3. **Paid out**, recorded by the department (amount, date, payment reference): the case is
   approved (行政给付决定书) and concluded.

One row per policy and enterprise, ever (a unique constraint): two passes at once, or a pass
and a publication, offer it once.
"""

import logging
from datetime import date
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from casefiles.access import permissions
from casefiles.deadlines import working_days
from casefiles.directory.models import Enterprise
from casefiles.errors import Conflict, Invalid, NotFound, NotPermitted
from casefiles.forms import definition, prefill
from casefiles.handling import applications, workflow
from casefiles.journal import records
from casefiles.notifications import messages
from casefiles.policies import calculator, eligibility, matching, profiles
from casefiles.policies.models import Benefit
from cms.models import PolicyPage

logger = logging.getLogger(__name__)

CONFIRM_WORKING_DAYS = 20  # the enterprise's time to confirm, as the notice says
MAX_REASON_CHARS = 300


def _link(benefit) -> str:
    return f"/my/benefits/{benefit.pk}/"


def members_of(enterprise):
    return get_user_model().objects.filter(groups=enterprise.members_group, is_active=True)


def candidates(on: date):
    """The 免申即享 policies that can be acted on: in force, with a live item, with conditions."""
    policies = calculator.policies_in_force(on, PolicyPage.objects.live().public().filter(
        free_to_enjoy=True, application_item__isnull=False, application_item__live=True))
    return [p for p in policies if p.condition_list]  # none: every enterprise "meets" it — acted on by nobody


# --- finding ------------------------------------------------------------------------------------

def find(on: date | None = None, policies=None) -> dict:
    """The daily pass (and a publication's): offer the benefit to each enterprise proven
    eligible, invite those eligible only by declaration; nothing twice."""
    on = on or timezone.localdate()
    policies = candidates(on) if policies is None else policies
    done = {"offered": 0, "invited": 0}
    if not policies:
        return done
    types, items = matching.referenced(policies)
    matcher = matching.Matcher(on, license_types=types, items=items)
    for policy in policies:
        found = matcher.match(policy)
        known = dict(Benefit.objects.filter(policy=policy).values_list("enterprise_id", "status"))
        for enterprise_id in matcher.enterprise_ids(found.proven):
            if known.get(enterprise_id) in (None, Benefit.Status.INVITED):
                done["offered"] += bool(offer(policy, Enterprise.objects.get(pk=enterprise_id), on))
        for enterprise_id in matcher.enterprise_ids(found.eligible & ~found.proven):
            if enterprise_id not in known:
                done["invited"] += bool(invite(policy, Enterprise.objects.get(pk=enterprise_id), on))
    return done


def _conditions_met(result) -> list[str]:
    return [f"{eligibility.describe(c)}：{v.reason}" for c, v in result.verdicts if v.met]


def offer(policy, enterprise, on: date) -> Benefit | None:
    """Open the case of ``policy``'s benefit for ``enterprise``, if its file proves every condition
    from verified data and it was never offered; None otherwise."""
    result = eligibility.evaluate(policy, profiles.file_of(enterprise, on), on)
    if not result.proven:
        return None
    item = policy.application_item
    confirm_by = working_days.get_calendar().add_working_days(on, CONFIRM_WORKING_DAYS)
    reasons = _conditions_met(result)
    amount = f"{policy.benefit_amount:.2f}" if policy.benefit_amount is not None else ""
    try:
        with transaction.atomic():
            benefit = Benefit.objects.select_for_update().filter(policy=policy, enterprise=enterprise).first()
            if benefit is not None and (benefit.status != Benefit.Status.INVITED or benefit.case_id):
                return None
            form = prefill.values(prefill.prefill(definition.of_page(item), enterprise, item_code=item.item_code))
            case = applications.start_ex_officio(item, enterprise, form_data=form, reason=policy.title)
            workflow.perform(case, "open_ex_officio", None, comment=_("Opened without application (免申即享): %(policy)s")
                             % {"policy": policy.title}, policy=f"《{policy.title}》", benefit=policy.benefit,
                             amount=amount, confirm_by=confirm_by.isoformat(), conditions=reasons)
            values = {"case": case, "status": Benefit.Status.OFFERED, "amount": policy.benefit_amount,
                      "reasons": reasons, "confirm_by": confirm_by}
            if benefit is None:
                benefit = Benefit.objects.create(policy=policy, enterprise=enterprise, **values)
            else:
                Benefit.objects.filter(pk=benefit.pk).update(**values)
                benefit.refresh_from_db()
            messages.post(members_of(enterprise), messages.Kind.POLICY,
                          _("A benefit without application: %(policy)s") % {"policy": policy.title},
                          _("%(enterprise)s meets every condition of %(policy)s by the records. Confirm or decline "
                            "by %(date)s; case %(number)s.") % {"enterprise": enterprise.name, "policy": policy.title,
                                                                "date": confirm_by.isoformat(), "number": case.number},
                          _link(benefit), case=case)
    except IntegrityError:  # another pass offered it at the same moment: theirs stands
        return None
    return benefit


def invite(policy, enterprise, on: date) -> Benefit | None:
    """Eligible only with what the enterprise declared: tell it to apply (一键申报), once."""
    try:
        with transaction.atomic():
            benefit = Benefit.objects.create(policy=policy, enterprise=enterprise, status=Benefit.Status.INVITED,
                                             amount=policy.benefit_amount)
            messages.post(members_of(enterprise), messages.Kind.POLICY,
                          _("You may be eligible: %(policy)s") % {"policy": policy.title},
                          _("By what %(enterprise)s declared it meets the conditions of %(policy)s, but the records do "
                            "not prove it: apply, and the department checks.") % {
                              "enterprise": enterprise.name, "policy": policy.title},
                          policy.url or "")
    except IntegrityError:
        return None
    return benefit


@task()
def find_for(policy_pk: int) -> dict:
    """A 免申即享 policy just published: found at once, not only at the next daily pass."""
    on = timezone.localdate()
    policies = [p for p in candidates(on) if p.pk == policy_pk]
    return find(on, policies) if policies else {"offered": 0, "invited": 0}


# --- the enterprise's answer --------------------------------------------------------------------

def benefit_for(user, pk) -> Benefit:
    """A benefit of an enterprise ``user`` acts for (NotFound otherwise, exactly like a missing one)."""
    try:
        benefit = Benefit.objects.select_related("policy", "enterprise", "case").get(pk=int(pk))
    except (Benefit.DoesNotExist, TypeError, ValueError):
        raise NotFound(_("No such benefit.")) from None
    if not applications.may_act_for(user, benefit.enterprise):
        raise NotFound(_("No such benefit."))
    return benefit


def of_user(user):
    """The benefits of every enterprise ``user`` acts for, newest first."""
    groups = permissions.group_ids(user)
    return (Benefit.objects.filter(enterprise__members_group_id__in=groups)
            .select_related("policy", "enterprise", "case"))


def _locked(benefit, status) -> Benefit:
    locked = Benefit.objects.select_for_update(of=("self",)).select_related("case").get(pk=benefit.pk)
    if locked.status != status:
        raise Conflict(_("This benefit is %(status)s: it cannot be changed that way now.") % {
            "status": locked.get_status_display()})
    return locked


def confirm(benefit, user) -> Benefit:
    """The enterprise takes the benefit: its payout falls due within the policy's working days."""
    if not applications.may_act_for(user, benefit.enterprise):
        raise NotFound(_("No such benefit."))
    with transaction.atomic():
        benefit = _locked(benefit, Benefit.Status.OFFERED)
        now = timezone.now()
        due = working_days.get_calendar().add_working_days(timezone.localdate(now), benefit.policy.payout_days)
        records.record(benefit.case, "confirm_benefit", user, from_state=benefit.case.status,
                       to_state=benefit.case.status, data={"payout_due": due.isoformat()})
        workflow.perform(benefit.case, "start_review", None, comment=_("The enterprise confirmed the benefit."))
        Benefit.objects.filter(pk=benefit.pk).update(status=Benefit.Status.CONFIRMED, confirmed_at=now,
                                                     payout_due=due, acted_by=user)
    benefit.refresh_from_db()
    return benefit


def decline(benefit, user, reason="") -> Benefit:
    """The enterprise does not take it: the case is withdrawn, and it is never offered again."""
    if not applications.may_act_for(user, benefit.enterprise):
        raise NotFound(_("No such benefit."))
    reason = str(reason or "").strip()
    if len(reason) > MAX_REASON_CHARS or "\x00" in reason:
        raise Invalid(_("A reason is at most %(count)d characters long.") % {"count": MAX_REASON_CHARS})
    with transaction.atomic():
        benefit = _locked(benefit, Benefit.Status.OFFERED)
        workflow.perform(benefit.case, "withdraw", user, comment=reason or _("The enterprise declined the benefit."))
        Benefit.objects.filter(pk=benefit.pk).update(status=Benefit.Status.DECLINED, declined_at=timezone.now(),
                                                     decline_reason=reason, acted_by=user)
    benefit.refresh_from_db()
    return benefit


# --- the department's payout --------------------------------------------------------------------

def for_staff(user, pk) -> Benefit:
    try:
        benefit = Benefit.objects.select_related("policy", "enterprise", "case").get(pk=int(pk), case__isnull=False)
    except (Benefit.DoesNotExist, TypeError, ValueError):
        raise NotFound(_("No such benefit.")) from None
    if not permissions.can(user, "view_casefile", benefit.case):
        raise NotFound(_("No such benefit."))
    return benefit


def staff_list(user, status=None):
    """The benefits whose cases ``user`` may see, by payout due date (those waiting first)."""
    found = (Benefit.objects.filter(case__in=permissions.staff_cases(user).values("pk"))
             .select_related("policy", "enterprise", "case"))
    if status:
        found = found.filter(status=status)
    return found.order_by("payout_due", "-found_at")


def _amount(value, limit) -> Decimal:
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, AttributeError):
        raise Invalid(_("Give the amount paid, in yuan.")) from None
    if not amount.is_finite() or amount <= 0 or amount >= Decimal("1e12"):
        raise Invalid(_("Give the amount paid, in yuan."))
    if limit is not None and amount > limit:
        raise Invalid(_("The amount paid is more than the policy's %(limit)s yuan.") % {"limit": f"{limit:.2f}"})
    return amount.quantize(Decimal("0.01"))


def record_payout(benefit, user, *, amount, reference, paid_on=None) -> Benefit:
    """兑现: the department paid; the case is approved (行政给付决定书) and concluded."""
    if not permissions.can(user, "view_casefile", benefit.case):
        raise NotFound(_("No such benefit."))
    if not permissions.can(user, "decide_casefile", benefit.case):
        raise NotPermitted(_("You may not take this step on this case."))
    amount = _amount(amount, benefit.amount)
    reference = str(reference or "").strip()
    if not reference or len(reference) > 100 or "\x00" in reference:
        raise Invalid(_("Give the payment reference (at most 100 characters)."))
    paid_on = paid_on or timezone.localdate()
    if paid_on > timezone.localdate():
        raise Invalid(_("A payout cannot be dated in the future."))
    with transaction.atomic():
        benefit = _locked(benefit, Benefit.Status.CONFIRMED)
        case = benefit.case
        workflow.perform(case, "approve", user, comment=_("Paid out (兑现)."), policy=f"《{benefit.policy.title}》",
                         amount=f"{amount:.2f}", paid_on=paid_on.isoformat(), reference=reference)
        case.refresh_from_db()
        # nothing is handed out at a window: the payout made, the system concludes the file
        workflow.perform(case, "conclude", None, comment=_("Paid out (兑现)."))
        Benefit.objects.filter(pk=benefit.pk).update(status=Benefit.Status.PAID, paid_on=paid_on, paid_amount=amount,
                                                     payout_reference=reference, acted_by=user)
        messages.post(members_of(benefit.enterprise), messages.Kind.POLICY,
                      _("Paid out: %(policy)s") % {"policy": benefit.policy.title},
                      _("%(amount)s yuan were paid on %(date)s (reference %(reference)s).") % {
                          "amount": f"{amount:.2f}", "date": paid_on.isoformat(), "reference": reference},
                      _link(benefit), case=case)
    benefit.refresh_from_db()
    return benefit


def overdue(on: date | None = None):
    """Confirmed benefits whose payout is past due: what the department's list shows in red."""
    on = on or timezone.localdate()
    return Benefit.objects.filter(status=Benefit.Status.CONFIRMED, payout_due__lt=on)
