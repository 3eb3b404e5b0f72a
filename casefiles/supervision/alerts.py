"""The supervision pass (电子监察): the lights of the running cases, an alert on every change to
yellow or red, cards, orders past their date, and one daily digest per person.

``run`` is what the periodic tick has a worker do (``supervise``, a django-tasks task:
``manage.py casefiles tick`` enqueues it). Every step reads what is to be done from the
database, so a pass that did not run (the broker away, a worker down) is caught up by the
next one, and none does anything twice:

- ``sweep`` compares the light every running case has now (``clocks.light_condition``, in
  SQL) with the one it was last seen in (``CaseLight``; none: green) and records each
  difference as a ``LightChange`` — reading only the cases whose light changed;
- ``send_alerts`` claims the changes to yellow or red not yet told (``alerted_at``), posts the
  messages and marks them told in one transaction, and emails (and texts, where
  ``YIWANG_SUPERVISION["SMS_ALERTS"]`` says so) after the commit;
- ``send_digests`` posts each handler, lead and supervisor with something to report one
  digest a day (``Digest``, unique per person and day).

The alerts carry no personal data: the case number, the item, the department, the dates.
"""

import logging
from collections import defaultdict
from datetime import date, datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import Count, F, Q, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from casefiles.access import permissions
from casefiles.accounts import sms
from casefiles.cases import states
from casefiles.cases.models import CaseFile
from casefiles.deadlines.working_days import Light
from casefiles.directory.models import Person
from casefiles.notifications import messages
from casefiles.supervision import cards, clocks, orders, people
from casefiles.supervision.models import CaseLight, Digest, LightChange
from config import siteurl

logger = logging.getLogger(__name__)

ALERTED = (Light.YELLOW, Light.RED)
BATCH = 500  # changes told in one transaction
DIGEST_CASES = 10  # cases listed by name in a digest (the counts are complete)
_PASS_LOCK = 0x5957_4A43  # PostgreSQL advisory lock: one sweep at a time


def _one_at_a_time() -> None:
    """Inside the sweep's transaction: a second sweep waits for the first to commit, and then
    reads what it wrote (SQLite's IMMEDIATE transactions already take the write lock at BEGIN)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PASS_LOCK])


# --- the lights -------------------------------------------------------------------------------

def sweep(today: date | None = None, now: datetime | None = None) -> int:
    """Record every running case's change of light since the last pass; returns how many.

    Set-based: one query reads the running cases whose light now (``clocks.light_of`` as SQL:
    ``clocks.light_expression``) differs from their ``CaseLight`` (a case without one counts as
    green before) — the light joined by its key, no subquery, so the plan stays one scan of
    the running cases however fresh the lights' statistics are — then one insert of the changes
    and one upsert of the lights. Cases that left the running states lose their ``CaseLight``
    (no alert); they never run again."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    with transaction.atomic():
        _one_at_a_time()
        light_now, aliases = clocks.light_expression(today)
        found = (CaseFile.objects.filter(status__in=states.CLOCK_RUNNING).order_by().alias(**aliases)
                 .annotate(light_now=light_now, light_before=Coalesce("supervision_light__light", Value(Light.GREEN)))
                 .exclude(light_now=F("light_before"))
                 .values_list("pk", "department_id", "light_before", "light_now"))
        changes, lights = [], []
        for pk, department_id, before, colour in found:
            # Back to green there is nothing to tell: the change is settled as it is recorded,
            # and stays out of the (partial) index of changes still to tell.
            changes.append(LightChange(case_id=pk, department_id=department_id, from_light=before, to_light=colour,
                                       changed_at=now, alerted_at=now if colour == Light.GREEN else None))
            lights.append(CaseLight(case_id=pk, light=colour, since=now))
        LightChange.objects.bulk_create(changes, batch_size=1000)
        CaseLight.objects.bulk_create(lights, batch_size=1000, update_conflicts=True, unique_fields=["case"],
                                      update_fields=["light", "since"])
        # The lights whose case stopped running: theirs less the running cases (both from an
        # index), where a join on the case's status walks every case ever filed.
        running = CaseFile.objects.filter(status__in=states.CLOCK_RUNNING).values("pk")
        CaseLight.objects.exclude(case_id__in=running).delete()
    return len(changes)


# --- alerts -----------------------------------------------------------------------------------

def case_link(case) -> str:
    return reverse("casefiles_workbench:case", args=[case.number])


