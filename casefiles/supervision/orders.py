"""督办: supervision orders. A supervisor (or a superuser) issues an order on a case or on a
department with the date the department must reply by; a member of the department replies
once; an order still unanswered after that date escalates (once) to the department's leads
and shows red. Each step tells the people concerned in the message centre, and an order on a
case is journaled in the case's journal.

Who sees an order: supervisors and superusers every one, a department's members (lead, clerk,
reviewer, decider) their department's; to anyone else an order answers like a missing one.
"""

from datetime import date

from django.db import connection, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.conf import settings

from casefiles.access import permissions
from casefiles.cases.models import CaseFile, Status
from casefiles.directory.models import Department
from casefiles.errors import Conflict, Invalid, NotFound, NotPermitted
from casefiles.journal import records
from casefiles.notifications import messages
from casefiles.supervision import people
from casefiles.supervision.models import Order

SUBJECT_CHARS = 200
TEXT_CHARS = 5000


class OrderStatus:
    WAITING = "waiting"
    OVERDUE = "overdue"
    ANSWERED = "answered"
    LABELS = {
        WAITING: pgettext_lazy("supervision order", "Waiting for the reply"),
        OVERDUE: pgettext_lazy("supervision order", "Overdue"),
        ANSWERED: pgettext_lazy("supervision order", "Answered"),
    }
    choices = list(LABELS.items())


def status(order: Order, today: date | None = None) -> str:
    """``waiting``, ``overdue`` (unanswered after its reply date: red) or ``answered``."""
    if order.replied_at is not None:
        return OrderStatus.ANSWERED
    today = today or timezone.localdate()
    return OrderStatus.OVERDUE if order.reply_due < today else OrderStatus.WAITING


def link(order: Order) -> str:
    return reverse("supervision_admin:order", args=[order.pk])


def _no_such_order():
    return NotFound(_("No such supervision order."))


# --- who sees what ----------------------------------------------------------------------------

def visible_orders(user):
    """The orders ``user`` may see: every one for supervisors, their departments' for members."""
    if not user or not user.is_authenticated or not user.is_active:
        return Order.objects.none()
    found = Order.objects.select_related("department", "case", "issued_by", "replied_by")
    if people.is_supervisor(user):
        return found
    return found.filter(department_id__in=permissions.department_ids(user, people.MEMBER_ROLES))


def visible_order(user, order_id) -> Order:
    try:
        pk = int(order_id)
    except (TypeError, ValueError):
        raise _no_such_order() from None
    found = visible_orders(user).filter(pk=pk).first() if 0 < pk < 2**63 else None
    if found is None:
        raise _no_such_order()
    return found


def listing(user, state: str = "", department=None, today: date | None = None):
    """``visible_orders`` narrowed to one status (waiting, overdue, answered) and department."""
    if not people.may_see_supervision(user):
        raise NotPermitted(_("Supervision orders are for supervisors and the departments' staff."))
    today = today or timezone.localdate()
    found = visible_orders(user)
    if state == OrderStatus.ANSWERED:
        found = found.filter(replied_at__isnull=False)
    elif state == OrderStatus.WAITING:
        found = found.filter(replied_at__isnull=True, reply_due__gte=today)
    elif state == OrderStatus.OVERDUE:
        found = found.filter(replied_at__isnull=True, reply_due__lt=today)
    elif state:
        raise Invalid(_("There is no such status of a supervision order."))
    if department is not None:
        found = found.filter(department=department)
    return found


def waiting_for(user):
    """The orders ``user`` should act on, the soonest due first: their departments' unanswered
    ones (supervisors: every open one)."""
    return visible_orders(user).filter(replied_at__isnull=True).order_by("reply_due", "pk")


def may_issue(user) -> bool:
    return people.is_supervisor(user)


def require_issuer(user) -> None:
    """``NotPermitted`` unless ``user`` may issue orders (asked before any case is looked up)."""
    if not may_issue(user):
        raise NotPermitted(_("Only supervisors (电子监察) issue supervision orders."))


def may_reply(user, order: Order) -> bool:
    return bool(user and user.is_authenticated and user.is_active
                and order.department_id in permissions.department_ids(user, people.MEMBER_ROLES))


# --- issuing, replying, escalating ------------------------------------------------------------

def _words(title, body) -> tuple[str, str]:
    with translation.override(settings.LANGUAGE_CODE):
        return str(title), str(body)


def _order_lines(order: Order) -> list[str]:
    lines = [_("Department: %(department)s") % {"department": order.department.name}]
    if order.case_id:
        lines.append(_("Case: %(number)s (%(item)s)") % {"number": order.case.number, "item": order.case.item_title})
    lines.append(_("Reply due: %(date)s") % {"date": order.reply_due.isoformat()})
    return lines


