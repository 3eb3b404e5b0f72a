"""Listing benchmark: a clerk's inbox and an applicant's 我的办件 on 1,000,000 cases.

    .venv/bin/python bench/cases_generate.py            # once: the data (see there)
    .venv/bin/python bench/cases_listing.py [--runs 200] [--warmup 20] [--json /tmp/cases-listing.json]

Runs on the bench database (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/yiwang_bench).
For each user the generator named, each listing is timed four ways, interleaved run by run
so that a burst of load on the machine hits all of them alike:

- listing: what the application asks. The inbox exactly as the workbench asks for it
  (``casefiles.workbench.inbox.cases(user, tab=…, sort="due")`` on top of
  ``permissions.staff_cases(user)``: the tab's statuses, ordered by promised date, its row
  fields and annotations), 50 rows and ``.count()`` (what the paginator asks); 我的办件 as the
  portal asks for it (``permissions.applicant_cases(user)`` by ``-created_at``), 50 rows and
  ``.count()``. The user object is read afresh for every run, and for staff the workbench's
  access check (``workbench.access.is_case_staff``, which every admin page makes) has run on it
  before the clock starts, as it has in a request when the inbox view builds its query.
- request: the same with the user's look-ups inside the time too (reading the user, their
  permissions, groups and departments): the whole cost of a listing in a fresh request.
- column: the same page with ``staff_cases`` replaced by the column-only query
  (``CaseFile.objects.filter(department_id__in=[…])`` without drafts; for applicants
  ``enterprise_id__in=[…]`` / ``person_id=…``), the ids known beforehand. It misses the cases
  granted one by one (parallel approvals): a yardstick, not an alternative.
- guardian: the same page with ``staff_cases`` replaced by guardian's
  ``get_objects_for_user(user, "casefiles.view_casefile", CaseFile)`` (drafts excluded for
  staff, as the inbox never shows them).

It prints p50 and p95 of page + count (and of each), the ratios listing/column and
guardian/column, whether guardian finds as many cases as the listing, and EXPLAIN (ANALYZE,
BUFFERS) of the queries of every listing (and guardian variant) whose p95 is above the goal
(5 ms).
"""

import argparse
import json
import os
import re
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.development")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/yiwang_bench")
os.environ.setdefault("YIWANG_VAR_DIR", "/tmp/yiwang-casebench")
os.environ.setdefault("DEBUG", "0")  # no query log: time what production runs

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from guardian.shortcuts import get_objects_for_user  # noqa: E402

from casefiles.access import permissions  # noqa: E402
from casefiles.cases.models import CaseFile, Status
from casefiles.directory.models import Enterprise, Person
from casefiles.workbench import access, inbox  # noqa: E402

PAGE = 50
GOAL_MS = 5.0
STAFF = ["bench-clerk", "bench-clerk-big", "bench-reviewer", "bench-window", "bench-supervisor"]
APPLICANTS = ["bench-applicant", "bench-citizen"]
TABS = ["submitted", "review", "decided", "all"]  # one state, two open states, two decided, everything


def fresh(username):
    return User.objects.get(username=username)


@contextmanager
def staff_base(base):
    """Let the workbench's own query run on ``base`` instead of ``staff_cases``."""
    with mock.patch.object(permissions, "staff_cases",
                           lambda user, statuses=(): base.filter(status__in=statuses) if statuses else base):
        yield


def inbox_page(user, tab):
    queryset = inbox.cases(user, tab=tab, sort="due")
    total = queryset.count()
    return total, queryset


def timed(variant):
    """(ms for the count, ms for the page, total, rows) of one run of ``variant`` = (prepare, run):
    ``prepare()`` happens before the clock starts, ``run(prepared)`` → (count, queryset)."""
    prepare, run = variant
    prepared = prepare()
    start = time.perf_counter()
    total, queryset = run(prepared)
    counted = time.perf_counter()
    rows = list(queryset[:PAGE])
    done = time.perf_counter()
    return (counted - start) * 1000, (done - counted) * 1000, total, len(rows)


class Scenario:
    def __init__(self, who, listing, variants):
        self.who, self.listing, self.variants = who, listing, variants  # variants: name -> (prepare, run)
        self.samples = {name: [] for name in variants}
        self.sizes = {}


def nothing():
    return None


