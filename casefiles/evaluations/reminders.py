"""The one reminder to review a case (催评): three working days after it closed, unreviewed.

``send_due`` (called by the tick) posts one message to the applicant's users (the person's
user, every member of the enterprise, and agents in force: ``case_updates.audience``) with the
case's page in the portal, and records the ``Reminder`` — once per case, whatever the outcome
later; a case reviewed before then is not reminded.

When a case closed: ``concluded_at`` for a concluded case; otherwise (not accepted, withdrawn:
the workflow sets no date of its own for them) the time of the journal's event that moved it
into that status. A bundle (一件事) is reviewed as one service: the reminder goes for its parent
only, never for each part. Cases closed more than ``LOOKBACK`` ago are left alone (the notice's
link has expired by then, and a first run would otherwise remind years of cases).
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import DateTimeField, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from casefiles.cases import states
from casefiles.cases.models import CaseFile
from casefiles.deadlines import working_days
from casefiles.evaluations.links import LINK_MAX_AGE
from casefiles.evaluations.models import Evaluation, Reminder
from casefiles.journal.models import CaseEvent
from casefiles.notifications import case_updates, messages
from casefiles.notifications.models import TITLE_CHARS

AFTER_WORKING_DAYS = 3
LOOKBACK = LINK_MAX_AGE
BATCH = 2000  # reminders a tick sends at most: the next tick takes the rest


def latest_closing_day(today, calendar=None) -> datetime.date:
    """The last day a case may have closed on to be reminded ``today``: ``AFTER_WORKING_DAYS``
    working days have passed since (China's holidays and 调休 counted)."""
    calendar = calendar or working_days.get_calendar()
    day = today - datetime.timedelta(days=1)
    while working_days.compute_deadline(day, AFTER_WORKING_DAYS, calendar=calendar, today=today).due_date > today:
        day -= datetime.timedelta(days=1)
    return day


def closed_cases():
    """Closed cases (not bundle parts) annotated with ``closed_at``."""
    entered = (CaseEvent.objects.filter(case=OuterRef("pk"), to_state=OuterRef("status"))
               .exclude(from_state=OuterRef("status")).order_by("sequence").values("created_at")[:1])
    return (CaseFile.objects.filter(status__in=states.CLOSED, parent__isnull=True)
            .annotate(closed_at=Coalesce("concluded_at", Subquery(entered, output_field=DateTimeField()))))


def due(today=None, now=None):
    """The cases to remind now: closed long enough ago, never reviewed, never reminded."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    before = timezone.make_aware(datetime.datetime.combine(latest_closing_day(today) + datetime.timedelta(days=1),
                                                           datetime.time()))
    return (closed_cases().filter(closed_at__lt=before, closed_at__gte=now - LOOKBACK)
            .exclude(Exists(Evaluation.objects.filter(case=OuterRef("pk"))))
            .exclude(Exists(Reminder.objects.filter(case=OuterRef("pk"))))
            .order_by("pk"))


def _wording(case) -> tuple[str, str]:
    title = _("How was the service? Review %(item)s") % {"item": case.item_title}
    body = _("Your case %(number)s is closed. Tell us how it went: very satisfied, satisfied, fairly satisfied, "
             "dissatisfied or very dissatisfied (好差评). It takes a minute, on the case's page.") % {
        "number": case.number}
    return title[:TITLE_CHARS], body


def send_due(today=None, now=None) -> int:
    """Remind the cases due (``due``, at most ``BATCH`` a tick) once; returns how many cases
    were reminded. The messages and the reminders are written together: a tick that fails
    writes neither."""
    now = now or timezone.now()
    cases = list(due(today, now)[:BATCH])
    if not cases:
        return 0
    posts = []
    with translation.override(settings.LANGUAGE_CODE):
        for case in cases:
            title, body = _wording(case)
            posts.append((case_updates.audience(case, now=now), title, body, case_updates.case_path(case), case))
    with transaction.atomic():
        # One row per case (its primary key): of two ticks at once, the second fails here and posts nothing.
        Reminder.objects.bulk_create([Reminder(case=case, sent_at=now) for case in cases])
        messages.post_many(messages.Kind.REMINDER, posts)
    return len(cases)
