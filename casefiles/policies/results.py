"""免申即享's figures for the statistics (supervision's page, its CSV/XLSX and API): per
department of the benefit's case, the benefits offered in the period, confirmed, declined,
paid out, paid out by their due date, the amount paid, and the share paid on time."""

from typing import NamedTuple

from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from casefiles.directory.models import Department
from casefiles.policies.models import Benefit


class BenefitRow(NamedTuple):
    key: str
    label: str
    offered: int
    confirmed: int  # confirmed, paid out or not
    declined: int
    paid: int
    paid_on_time: int
    amount: int  # yuan paid, rounded
    rate: float | None  # paid on time ÷ those due (paid, or past their due date)


def _share(part, whole):
    return round(part / whole, 4) if whole else None


def by_department(filters, today=None) -> list[BenefitRow]:
    """A row per department, by name, and a total row (key ``""``) last."""
    today = today or timezone.localdate()
    found = Benefit.objects.filter(case__isnull=False)
    if filters.start:
        found = found.filter(found_at__date__gte=filters.start)
    if filters.end:
        found = found.filter(found_at__date__lte=filters.end)
    if filters.departments is not None:
        found = found.filter(case__department_id__in=filters.departments)
    paid = Q(status=Benefit.Status.PAID)
    rows = found.values("case__department_id").annotate(
        offered=Count("pk"),
        confirmed=Count("pk", filter=Q(status__in=(Benefit.Status.CONFIRMED, Benefit.Status.PAID))),
        declined=Count("pk", filter=Q(status=Benefit.Status.DECLINED)),
        paid=Count("pk", filter=paid),
        paid_on_time=Count("pk", filter=paid & Q(paid_on__lte=F("payout_due"))),
        due=Count("pk", filter=paid | Q(status=Benefit.Status.CONFIRMED, payout_due__lt=today)),
        amount=Sum("paid_amount", filter=paid))
    names = dict(Department.objects.filter(pk__in=[r["case__department_id"] for r in rows]).values_list("pk", "name"))
    result, due = [], {}
    for r in rows:
        key = str(r["case__department_id"])
        due[key] = r["due"]
        result.append(BenefitRow(key, names.get(r["case__department_id"], "?"), r["offered"], r["confirmed"],
                                 r["declined"], r["paid"], r["paid_on_time"], int(round(r["amount"] or 0)),
                                 _share(r["paid_on_time"], r["due"])))
    result.sort(key=lambda row: row.label)
    total = [sum(getattr(row, name) for row in result) for name in ("offered", "confirmed", "declined", "paid",
                                                                     "paid_on_time", "amount")]
    return [*result, BenefitRow("", _("All departments"), *total, _share(total[4], sum(due.values())))]