def staff_scenarios(username):
    user = fresh(username)
    everything = permissions.sees_everything(user)
    departments = permissions.department_ids(user)
    column_base = CaseFile.objects.exclude(status=Status.DRAFT)
    if not everything:
        column_base = column_base.filter(department_id__in=departments)

    def checked_user():
        checked = fresh(username)
        access.is_case_staff(checked)
        return checked

    found = []
    for tab in TABS:
        def column(_, tab=tab):
            with staff_base(column_base):
                return inbox_page(user, tab)

        def guardian(_, tab=tab):
            base = get_objects_for_user(user, "casefiles.view_casefile", CaseFile).exclude(status=Status.DRAFT)
            with staff_base(base):
                return inbox_page(user, tab)

        found.append(Scenario(username, f"inbox {tab}", {
            "listing": (checked_user, lambda checked, tab=tab: inbox_page(checked, tab)),
            "request": (nothing, lambda _, tab=tab: inbox_page(fresh(username), tab)),
            "column": (nothing, column),
            "guardian": (nothing, guardian),
        }))
    return found


def applicant_scenario(username):
    user = fresh(username)
    enterprise_ids = list(Enterprise.objects.filter(members_group__user=user).values_list("pk", flat=True))
    person = Person.objects.filter(user=user).first()
    column_base = CaseFile.objects.filter(enterprise_id__in=enterprise_ids) if enterprise_ids else CaseFile.objects.filter(person=person)

    def page(queryset):
        queryset = queryset.select_related("department").order_by("-created_at", "-pk")
        return queryset.count(), queryset

    return Scenario(username, "我的办件", {
        "listing": (lambda: fresh(username), lambda applicant: page(permissions.applicant_cases(applicant))),
        "request": (nothing, lambda _: page(permissions.applicant_cases(fresh(username)))),
        "column": (nothing, lambda _: page(column_base)),
        "guardian": (nothing, lambda _: page(get_objects_for_user(user, "casefiles.view_casefile", CaseFile))),
    })


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def captured_statements(variant) -> list[str]:
    """The SQL one run of ``variant`` sends once prepared (the clock's part), as sent."""
    prepare, run = variant
    prepared = prepare()
    with CaptureQueriesContext(connection) as captured:
        _total, queryset = run(prepared)
        list(queryset[:PAGE])
    return [query["sql"] for query in captured.captured_queries]


