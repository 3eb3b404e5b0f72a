"""What staff see of 好差评: the reviews of their departments (supervisors: all), one review,
the requests to exclude waiting for a supervisor, and each department's rectification archive
(整改档案). The channels (workbench, API) call these; a review the user may not see answers like
a missing one. Never the reviewer's identity: rows carry the case number, item, department,
level, reasons and words — not who gave them."""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casefiles.access import permissions
from casefiles.errors import Invalid, NotFound, NotPermitted
from casefiles.evaluations import rectifications
from casefiles.evaluations.models import BAD_LEVELS, Evaluation, Level, Rectification
from casefiles.supervision import people

may_see_reviews = people.may_see_supervision
departments_seen = people.departments_seen


def _no_such_review():
    return NotFound(_("No such review."))


def visible(user):
    """The reviews ``user`` may see: every one for supervisors, their departments' for staff."""
    if not may_see_reviews(user):
        return Evaluation.objects.none()
    found = Evaluation.objects.select_related("department", "item", "case", "rectification", "exclusion")
    if people.is_supervisor(user):
        return found
    return found.filter(department_id__in=permissions.department_ids(user, people.MEMBER_ROLES))


def visible_review(user, evaluation_id) -> Evaluation:
    try:
        pk = int(evaluation_id)
    except (TypeError, ValueError):
        raise _no_such_review() from None
    found = visible(user).filter(pk=pk).first() if 0 < pk < 2**63 else None
    if found is None:
        raise _no_such_review()
    return found


def listing(user, *, level=None, department=None, since: date | None = None, until: date | None = None,
            bad_only=False):
    """``visible`` narrowed: one level, one department, given from ``since`` to ``until`` (local
    dates, both included), only the bad reviews."""
    if not may_see_reviews(user):
        raise NotPermitted(_("Reviews are for supervisors and the departments' staff."))
    found = visible(user)
    if level not in (None, ""):
        try:
            level = int(level)
        except (TypeError, ValueError):
            level = None
        if level not in Level.values:
            raise Invalid(_("There is no such level."))
        found = found.filter(level=level)
    if department is not None:
        found = found.filter(department=department)
    if since:
        found = found.filter(created_at__date__gte=since)
    if until:
        found = found.filter(created_at__date__lte=until)
    if bad_only:
        found = found.filter(level__in=BAD_LEVELS)
    return found


def second_review(evaluation) -> Evaluation | None:
    """The round-2 review of ``evaluation``'s case (after its rectification's call-back)."""
    if not evaluation.case_id or evaluation.round != 1:
        return None
    return Evaluation.objects.filter(case_id=evaluation.case_id, round=2).first()


@dataclass
class ArchiveRow:
    rectification: Rectification
    evaluation: Evaluation
    second: Evaluation | None
    status: str
    on_time: bool | None
    light: str


def archive(user, department=None, today: date | None = None) -> list[ArchiveRow]:
    """整改档案: every rectification of the departments ``user`` sees (or of one), with its
    review, action, call-back, second review, and whether it was done on time."""
    if not may_see_reviews(user):
        raise NotPermitted(_("The rectification archive is for supervisors and the departments' staff."))
    today = today or timezone.localdate()
    found = Rectification.objects.filter(evaluation__in=visible(user)).select_related(
        "evaluation__case", "evaluation__item", "department", "handler", "acted_by", "callback_by")
    if department is not None:
        found = found.filter(department=department)
    found = list(found.order_by("department__code", "-opened_at", "-pk"))
    seconds = {e.case_id: e for e in Evaluation.objects.filter(
        round=2, case_id__in=[r.evaluation.case_id for r in found if r.evaluation.case_id])}
    calendar = rectifications.working_days.get_calendar()
    return [ArchiveRow(r, r.evaluation, seconds.get(r.evaluation.case_id) if r.evaluation.case_id else None,
                       rectifications.status(r), rectifications.on_time(r),
                       rectifications.colour_of(r, today, calendar)) for r in found]