def _alert_words(change: LightChange) -> tuple[str, str]:
    """The title and text of the alert on ``change`` (in the site's language: call it inside
    ``translation.override``). No personal data: number, item, department, dates."""
    case = change.case
    if change.to_light == Light.RED:
        title = _("Red light: case %(number)s is past its statutory date") % {"number": case.number}
    else:
        title = _("Yellow light: case %(number)s is near or past its promised date") % {"number": case.number}
    lines = [_("Service item: %(item)s") % {"item": case.item_title},
             _("Department: %(department)s") % {"department": change.department.name}]
    stage = clocks.stage_of(case.status)
    if stage is not None:
        lines.append(_("Stage: %(stage)s") % {"stage": stage.label})
    if case.status in clocks.ACCEPTANCE_STATUSES and case.acceptance_due:
        lines.append(_("To be accepted by: %(date)s") % {"date": case.acceptance_due.isoformat()})
    if case.promised_due:
        lines.append(_("Promised date: %(date)s") % {"date": case.promised_due.isoformat()})
    if case.statutory_due:
        lines.append(_("Statutory date: %(date)s") % {"date": case.statutory_due.isoformat()})
    return str(title), "\n".join(str(line) for line in lines)


def recipients(changes) -> dict[int, set[int]]:
    """Change id → the user ids told of it: the case's handlers now, the department's leads,
    the supervisors (a few queries for the whole batch)."""
    handlers = people.handlers_of({change.case_id for change in changes})
    leads = people.members_of({change.department_id for change in changes})
    supervisors = people.supervisor_ids()
    return {change.pk: handlers[change.case_id] | leads[change.department_id] | supervisors for change in changes}


def _claim(limit: int):
    """The next changes to tell, locked for this transaction (another worker skips them)."""
    found = LightChange.objects.filter(alerted_at__isnull=True, to_light__in=ALERTED).order_by("changed_at", "pk")
    if connection.features.has_select_for_update_skip_locked:
        found = found.select_for_update(skip_locked=True, of=("self",))
    return list(found.select_related("case", "department")[:limit])


def send_alerts(now: datetime | None = None) -> int:
    """Tell each change to yellow or red not told yet, once; returns how many were told."""
    told = 0
    while True:
        with transaction.atomic():
            batch = _claim(BATCH)
            if not batch:
                return told
            to = recipients(batch)
            users = people.users(set().union(*to.values()))
            with translation.override(settings.LANGUAGE_CODE):
                posts = [([users[pk] for pk in sorted(to[change.pk]) if pk in users], *_alert_words(change),
                          case_link(change.case), change.case) for change in batch]
            messages.post_many(messages.Kind.ALERT, posts)
            ids = [change.pk for change in batch]
            LightChange.objects.filter(pk__in=ids).update(alerted_at=now or timezone.now())
            transaction.on_commit(lambda ids=ids: _enqueue(send_alert_mail, ids))
        told += len(batch)


def _enqueue(the_task, *args) -> None:
    try:
        the_task.enqueue(*args)
    except Exception:  # a lost email never undoes an alert already in the message centre; logged for follow-up
        logger.exception("could not hand %s to the task backend", the_task.name)


def _phone_of(user_ids) -> dict[int, str]:
    return {person.user_id: person.phone for person in Person.objects.filter(user_id__in=list(user_ids))
            if person.phone}


@task()
def send_alert_mail(change_ids: list[int]) -> int:
    """The alerts of ``change_ids`` by email — one to each recipient, listing their changes —
    and by SMS where the setting says so. A failure is logged; the message centre has them."""
    changes = list(LightChange.objects.filter(pk__in=change_ids).select_related("case", "department"))
    to = recipients(changes)
    by_user = defaultdict(list)
    for change in changes:
        for pk in to[change.pk]:
            by_user[pk].append(change)
    users = people.users(by_user)
    texts = clocks.supervision_settings()["SMS_ALERTS"]
    phones = _phone_of(by_user) if texts else {}
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for pk, theirs in by_user.items():
            user = users.get(pk)
            if user is None:
                continue
            words = [_alert_words(change) for change in theirs]
            subject = words[0][0] if len(words) == 1 else _("%(count)d cases turned yellow or red") % {"count": len(words)}
            body = "\n\n".join(f"{title}\n{text}\n{siteurl.absolute(case_link(change.case))}"
                               for (title, text), change in zip(words, theirs))
            if user.email:
                try:
                    sent += send_mail(subject, body, None, [user.email])
                except Exception:
                    logger.exception("could not email the supervision alerts to user %s", pk)
            if pk in phones:
                try:
                    sms.send_text(phones[pk], _("[Yiwang] %(subject)s. Please see the workbench.") % {"subject": subject})
                except Exception:
                    logger.exception("could not text the supervision alerts to user %s", pk)
    return sent


# --- the daily digest -------------------------------------------------------------------------

def _digest_candidates(today: date) -> set[int]:
    """Handlers of yellow and red cases, leads of their departments and of departments with
    open orders, and the supervisors."""
    lit = CaseLight.objects.filter(light__in=ALERTED, case__status__in=states.CLOCK_RUNNING)
    handlers = people.handlers_of(lit.values_list("case_id", flat=True))
    departments = set(lit.values_list("case__department_id", flat=True).distinct())
    departments |= set(orders.open_counts(today))
    leads = people.members_of(departments)
    return set().union(*handlers.values(), *leads.values(), people.supervisor_ids())


