"""The anonymous progress look-up: a case number and its verification code, nothing else.

A wrong code and an unknown number get the same answer (and take the same path: the code
is compared even when there is no case), so the look-up cannot be used to find out which
numbers exist. Drafts are not filed yet and are never found. Callers rate-limit it.
"""

import re
from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.crypto import constant_time_compare

from casefiles.access import disclosure
from casefiles.cases.models import CaseFile, Status

_SPACES = re.compile(r"[\s\-]+")


@dataclass(frozen=True)
class Progress:
    """What an anonymous visitor may learn: no applicant, no materials, no staff, and the
    status as outsiders are told it (``casefiles.access.disclosure``)."""

    number: str
    status: str
    status_label: str
    item: str
    department: str
    submitted: date | None
    accepted: date | None
    promised_due: date | None
    decided: date | None
    concluded: date | None


def normalise_number(number: str) -> str:
    return _SPACES.sub("", str(number or ""))


def normalise_code(code: str) -> str:
    return _SPACES.sub("", str(code or "")).upper()


def _day(moment):
    return timezone.localdate(moment) if moment else None


def look_up(number: str, code: str) -> Progress | None:
    number, code = normalise_number(number), normalise_code(code)
    case = None
    if number and len(number) <= 32:
        case = CaseFile.objects.select_related("department").exclude(status=Status.DRAFT).filter(number=number).first()
    expected = case.verification_code if case is not None else "-" * 8
    if not constant_time_compare(expected, code) or case is None:
        return None
    return Progress(
        number=case.number,
        status=disclosure.outsider_status(case.status),
        status_label=disclosure.status_label(case.status, disclosure.OUTSIDER),
        item=case.item_title,
        department=case.department.name,
        submitted=_day(case.submitted_at),
        accepted=_day(case.accepted_at),
        promised_due=case.promised_due,
        decided=_day(case.decided_at),
        concluded=_day(case.concluded_at),
    )
