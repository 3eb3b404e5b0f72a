"""Case and notice numbers: unique, never reused, readable aloud.

Case number: ``<region code, 6 digits><date, YYYYMMDD><sequence, 6 digits>``, e.g.
``44040020261121000017`` is the 17th case filed with a Zhuhai city department on
2026-11-21 (20 digits). The region is the handling department's administrative division
(its first six digits, so a town office files under its district). Numbers come from a
counter per region and day that only goes up: a discarded draft leaves a gap, never a
duplicate.

Notice number: ``<department code><kind>字〔<year>〕第<sequence>号``, e.g.
``SCJGJ受字〔2026〕第00012号``, counted per department, kind and year.
"""

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from casefiles.cases.models import CaseNumberCounter

NOTICE_ABBREVIATIONS = {
    "acceptance": "受",
    "deferred_acceptance": "容受",
    "correction": "补",
    "non_acceptance": "不受",
    "approval": "准",
    "denial": "不准",
    "revocation": "撤",
    "benefit_offer": "免享",
}


def next_value(prefix: str) -> int:
    """The next value of the counter named ``prefix``, safe under concurrency."""
    table = connection.ops.quote_name(CaseNumberCounter._meta.db_table)
    for _attempt in range(5):
        # One statement moves the counter and reads it (the row stays locked to the end of
        # the caller's transaction). Inside the caller's transaction no savepoint is needed.
        with transaction.atomic(savepoint=False), connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET value = value + 1 WHERE prefix = %s RETURNING value", [prefix])
            row = cursor.fetchone()
            if row is not None:
                return row[0]
            try:
                with transaction.atomic():
                    CaseNumberCounter.objects.create(prefix=prefix, value=1)
                return 1
            except IntegrityError:  # another process created it first: increment theirs
                continue
    raise RuntimeError(f"could not allocate a number for {prefix}")


def next_case_number(department, on=None) -> str:
    on = on or timezone.localdate()
    prefix = f"{department.region_code[:6]}{on:%Y%m%d}"
    return f"{prefix}{next_value('C' + prefix):06d}"


def next_notice_number(department, kind: str, on=None) -> str:
    on = on or timezone.localdate()
    abbreviation = NOTICE_ABBREVIATIONS[kind]
    sequence = next_value(f"N:{department.code}:{kind}:{on.year}")
    return f"{department.code}{abbreviation}字〔{on.year}〕第{sequence:05d}号"
