"""件数: how many cases each department has in each state, without counting them.

The database keeps ``CaseTally`` rows by trigger (migration 0014): +1 when a case enters a
(department, status) pair, −1 when it leaves. Rows only ever get inserted, so two clerks of
one department never wait for each other on a counter; ``fold`` (run by ``casefiles tick``)
sums them into one row per pair. A total is the sum over a handful of rows, where counting
a department's cases reads tens of thousands of index entries (bench/cases_listing.py).

``check`` compares the tallies with a real count and ``rebuild`` sets them from one, for an
operator who suspects drift (``manage.py casefiles tally``).
"""

from django.db import connection, transaction
from django.db.models import Count, Sum

from casefiles.cases.models import CaseFile, CaseTally


def total(statuses, departments=None) -> int:
    """The cases in ``statuses`` of ``departments`` (None: of every department)."""
    rows = CaseTally.objects.filter(status__in=list(statuses))
    if departments is not None:
        rows = rows.filter(department_id__in=list(departments))
    return rows.aggregate(cases=Sum("delta"))["cases"] or 0


def current() -> dict[tuple[int, str], int]:
    """Every (department id, status) with its tally, pairs at zero left out."""
    rows = CaseTally.objects.values_list("department_id", "status").annotate(cases=Sum("delta"))
    return {(department, status): cases for department, status, cases in rows if cases}


def counted() -> dict[tuple[int, str], int]:
    """The same, counted from the cases (a full scan: for checks, not for pages)."""
    rows = CaseFile.objects.order_by().values_list("department_id", "status").annotate(cases=Count("pk"))
    return {(department, status): cases for department, status, cases in rows}


def fold() -> int:
    """Sum the rows into one per pair (dropping pairs at zero); returns the rows removed.

    On PostgreSQL one statement deletes what its snapshot sees and inserts the sums: rows
    that triggers insert meanwhile are neither deleted nor lost. SQLite has one writer at a
    time, so the three steps of the transaction see no one else's rows.
    """
    table = connection.ops.quote_name(CaseTally._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"""
                WITH gone AS (DELETE FROM {table} RETURNING department_id, status, delta),
                     kept AS (INSERT INTO {table} (department_id, status, delta)
                              SELECT department_id, status, sum(delta) FROM gone
                              GROUP BY department_id, status HAVING sum(delta) <> 0 RETURNING 1)
                SELECT (SELECT count(*) FROM gone) - (SELECT count(*) FROM kept)
            """)
            return cursor.fetchone()[0]
        before = CaseTally.objects.count()
        sums = current()
        _replace(sums)
        return before - len(sums)


def check() -> dict[tuple[int, str], tuple[int, int]]:
    """The pairs whose tally differs from the count: {pair: (tally, counted)}."""
    tallied, real = current(), counted()
    return {pair: (tallied.get(pair, 0), real.get(pair, 0))
            for pair in set(tallied) | set(real) if tallied.get(pair, 0) != real.get(pair, 0)}


def rebuild() -> int:
    """Set the tallies from a count of the cases (the table locked meanwhile on PostgreSQL,
    so no step slips between the count and the rows); returns the pairs written."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {connection.ops.quote_name(CaseFile._meta.db_table)} IN SHARE MODE")
        real = counted()
        _replace(real)
    return len(real)


def _replace(sums: dict[tuple[int, str], int]) -> None:
    """One row per (department, status) with its number, instead of every row there was."""
    CaseTally.objects.all().delete()
    CaseTally.objects.bulk_create(
        [CaseTally(department_id=department, status=status, delta=cases) for (department, status), cases in sums.items()]
    )
