"""Listing benchmark: a clerk's inbox and an applicant's 我的办件 on 1,000,000 cases.

    .venv/bin/python bench/cases_generate.py            # once: the data (see there)
    .venv/bin/python bench/cases_listing.py [--runs 200] [--warmup 20] [--json /tmp/cases-listing.json]

Runs on the bench database (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/yiwang_bench).
For each user the generator named, each listing is timed three ways, interleaved run by run
so that a burst of load on the machine hits all three alike:

- listing: what the application asks. The inbox exactly as the workbench asks for it
  (``casefiles.workbench.inbox.cases(user, tab=…, sort="due")`` on top of
  ``permissions.staff_cases(user)``: the tab's statuses, ordered by promised date, its row
  fields and annotations), 50 rows and ``.count()``; 我的办件 as the portal asks for it
  (``permissions.applicant_cases(user)`` by ``-created_at``), 50 rows and ``.count()``. The
  user is read afresh for every run, so the per-request look-ups (groups, permissions,
  departments) are inside the time, as in a request.
- column: the same page with ``staff_cases`` replaced by the column-only query
  (``CaseFile.objects.filter(department_id__in=[…])`` without drafts; for applicants
  ``enterprise_id__in=[…]`` / ``person_id=…``), the ids known beforehand.
- guardian: the same page with ``staff_cases`` replaced by guardian's
  ``get_objects_for_user(user, "casefiles.view_casefile", CaseFile)`` (drafts excluded for
  staff, as the inbox never shows them).

It prints p50 and p95 of page + count (and of each), the ratios listing/column and
guardian/column, and EXPLAIN (ANALYZE, BUFFERS) of the queries of every variant whose p95 is
above the goal (5 ms).
"""

import argparse
import json
import os
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

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from guardian.shortcuts import get_objects_for_user  # noqa: E402

from casefiles import permissions  # noqa: E402
from casefiles.models import CaseFile, Enterprise, Person, Status  # noqa: E402
from casefiles.workbench import inbox  # noqa: E402

PAGE = 50
GOAL_MS = 5.0
STAFF = ["bench-clerk", "bench-clerk-big", "bench-reviewer", "bench-window", "bench-supervisor"]
APPLICANTS = ["bench-applicant", "bench-citizen"]
TABS = ["submitted", "review", "all"]


def fresh(username):
    return User.objects.get(username=username)


@contextmanager
def staff_base(base):
    """Let the workbench's own query run on ``base`` instead of ``staff_cases``."""
    with mock.patch.object(permissions, "staff_cases", lambda user: base):
        yield


def inbox_page(user, tab):
    queryset = inbox.cases(user, tab=tab, sort="due")
    total = queryset.count()
    return total, queryset


def timed(fn):
    """(ms for the count, ms for the page, total) of one run of ``fn`` → (count, queryset)."""
    start = time.perf_counter()
    total, queryset = fn()
    counted = time.perf_counter()
    rows = list(queryset[:PAGE])
    done = time.perf_counter()
    return (counted - start) * 1000, (done - counted) * 1000, total, len(rows)


class Scenario:
    def __init__(self, who, listing, variants):
        self.who, self.listing, self.variants = who, listing, variants  # variants: name -> callable
        self.samples = {name: [] for name in variants}
        self.sizes = {}


def staff_scenarios(username):
    user = fresh(username)
    everything = permissions.sees_everything(user)
    departments = permissions.department_ids(user)
    column_base = CaseFile.objects.exclude(status=Status.DRAFT)
    if not everything:
        column_base = column_base.filter(department_id__in=departments)
    found = []
    for tab in TABS:
        def listing(tab=tab):
            return inbox_page(fresh(username), tab)

        def column(tab=tab):
            with staff_base(column_base):
                return inbox_page(user, tab)

        def guardian(tab=tab):
            base = get_objects_for_user(user, "casefiles.view_casefile", CaseFile).exclude(status=Status.DRAFT)
            with staff_base(base):
                return inbox_page(user, tab)

        found.append(Scenario(username, f"inbox {tab}", {"listing": listing, "column": column, "guardian": guardian}))
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
        "listing": lambda: page(permissions.applicant_cases(fresh(username))),
        "column": lambda: page(column_base),
        "guardian": lambda: page(get_objects_for_user(user, "casefiles.view_casefile", CaseFile)),
    })


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def explain(fn):
    """EXPLAIN (ANALYZE, BUFFERS) of every query one run of ``fn`` makes."""
    with CaptureQueriesContext(connection) as captured:
        timed(fn)
    plans = []
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            sql = query["sql"]
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
    header = (f"{'who':17} {'listing':17} {'count':>9} {'rows':>4}  "
              f"{'listing p50/p95 ms':>19} {'(count p95':>10} {'page p95)':>9}  {'column p50/p95':>15}  {'×p95':>5}  "
              f"{'guardian p50/p95':>17}  {'×p95':>6}  {'match':>5}")
    print(header)
    print("-" * len(header))
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
        listing, column, guardian = figures["listing"], figures["column"], figures["guardian"]
        same = "yes" if listing["total"] == column["total"] == guardian["total"] else (
            f"{guardian['total'] - listing['total']:+d}" if listing["total"] == column["total"] else "NO")
        print(f"{scenario.who:17} {scenario.listing:17} {listing['total']:>9,} {listing['rows']:>4}  "
              f"{listing['p50']:>8.2f} / {listing['p95']:>7.2f}  {listing['count_p95']:>9.2f} {listing['page_p95']:>9.2f}  "
              f"{column['p50']:>6.2f} / {column['p95']:>6.2f}  {listing['p95'] / column['p95']:>5.2f}  "
              f"{guardian['p50']:>7.2f} / {guardian['p95']:>7.2f}  {guardian['p95'] / column['p95']:>6.1f}  {same:>5}")
        results.append({"who": scenario.who, "listing": scenario.listing, **{k: v for k, v in figures.items()}})
    worst = max(r["listing"]["p95"] for r in results)
    print(f"\nworst listing p95: {worst:.2f} ms (goal ≤ {GOAL_MS} ms); "
          f"worst listing/column p95 ratio: {max(r['listing']['p95'] / r['column']['p95'] for r in results):.2f} (goal ≤ 3)")

    if not args.no_explain:
        for scenario, result in zip(scenarios, results):
            for name in ("listing", "guardian"):
                if result[name]["p95"] <= GOAL_MS:
                    continue
                print(f"\n=== EXPLAIN ANALYZE: {scenario.who} · {scenario.listing} · {name} (p95 {result[name]['p95']:.1f} ms)")
                for sql, plan in explain(scenario.variants[name]):
                    print(f"-- {sql[:300]}{'…' if len(sql) > 300 else ''}\n{plan}\n")
    if args.json:
        Path(args.json).write_text(json.dumps({"cases": cases, "runs": args.runs, "results": results}, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
