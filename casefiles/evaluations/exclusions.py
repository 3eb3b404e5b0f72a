"""恶意差评: a department asks to exclude a review it thinks malicious (申请剔除); only a
supervisor (电子监察) decides, once, with a reason that is shown publicly with the review.

- **Request**: the lead or a clerk of the review's department (or a superuser), with its
  grounds, for a bad review (不满意, 非常不满意); one request per review (a second is
  ``Conflict``, whatever became of the first).
- **Decision**: a supervisor — never the department itself — upholds it (the review is
  excluded) or rejects it (the review stands), with a reason; once.
- An excluded review is still there (no review is ever deleted) but leaves the public counts:
  every count of reviews goes through ``counted``.

The review's case journal records both steps (``exclusion_requested``, ``exclusion_decided``).
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casefiles.access import permissions
from casefiles.errors import Conflict, Invalid, NotPermitted
from casefiles.evaluations.models import BAD_LEVELS, Evaluation, Exclusion
from casefiles.journal import records
from casefiles.supervision import people

REQUEST_ROLES = ("lead", "clerk")
TEXT_CHARS = 2000


# --- counting -----------------------------------------------------------------------------------

def counted(queryset):
    """``queryset`` of evaluations without those a supervisor excluded (an upheld exclusion):
    what every public count and satisfaction rate is taken over. Requests waiting or rejected
    leave a review counted."""
    upheld = Exclusion.objects.filter(excluded=True).values("evaluation_id")
    return queryset.exclude(pk__in=upheld)


def is_excluded(evaluation) -> bool:
    """Whether a supervisor upheld a request to exclude ``evaluation``."""
    return Exclusion.objects.filter(evaluation_id=evaluation.pk, excluded=True).exists()


def exclusion_of(evaluation) -> Exclusion | None:
    return Exclusion.objects.filter(evaluation_id=evaluation.pk).select_related("decided_by", "requested_by").first()


def public_reason(evaluation) -> str | None:
    """The supervisor's reason for excluding ``evaluation``, shown publicly with it; None while
    it counts (no request, one waiting, or one rejected)."""
    exclusion = Exclusion.objects.filter(evaluation_id=evaluation.pk, excluded=True).only("decision").first()
    return exclusion.decision if exclusion is not None else None


# --- who may ------------------------------------------------------------------------------------

def may_request(user, evaluation) -> bool:
    if not (user and user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or evaluation.department_id in permissions.department_ids(user, REQUEST_ROLES)


def may_decide(user) -> bool:
    return people.is_supervisor(user)


def _text(value, what) -> str:
    text = str(value or "").strip()
    if not text:
        raise Invalid(what)
    if "\x00" in text:
        raise Invalid(_("The text cannot contain a NUL character."))
    if len(text) > TEXT_CHARS:
        raise Invalid(_("The text is at most %(count)d characters long.") % {"count": TEXT_CHARS})
    return text


def _journal(evaluation, action, user, data):
    if evaluation.case_id:
        case = evaluation.case
        records.record(case, action, user, from_state=case.status, to_state=case.status,
                       data={"evaluation": evaluation.pk, **data})


# --- the steps ----------------------------------------------------------------------------------

def request(evaluation, user, grounds, *, now=None) -> Exclusion:
    """The department asks to exclude ``evaluation`` as malicious; returns the request."""
    if not may_request(user, evaluation):
        raise NotPermitted(_("Only the lead or a clerk of the review's department asks to exclude it."))
    if evaluation.level not in BAD_LEVELS:
        raise Conflict(_("Only a bad review can be asked to be excluded as malicious."))
    grounds = _text(grounds, _("Say why the review is malicious."))
    now = now or timezone.now()
    with transaction.atomic():
        evaluation = Evaluation.objects.select_for_update(of=("self",)).select_related("case").get(pk=evaluation.pk)
        if Exclusion.objects.filter(evaluation=evaluation).exists():
            raise Conflict(_("This review has been asked to be excluded already."))
        try:
            with transaction.atomic():
                exclusion = Exclusion.objects.create(evaluation=evaluation, requested_by=user, requested_at=now,
                                                     grounds=grounds)
        except IntegrityError:
            raise Conflict(_("This review has been asked to be excluded already.")) from None
        _journal(evaluation, "exclusion_requested", user, {})
    return exclusion


def decide(exclusion, supervisor, excluded: bool, reason, *, now=None) -> Exclusion:
    """A supervisor upholds (``excluded=True``) or rejects the request, with the public reason; once."""
    if not may_decide(supervisor):
        raise NotPermitted(_("Only a supervisor decides whether a review is excluded."))
    if not isinstance(excluded, bool):
        raise Invalid(_("Say whether the review is excluded or stands."))
    reason = _text(reason, _("Give the reason for the decision; it is shown publicly."))
    now = now or timezone.now()
    with transaction.atomic():
        done = Exclusion.objects.filter(pk=exclusion.pk, excluded__isnull=True).update(
            excluded=excluded, decision=reason, decided_by=supervisor, decided_at=now)
        if not done:
            raise Conflict(_("This request has been decided already."))
        exclusion = Exclusion.objects.select_related("evaluation__case").get(pk=exclusion.pk)
        _journal(exclusion.evaluation, "exclusion_decided", supervisor, {"excluded": excluded})
    return exclusion


def waiting():
    """The requests no supervisor has decided yet, oldest first."""
    return (Exclusion.objects.filter(excluded__isnull=True)
            .select_related("evaluation__department", "evaluation__item", "evaluation__case", "requested_by")
            .order_by("requested_at", "pk"))


def published(start=None, end=None):
    """The exclusions a supervisor upheld, decided from ``start`` to ``end`` (local dates), newest
    first, as the public sees them: the department, the level and date of the review, the
    supervisor's reason and date — never who gave it or what they wrote."""
    found = (Exclusion.objects.filter(excluded=True).select_related("evaluation__department")
             .order_by("-decided_at", "-pk"))
    if start:
        found = found.filter(decided_at__date__gte=start)
    if end:
        found = found.filter(decided_at__date__lte=end)
    return [{"department": e.evaluation.department.name, "level": e.evaluation.get_level_display(),
             "given_on": timezone.localdate(e.evaluation.created_at), "reason": e.decision,
             "decided_on": timezone.localdate(e.decided_at)} for e in found[:200]]