def digest_of(user, today: date) -> tuple[str, str] | None:
    """The title and text of ``user``'s digest for ``today`` (None: nothing to report)."""
    lit = CaseLight.objects.filter(light__in=ALERTED, case__status__in=states.CLOCK_RUNNING)
    if not people.is_supervisor(user):
        departments = permissions.department_ids(user, ("lead",))
        lit = lit.filter(Q(case__assignments__handler=user, case__assignments__until__isnull=True)
                         | Q(case__department_id__in=departments)).distinct()
    tally = lit.aggregate(yellow=Count("pk", filter=Q(light=Light.YELLOW)), red=Count("pk", filter=Q(light=Light.RED)))
    waiting = list(orders.waiting_for(user)[:DIGEST_CASES])
    open_orders = orders.waiting_for(user).aggregate(
        total=Count("pk"), overdue=Count("pk", filter=Q(reply_due__lt=today)))
    if not (tally["yellow"] or tally["red"] or open_orders["total"]):
        return None
    first = lit.select_related("case", "case__department").order_by("-light", "case__promised_due", "case_id")
    lines = [_("Red cases: %(red)d; yellow cases: %(yellow)d.") % tally]
    for row in first[:DIGEST_CASES]:
        case = row.case
        lines.append(_("· %(number)s %(item)s (%(department)s), %(light)s, promised date %(date)s") % {
            "number": case.number, "item": case.item_title, "department": case.department.name,
            "light": Light(row.light).label, "date": case.promised_due.isoformat() if case.promised_due else "—"})
    if open_orders["total"]:
        lines.append("")
        lines.append(_("Supervision orders waiting for a reply: %(total)d, of them overdue: %(overdue)d.")
                     % open_orders)
        for order in waiting:
            lines.append(_("· %(subject)s (%(department)s), reply due %(date)s") % {
                "subject": order.subject, "department": order.department.name, "date": order.reply_due.isoformat()})
    title = _("Daily digest (每日汇总) for %(day)s") % {"day": today.isoformat()}
    return str(title), "\n".join(str(line) for line in lines)


def send_digests(today: date | None = None, now: datetime | None = None) -> int:
    """One digest a day to each handler, lead and supervisor with something to report; returns
    how many were posted. Two passes on one day post each person's once (``Digest``)."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    candidates = _digest_candidates(today) - set(Digest.objects.filter(day=today).values_list("recipient_id", flat=True))
    sent = 0
    for user in people.users(candidates).values():
        if not user.is_active:
            continue
        with translation.override(settings.LANGUAGE_CODE):
            words = digest_of(user, today)
        if words is None:
            continue
        with transaction.atomic():
            _digest, created = Digest.objects.get_or_create(recipient=user, day=today, defaults={"sent_at": now})
            if not created:
                continue
            messages.post([user], messages.Kind.REMINDER, words[0], words[1], link=reverse("wagtailadmin_home"))
            transaction.on_commit(lambda pk=user.pk, day=today.isoformat(): _enqueue(send_digest_mail, pk, day))
        sent += 1
    return sent


@task()
def send_digest_mail(user_pk: int, day: str) -> int:
    user = people.users([user_pk]).get(user_pk)
    if user is None or not user.is_active or not user.email:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        words = digest_of(user, date.fromisoformat(day))
    if words is None:
        return 0
    try:
        return send_mail(words[0], f"{words[1]}\n\n{siteurl.absolute(reverse('wagtailadmin_home'))}", None, [user.email])
    except Exception:
        logger.exception("could not email the daily digest to user %s", user_pk)
        return 0


# --- the pass ---------------------------------------------------------------------------------

# Steps the components above supervision add to the pass (好差评's rectification lights:
# ``casefiles.evaluations.hooks``), as ``(name, fn(today, now) -> int)``; supervision imports none of them.
_ALSO = []


def also_run(name: str, fn) -> None:
    """Have the pass run ``fn(today, now)`` after its own steps and report its result as ``name`` (once per name)."""
    global _ALSO
    _ALSO = [(n, f) for n, f in _ALSO if n != name] + [(name, fn)]


def run(today: date | None = None, now: datetime | None = None) -> dict[str, int]:
    """sweep → cards → alerts → orders past their date → the digests (once the day's
    ``DIGEST_HOUR`` has come, local time). Returns what it did."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    done = {
        "changes": sweep(today, now),
        "cards": cards.make_cards(today, now),
        "alerts": send_alerts(now),
        "escalated": orders.escalate_overdue(today, now),
        "digests": 0,
    }
    if timezone.localtime(now).hour >= int(clocks.supervision_settings()["DIGEST_HOUR"]):
        done["digests"] = send_digests(today, now)
    for name, fn in _ALSO:
        done[name] = fn(today, now)
    return done


@task()
def supervise() -> dict[str, int]:
    """The supervision pass, in a worker (``manage.py casefiles tick`` enqueues it)."""
    return run()


def enqueue():
    """Hand the pass to the worker; None if the task backend would not take it (logged: the
    next tick's pass catches up, since every step reads what is left to do)."""
    try:
        return supervise.enqueue()
    except Exception:
        logger.exception("could not enqueue the supervision pass")
        return None