def explain(variant):
    """EXPLAIN (ANALYZE, BUFFERS) of every query on the cases one run of ``variant`` makes."""
    plans = []
    with connection.cursor() as cursor:
        for sql in captured_statements(variant):
            if not sql.lstrip().upper().startswith("SELECT") or "casefiles_casefile" not in sql:
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plans.append((sql, "\n".join(row[0] for row in cursor.fetchall())))
    return plans


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--json", help="write the figures here as JSON")
    parser.add_argument("--no-explain", action="store_true")
    parser.add_argument("--only", help="comma-separated usernames")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("run it on the PostgreSQL bench database (bench/cases_generate.py)")
    wanted = set(args.only.split(",")) if args.only else None
    scenarios = []
    for username in STAFF:
        if wanted is None or username in wanted:
            scenarios += staff_scenarios(username)
    for username in APPLICANTS:
        if wanted is None or username in wanted:
            scenarios.append(applicant_scenario(username))

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM casefiles_casefile")
        cases = cursor.fetchone()[0]
    print(f"{cases:,} cases; {args.runs} runs after {args.warmup} warm-up runs, variants interleaved", flush=True)
    started = time.perf_counter()
    for run in range(args.warmup + args.runs):
        for scenario in scenarios:
            for name, fn in scenario.variants.items():
                count_ms, page_ms, total, rows = timed(fn)
                scenario.sizes[name] = (total, rows)
                if run >= args.warmup:
                    scenario.samples[name].append((count_ms, page_ms))
        if run == args.warmup - 1:
            print(f"warmed up ({time.perf_counter() - started:.0f} s)", flush=True)
    print(f"measured ({time.perf_counter() - started:.0f} s)\n")

    results = []
    header = (f"{'who':17} {'listing':16} {'count':>9} {'rows':>4}  {'listing p50/p95':>16} {'(count':>7} {'page)':>6}  "
              f"{'request p50/p95':>16}  {'column p50/p95':>15}  {'×p95':>5}  {'guardian p50/p95':>17}  {'×p95':>6}  "
              f"{'=guardian':>9}  {'column count':>12}")
    print(header + "\n" + "-" * len(header))
    for scenario in scenarios:
        figures = {}
        for name, samples in scenario.samples.items():
            totals = [c + p for c, p in samples]
            figures[name] = {
                "p50": statistics.median(totals), "p95": percentile(totals, 0.95),
                "count_p95": percentile([c for c, _ in samples], 0.95), "page_p95": percentile([p for _, p in samples], 0.95),
                "count_p50": statistics.median(c for c, _ in samples), "page_p50": statistics.median(p for _, p in samples),
                "total": scenario.sizes[name][0], "rows": scenario.sizes[name][1],
            }
        listing, request, column, guardian = (figures[n] for n in ("listing", "request", "column", "guardian"))
        # Guardian must find what the listing finds; the column-only query misses the cases
        # granted one by one (parallel approvals), which is why it is only a yardstick.
        same = "yes" if listing["total"] == guardian["total"] == request["total"] else "NO"
        print(f"{scenario.who:17} {scenario.listing:16} {listing['total']:>9,} {listing['rows']:>4}  "
              f"{listing['p50']:>6.2f} / {listing['p95']:>6.2f} {listing['count_p95']:>7.2f} {listing['page_p95']:>6.2f}  "
              f"{request['p50']:>6.2f} / {request['p95']:>6.2f}  {column['p50']:>6.2f} / {column['p95']:>6.2f}  "
              f"{listing['p95'] / column['p95']:>5.2f}  {guardian['p50']:>7.2f} / {guardian['p95']:>7.2f}  "
              f"{guardian['p95'] / column['p95']:>6.1f}  {same:>9}  {column['total']:>12,}")
        results.append({"who": scenario.who, "listing": scenario.listing, **figures})
    # The database's share: the statements each variant sent, run again as they were sent
    # (the yardsticks — 0.7 ms for the column query, 1.6 ms for its count — are
    # timings of the SQL alone).
    print(f"\ndatabase time of the same statements (all of a listing's queries, {args.runs} runs, interleaved)")
    header = f"{'who':17} {'listing':16} {'queries':>7}  {'listing sql p50/p95':>19}  {'column sql p50/p95':>18}  {'×p95':>5}"
    print(header + "\n" + "-" * len(header))
    sql_results = []
    for scenario in scenarios:
        statements = {name: captured_statements(scenario.variants[name]) for name in ("listing", "column")}
        samples = {name: [] for name in statements}
        with connection.cursor() as cursor:
            for run in range(args.warmup + args.runs):
                for name, sqls in statements.items():
                    start = time.perf_counter()
                    for sql in sqls:
                        cursor.execute(sql)
                        cursor.fetchall()
                    if run >= args.warmup:
                        samples[name].append((time.perf_counter() - start) * 1000)
        figures = {name: (statistics.median(v), percentile(v, 0.95)) for name, v in samples.items()}
        (l50, l95), (c50, c95) = figures["listing"], figures["column"]
        print(f"{scenario.who:17} {scenario.listing:16} {len(statements['listing']):>7}  {l50:>8.2f} / {l95:>7.2f}  "
              f"{c50:>7.2f} / {c95:>7.2f}  {l95 / c95:>5.2f}")
        sql_results.append({"who": scenario.who, "listing": scenario.listing, "sql": figures})
    print(f"worst listing sql p95: {max(r['sql']['listing'][1] for r in sql_results):.2f} ms; worst ratio "
          f"{max(r['sql']['listing'][1] / r['sql']['column'][1] for r in sql_results):.2f}")

    worst = max(r["listing"]["p95"] for r in results)
    print(f"\nworst listing p95: {worst:.2f} ms (goal ≤ {GOAL_MS} ms); worst listing/column p95 ratio: "
          f"{max(r['listing']['p95'] / r['column']['p95'] for r in results):.2f} (goal ≤ 3); "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")

    if not args.no_explain:
        # The listings above the goal, and guardian for the two cases the issue names.
        for scenario, result in zip(scenarios, results):
            names = ["listing"] if result["listing"]["p95"] > GOAL_MS else []
            if (scenario.who, scenario.listing) in {("bench-clerk", "inbox all"), ("bench-applicant", "我的办件")}:
                names.append("guardian")
            for name in names:
                print(f"\n=== EXPLAIN ANALYZE: {scenario.who} · {scenario.listing} · {name} (p95 {result[name]['p95']:.1f} ms)")
                for sql, plan in explain(scenario.variants[name]):
                    sql = re.sub(r"'\{[0-9,]{60,}\}'", "'{…}'", sql)
                    plan = re.sub(r"'\{[0-9,]{60,}\}'", "'{…}'", plan)
                    print(f"-- {sql[:400]}{'…' if len(sql) > 400 else ''}\n{plan}\n")
    if args.json:
        Path(args.json).write_text(json.dumps({"cases": cases, "runs": args.runs, "results": results, "sql": sql_results},
                                              indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
