"""What the policies register at start-up (``CasefilesConfig.ready`` calls the functions below):
a policy's publication pushes it to its subscribers and, for 免申即享, finds its enterprises at
once (background tasks after the commit); the supervision pass runs the day's 免申即享 pass and
the weekly digests once a day; and 免申即享's figures join the statistics (``supervision``
imports nothing of the policies)."""

import logging

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.signals import page_published

from casefiles.policies import benefits, results, subscriptions
from casefiles.policies.models import DailyPass
from casefiles.supervision import alerts, statistics
from casefiles.supervision.statistics import Column, Figure
from cms.models import PolicyPage

logger = logging.getLogger(__name__)


def _enqueue(task, *args) -> None:
    try:
        task.enqueue(*args)
    except Exception:  # the broker is away: the daily pass finds the benefits; the push is logged
        logger.exception("could not enqueue %s%r", task.name if hasattr(task, "name") else task, args)


def _published(sender, instance, revision=None, **kwargs) -> None:
    revision_id = revision.pk if revision is not None else instance.live_revision_id
    transaction.on_commit(lambda: _enqueue(subscriptions.push_published, instance.pk, revision_id))
    if instance.free_to_enjoy:
        transaction.on_commit(lambda: _enqueue(benefits.find_for, instance.pk))


def register_publication() -> None:
    page_published.connect(_published, sender=PolicyPage, dispatch_uid="policies_published")


def daily(today, now) -> int:
    """Once a day: 免申即享's pass over every enterprise, then last week's digests."""
    try:
        with transaction.atomic():
            run = DailyPass.objects.create(day=today)
    except IntegrityError:
        return 0  # ran today already
    found = benefits.find(today)
    digests = subscriptions.send_digests(today)
    DailyPass.objects.filter(pk=run.pk).update(offered=found["offered"], invited=found["invited"], digests=digests)
    return found["offered"] + found["invited"]


def register_supervision_pass() -> None:
    alerts.also_run("benefits", daily)


def register_statistics() -> None:
    statistics.add_figure(Figure(
        "benefits", _("Benefits without application (免申即享)"), results.by_department,
        (Column("label", _("Department"), "text"), Column("offered", _("Offered")),
         Column("confirmed", _("Confirmed")), Column("declined", pgettext_lazy("benefit", "Declined")),
         Column("paid", _("Paid out")), Column("paid_on_time", _("Paid out on time")),
         Column("amount", _("Amount paid (yuan)")), Column("rate", _("Paid out on time (兑现按期率)"), "rate")),
        "bar", ("offered", "paid"),
        _("Benefits found in the period, by the department of their case: paid out by the due date ÷ those paid out "
          "or past their due date.")))
