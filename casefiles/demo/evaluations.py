"""好差评 in the demo (casefiles.evaluations): a review at every level on the demo's closed cases.

Each is given through ``reviews.give`` by the applicant's demo user (the enterprise's first
member, or the person), a day after the case closed:

- 非常满意 on the market regulator's concluded equipment registration, 满意 on the housing
  bureau's concluded construction permit, 基本满意 on the fund centre's concluded withdrawal;
- 非常不满意 on the food licence not accepted (the rules unclear, attitude) — its rectification
  is left open;
- 不满意 on the withdrawn equipment registration (slow): its rectification is recorded as done
  and called back two and three days later, and the applicant reviews again, 满意 (round 2).

Run last (``loader.py``, after the supervision); idempotent: a case reviewed already is left as
it is, and the second review is given only while it is due.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from casefiles.cases.models import CaseFile
from casefiles.evaluations import rectifications, reviews
from casefiles.evaluations.models import Evaluation, Level, Reason, Rectification

# story key (casefiles.demo.cases) → the review: level, reasons, text
REVIEWS = {
    "scjgj-equipment-concluded": (Level.VERY_SATISFIED, [], "窗口人员指导细致，一次办成。"),
    "zjj-construction-concluded": (Level.SATISFIED, [], "网上申报方便，按承诺时限办结。"),
    "gjj-withdrawal-concluded": (Level.FAIRLY_SATISFIED, [], "办理顺利，但进度查询不够直观。"),
    "scjgj-food-not-accepted": (Level.VERY_DISSATISFIED, [Reason.RULES_UNCLEAR, Reason.ATTITUDE],
                                "办事指南没有写明社会团体不能申请，白跑一趟。"),
    "scjgj-equipment-withdrawn": (Level.DISSATISFIED, [Reason.SLOW], "提交后一直没人受理，只好撤回。"),
}
RECTIFIED = "scjgj-equipment-withdrawn"
ACTION = "已核查该申请的受理环节，提醒受理人员按时限受理，并在办事指南中补充撤回后的办理说明。"
CALLBACK = "已电话回访申请人，说明受理延误原因及整改措施，申请人表示理解。"
SECOND = (Level.SATISFIED, [], "回访及时，问题已说明清楚。")


def _applicant_user(case):
    """The user who acts for the case's applicant: the enterprise's first member, or the person."""
    if case.enterprise_id:
        return get_user_model().objects.filter(groups=case.enterprise.members_group).order_by("pk").first()
    return case.person.user if case.person_id else None


def _closed_at(case):
    """When the case closed: its journal's last step (concluded, not accepted or withdrawn)."""
    last = case.events.order_by("-sequence").values_list("created_at", flat=True).first()
    return last or case.concluded_at or timezone.now()


def _lead_of(case):
    return get_user_model().objects.filter(username=f"{case.department.code.lower()}-lead").first()


def load_evaluations(stdout=None) -> int:
    """Give the demo's reviews not given yet; returns how many were added."""
    now = timezone.now()
    added = 0
    cases = {case.form_data.get("demo"): case for case in CaseFile.objects.filter(
        form_data__demo__in=list(REVIEWS)).select_related("enterprise", "person__user", "department")}
    for key, (level, reasons, text) in REVIEWS.items():
        case, user = cases.get(key), None
        if case is not None:
            user = _applicant_user(case)
        if case is None or user is None or Evaluation.objects.filter(case=case).exists():
            continue
        given_at = min(_closed_at(case) + timedelta(days=1), now)
        first = reviews.give(case, user, level, reasons, text, now=given_at)
        added += 1
        if key == RECTIFIED:
            # The department's own steps: what it did, then its call-back (回访), by its lead.
            lead = _lead_of(case)
            if lead is not None:
                rectification = Rectification.objects.get(evaluation=first)
                rectifications.record_action(rectification, lead, ACTION, now=min(given_at + timedelta(days=2), now))
                rectification.refresh_from_db()
                rectifications.record_callback(rectification, lead, CALLBACK,
                                               now=min(given_at + timedelta(days=3), now))
    rectified = cases.get(RECTIFIED)
    if rectified is not None and reviews.next_round(rectified) == 2:
        user = _applicant_user(rectified)
        callback_at = (Rectification.objects.filter(evaluation__case=rectified)
                       .values_list("callback_at", flat=True).first())
        if user is not None and callback_at is not None:
            reviews.give(rectified, user, *SECOND, now=min(callback_at + timedelta(days=1), now))
            added += 1
    if stdout is not None:
        stdout.write(f"Demo reviews (好差评): {added} added.")
    return added
