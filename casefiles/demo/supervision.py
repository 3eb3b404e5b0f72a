"""电子监察 in the demo (casefiles.supervision): handlers, lights, alerts, orders and cards.

- Every running demo case has its handlers (承办人): the department's lead (负责人) assigns each
  stage still ahead to the department's clerk, reviewer and decider; the newest application at
  the market regulator is claimed by its clerk instead.
- Two supervision orders (督办) from the supervisor: one on the market regulator's overdue food
  case, its reply due in three working days (waiting); one to the housing bureau about its
  overdue fire acceptance, issued ten days ago with a reply date already passed — escalated to
  the bureau's lead, shown red; and one answered by the market regulator's lead.
- The supervision pass runs once: every running case's light recorded, the alerts of those in
  yellow and red posted to their handlers, leads and the supervisor (站内消息), the cards (红黄牌)
  of the cases past their promised and statutory dates made, the overdue order escalated.

Run after every other case (``loader.py``); idempotent: an assigned stage, an order already
issued (by its subject) and a recorded light are left as they are, and the pass never tells a
change twice.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from casefiles.cases import states
from casefiles.cases.models import CaseFile, Status
from casefiles.deadlines import working_days
from casefiles.directory.models import Department
from casefiles.errors import Refused
from casefiles.supervision import alerts, handlers, orders
from casefiles.supervision.models import Order, Stage

# Which demo user of a department takes each stage.
STAGE_USER = {Stage.ACCEPTANCE: "clerk", Stage.REVIEW: "reviewer", Stage.DECISION: "decider"}
ASSIGNED = "负责人分派"

WAITING = "食品经营许可超期未决督办"
ESCALATED = "建设工程消防验收超期督办"
ANSWERED = "补正告知规范性督办"


def _users(department: Department) -> dict[str, object]:
    prefix = department.code.lower()
    found = get_user_model().objects.filter(username__startswith=f"{prefix}-")
    return {user.username[len(prefix) + 1:]: user for user in found}


def _assign_handlers() -> int:
    made = 0
    running = (CaseFile.objects.filter(status__in=states.CLOCK_RUNNING, is_bundle=False)
               .select_related("department", "item").order_by("submitted_at", "pk"))
    newest_submitted = running.filter(status=Status.SUBMITTED, department__code="SCJGJ").last()
    staff_of = {}
    for case in running:
        staff = staff_of.setdefault(case.department_id, _users(case.department))
        lead = staff.get("lead")
        held = handlers.current(case)
        for stage in handlers.stages_open(case):
            person = staff.get(STAGE_USER[stage])
            if stage in held or person is None or lead is None:
                continue
            try:
                if newest_submitted is not None and case.pk == newest_submitted.pk and stage == Stage.ACCEPTANCE:
                    handlers.claim(case, stage, person)
                else:
                    handlers.assign(case, stage, person, lead, reason=ASSIGNED)
            except Refused:
                continue
            made += 1
    return made


def _orders() -> int:
    supervisor = get_user_model().objects.filter(username="supervisor").first()
    if supervisor is None:
        return 0
    today = timezone.localdate()
    calendar = working_days.get_calendar()
    made = 0
    existing = set(Order.objects.values_list("subject", flat=True))
    overdue_food = (CaseFile.objects.filter(form_data__demo="scjgj-food-overdue").first())
    if WAITING not in existing and overdue_food is not None:
        orders.issue(supervisor, case=overdue_food, subject=WAITING,
                     text="该件已超过承诺办结时限，请于3个工作日内说明超期原因并报告办理进度，尽快依法作出决定。",
                     reply_due=calendar.add_working_days(today, 3))
        made += 1
    housing = Department.objects.filter(code="ZJJ").first()
    fire = CaseFile.objects.filter(form_data__demo="zjj-fire-overdue").first()
    if ESCALATED not in existing and housing is not None:
        issued_on = today - timedelta(days=10)
        order = orders.issue(supervisor, case=fire, department=None if fire else housing, subject=ESCALATED,
                             text="建设工程消防验收办件已超过法定时限，请核实原因、明确责任人并书面回复整改措施。",
                             reply_due=calendar.add_working_days(issued_on, 3), today=issued_on)
        Order.objects.filter(pk=order.pk).update(issued_at=order.issued_at - timedelta(days=10))
        made += 1
    market = Department.objects.filter(code="SCJGJ").first()
    lead = get_user_model().objects.filter(username="scjgj-lead").first()
    if ANSWERED not in existing and market is not None and lead is not None:
        order = orders.issue(supervisor, department=market, subject=ANSWERED,
                             text="近期部分补正告知书未一次性列明全部补正材料，请组织受理人员学习一次性告知制度并回复整改情况。",
                             reply_due=calendar.add_working_days(today, 5))
        orders.reply(order, lead, "已组织受理窗口全体人员学习一次性告知制度，补正告知书统一使用系统模板逐项列明材料，"
                                  "并由科室负责人每周抽查。")
        made += 1
    return made


def load_supervision(stdout=None) -> dict:
    assigned = _assign_handlers()
    issued = _orders()
    done = alerts.run()
    if stdout is not None:
        stdout.write(f"Supervision: {assigned} stage(s) assigned, {issued} order(s) issued; the pass: {done}.")
    return {"assigned": assigned, "orders": issued, "pass": done}
