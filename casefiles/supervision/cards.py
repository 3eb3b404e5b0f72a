"""红黄牌: cards to departments, made by declared rules over their cases, kept as records.

Each rule (``RULES``) names its colour and the cases it cards (a query); ``make_cards`` gives
every such case its card once — the unique (case, rule) pair and ``ignore_conflicts`` make a
second pass, or two passes at once, add nothing. A card is never edited or deleted: the
database refuses both (a trigger, migration 0023).
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Callable

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import TruncDate
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casefiles.cases import states
from casefiles.cases.models import CaseFile
from casefiles.errors import NotPermitted
from casefiles.supervision import people
from casefiles.supervision.models import Card

Colour = Card.Colour


def _late(due_field: str) -> Callable[[date], Q]:
    """Open past ``due_field``, or decided after it."""
    def condition(today: date) -> Q:
        open_past = Q(status__in=states.CLOCK_RUNNING, **{f"{due_field}__lt": today})
        decided_after = Q(decided_at__isnull=False, _decided_on__gt=F(due_field))
        return open_past | decided_after
    return condition


@dataclass(frozen=True)
class Rule:
    name: str
    colour: str
    description: str
    due_field: str  # the date the rule holds the case to
    condition: Callable[[date], Q]


RULES = {rule.name: rule for rule in [
    Rule("past_promised", Colour.YELLOW,
         gettext_lazy("Yellow card: a case still open after its promised date (承诺时限), or decided after it."),
         "promised_due", _late("promised_due")),
    Rule("past_statutory", Colour.RED,
         gettext_lazy("Red card: a case still open after its statutory date (法定时限), or decided after it."),
         "statutory_due", _late("statutory_due")),
]}


def cases_carded_by(rule: Rule, today: date):
    """The cases ``rule`` cards on ``today`` that have not had its card yet."""
    return (CaseFile.objects.exclude(**{f"{rule.due_field}__isnull": True})
            .alias(_decided_on=TruncDate("decided_at"))
            .filter(rule.condition(today))
            .filter(~Exists(Card.objects.filter(case=OuterRef("pk"), rule=rule.name)))
            .order_by())


def make_cards(today: date | None = None, now: datetime | None = None) -> int:
    """Give every case the rules card its card (once); returns how many were made."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    made = 0
    with translation.override(settings.LANGUAGE_CODE):
        for rule in RULES.values():
            rows = cases_carded_by(rule, today).values_list("pk", "department_id", "number", rule.due_field,
                                                            "decided_at")
            cards = []
            for pk, department_id, number, due, decided_at in rows.iterator(chunk_size=2000):
                if decided_at is not None:
                    reason = _("Case %(number)s was decided on %(decided)s, after its date %(due)s.") % {
                        "number": number, "decided": timezone.localdate(decided_at).isoformat(), "due": due.isoformat()}
                else:
                    reason = _("Case %(number)s is still open after its date %(due)s.") % {
                        "number": number, "due": due.isoformat()}
                cards.append(Card(department_id=department_id, case_id=pk, colour=rule.colour, rule=rule.name,
                                  reason=reason[:500], issued_at=now))
            made += len(Card.objects.bulk_create(cards, batch_size=1000, ignore_conflicts=True))
    return made


def cards_of(department, since: datetime | None = None):
    """``department``'s cards, newest first (from ``since``)."""
    found = Card.objects.filter(department=department).select_related("case")
    if since is not None:
        found = found.filter(issued_at__gte=since)
    return found


def visible_cards(user, department=None, since: datetime | None = None, until: datetime | None = None):
    """The cards ``user`` sees (supervisors every department's, staff their own), newest first."""
    if not people.may_see_supervision(user):
        raise NotPermitted(_("Cards are for supervisors and the departments' staff."))
    found = Card.objects.filter(department__in=people.departments_seen(user)).select_related("department", "case")
    if department is not None:
        found = found.filter(department=department)
    if since is not None:
        found = found.filter(issued_at__gte=since)
    if until is not None:
        found = found.filter(issued_at__lt=until)
    return found


def counts(since: datetime | None = None, until: datetime | None = None) -> dict[int, dict[str, int]]:
    """Department id → its yellow and red cards issued in [since, until): one aggregate query."""
    found = Card.objects.order_by()
    if since is not None:
        found = found.filter(issued_at__gte=since)
    if until is not None:
        found = found.filter(issued_at__lt=until)
    rows = found.values("department_id").annotate(
        yellow=Count("pk", filter=Q(colour=Colour.YELLOW)), red=Count("pk", filter=Q(colour=Colour.RED)))
    return {row["department_id"]: {"yellow": row["yellow"], "red": row["red"]} for row in rows}


def rule_label(name: str) -> str:
    rule = RULES.get(name)
    return str(rule.description) if rule else name
