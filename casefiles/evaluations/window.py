"""评价器: rating a visit to the window on the page shown to the applicant.

The clerk opens a visit (``open_visit``: optionally for a case) and shows its page
(``/rate/<token>/``, no sign-in) on the counter's screen; the applicant rates it there, once
(``rate``). The clerk never rates: the clerk's page only shows the link and its QR code. A
visit not rated within ``VISIT_MAX_AGE`` (2 hours) cannot be rated any more.
"""

import datetime
import secrets

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casefiles.directory import roles
from casefiles.directory.models import Department
from casefiles.errors import NotFound, NotPermitted
from casefiles.evaluations import reviews
from casefiles.evaluations.models import Evaluation, WindowVisit

VISIT_MAX_AGE = reviews.VISIT_MAX_AGE


def may_open(clerk, department) -> bool:
    """A window clerk (综合窗口) for any department, a department's clerk (受理) for their own."""
    if clerk is None or not clerk.is_authenticated or not clerk.is_active:
        return False
    return roles.has_global_role(clerk, roles.WINDOW_CLERK) or roles.departments_where(clerk, "clerk").filter(
        pk=department.pk).exists()


def departments_for(clerk):
    """The departments ``clerk`` may open a visit for: every one for a window clerk, their own for a department's clerk."""
    if clerk is None or not clerk.is_authenticated:
        return Department.objects.none()
    if roles.has_global_role(clerk, roles.WINDOW_CLERK):
        return Department.objects.order_by("name")
    return roles.departments_where(clerk, "clerk").order_by("name")


def open_visit(clerk, department, case=None, *, now=None) -> WindowVisit:
    """A visit to rate, with its random token; refused (``NotPermitted``) to anyone but a clerk of the window."""
    if not may_open(clerk, department):
        raise NotPermitted(_("Only a clerk at the window opens a visit to rate."))
    if case is not None and case.department_id != department.pk and not roles.has_global_role(clerk, roles.WINDOW_CLERK):
        raise NotPermitted(_("Only a clerk at the window opens a visit to rate."))
    return WindowVisit.objects.create(department=department, case=case, clerk=clerk,
                                      token=secrets.token_urlsafe(32), opened_at=now or timezone.now())


def _no_such_visit():
    return NotFound(_("No such visit to review."))


def visit_for(token, *, now=None) -> WindowVisit:
    """The visit of ``token`` while it may be rated or has just been; ``NotFound`` when missing or too old."""
    now = now or timezone.now()
    visit = WindowVisit.objects.select_related("department", "case").filter(token=str(token or "")[:43]).first()
    if visit is None or visit.opened_at < now - VISIT_MAX_AGE or visit.opened_at > now + datetime.timedelta(minutes=5):
        raise _no_such_visit()
    return visit


def rating_of(visit) -> Evaluation | None:
    return visit.evaluations.first()


def rate(token, level, reasons=(), text="", *, now=None) -> Evaluation:
    """The applicant rates the visit of ``token`` (the counter's page), once."""
    visit = visit_for(token, now=now)
    return reviews.give_for_visit(visit.token, level, reasons, text, now=now)