def issue(by, *, case: CaseFile | None = None, department: Department | None = None, subject: str, text: str,
          reply_due: date, today: date | None = None) -> Order:
    """Issue an order on ``case`` (its department's) or on ``department``; tell the department's
    leads (and the case's handlers). Supervisors and superusers only."""
    require_issuer(by)
    today = today or timezone.localdate()
    subject, text = str(subject or "").strip(), str(text or "").strip()
    problems = []
    if case is not None and case.status == Status.DRAFT:
        raise NotFound(_("No such case."))
    if case is not None:
        if department is not None and department.pk != case.department_id:
            problems.append(_("An order on a case goes to the case's department."))
        department = case.department
    if department is None:
        problems.append(_("Name the case or the department the order is for."))
    if not subject or len(subject) > SUBJECT_CHARS:
        problems.append(_("Give the order a subject of at most %(count)d characters.") % {"count": SUBJECT_CHARS})
    if not text or len(text) > TEXT_CHARS:
        problems.append(_("Say what is to be done, in at most %(count)d characters.") % {"count": TEXT_CHARS})
    if not isinstance(reply_due, date) or reply_due <= today:
        problems.append(_("The reply date must be after today."))
    if problems:
        raise Invalid(*problems)
    with transaction.atomic():
        order = Order.objects.create(case=case, department=department, subject=subject, text=text, issued_by=by,
                                     issued_at=timezone.now(), reply_due=reply_due)
        if case is not None:
            records.record(case, "issue_order", by, comment=subject,
                           data={"order": order.pk, "reply_due": reply_due.isoformat()})
        told = people.members_of([department.pk])[department.pk]
        if case is not None:
            told |= people.handlers_of([case.pk])[case.pk]
        with translation.override(settings.LANGUAGE_CODE):
            title = _("Supervision order (督办): %(subject)s") % {"subject": subject}
            body = "\n".join([*_order_lines(order), "", text])
        messages.post(people.users(told).values(), messages.Kind.ALERT, title[:200], body, link=link(order), case=case)
    return order


def reply(order: Order, user, text: str) -> Order:
    """The department's reply, once, by one of its members; the issuer is told."""
    if not may_reply(user, order):
        if not visible_orders(user).filter(pk=order.pk).exists():
            raise _no_such_order()
        raise NotPermitted(_("Only the department's staff reply to its supervision orders."))
    text = str(text or "").strip()
    if not text or len(text) > TEXT_CHARS:
        raise Invalid(_("Write the reply, in at most %(count)d characters.") % {"count": TEXT_CHARS})
    now = timezone.now()
    with transaction.atomic():
        # One reply: of two members replying at once, exactly one wins.
        if not Order.objects.filter(pk=order.pk, replied_at__isnull=True).update(reply=text, replied_by=user,
                                                                                 replied_at=now):
            raise Conflict(_("This order has been answered already."))
        order.refresh_from_db()
        if order.case_id:
            records.record(order.case, "reply_order", user, comment=text[:500], data={"order": order.pk})
        with translation.override(settings.LANGUAGE_CODE):
            title = _("Reply to your supervision order (督办): %(subject)s") % {"subject": order.subject}
            body = "\n".join([*_order_lines(order), "", text])
        messages.post([order.issued_by], messages.Kind.ALERT, title[:200], body, link=link(order), case=order.case)
    return order


def escalate_overdue(today: date | None = None, now=None) -> int:
    """Orders unanswered after their reply date: escalated once (``escalated_at``), the
    department's leads and the issuer told. Two workers never escalate one order twice."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    with transaction.atomic():
        due = Order.objects.filter(replied_at__isnull=True, escalated_at__isnull=True, reply_due__lt=today)
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True, of=("self",))
        found = list(due.select_related("department", "case", "issued_by").order_by("pk")[:1000])
        if not found:
            return 0
        Order.objects.filter(pk__in=[order.pk for order in found]).update(escalated_at=now)
        leads = people.members_of({order.department_id for order in found})
        everyone = people.users(set().union(*leads.values()) | {order.issued_by_id for order in found})
        posts = []
        with translation.override(settings.LANGUAGE_CODE):
            for order in found:
                title = _("Overdue supervision order (督办): %(subject)s") % {"subject": order.subject}
                body = "\n".join([_("The department has not replied by the date set."), *_order_lines(order)])
                told = [everyone[pk] for pk in leads[order.department_id] | {order.issued_by_id} if pk in everyone]
                posts.append((told, title[:200], body, link(order), order.case))
                if order.case_id:
                    records.record(order.case, "escalate_order", None, data={"order": order.pk})
        messages.post_many(messages.Kind.ALERT, posts)
    return len(found)


def open_counts(today: date | None = None) -> dict[int, dict[str, int]]:
    """Department id → how many of its orders wait, and how many are overdue (one query)."""
    today = today or timezone.localdate()
    rows = (Order.objects.filter(replied_at__isnull=True).order_by().values("department_id")
            .annotate(waiting=Count("pk"), overdue=Count("pk", filter=Q(reply_due__lt=today))))
    return {row["department_id"]: {"waiting": row["waiting"], "overdue": row["overdue"]} for row in rows}
