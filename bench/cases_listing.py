"""Listing benchmark: a clerk's inbox and an applicant's 我的办件 on 1,000,000 cases.

    .venv/bin/python bench/cases_generate.py            # once: the data (see there)
    .venv/bin/python bench/cases_listing.py [--runs 200] [--warmup 20] [--json /tmp/cases-listing.json]

Runs on the bench database (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/yiwang_bench).
For each user the generator named, each listing is timed six ways, interleaved run by run
so that a burst of load on the machine hits all of them alike:

- listing: what the application asks. The inbox exactly as the workbench asks for it
  (``casefiles.workbench.inbox.cases(user, tab=…, sort="due")`` on top of
  ``permissions.staff_cases(user)``: the tab's statuses, ordered by promised date, its row
  fields and annotations), 50 rows and ``.count()`` (what the paginator asks: for staff the
  sum of the departments' tallies plus the granted ids, ``CaseListing.count``); 我的办件 as the
  portal asks for it (``permissions.applicant_cases(user)`` by ``-created_at``), 50 rows and
  ``.count()`` (a real count: there are no tallies by applicant). The user object is read
  afresh for every run, and for staff the workbench's access check
  (``workbench.access.is_case_staff``, which every admin page makes) has run on it before the
  clock starts, as it has in a request when the inbox view builds its query.
- request: the same with the user's look-ups inside the time too (reading the user, their
  permissions, groups and departments, the granted ids): the whole cost of a listing in a
  fresh request.
- like: the like-for-like yardstick. The listing's own query with everything the user's
  look-ups find known beforehand — the department ids and the ids of the cases granted one
  by one (parallel approvals in the tab's states outside those departments; for applicants
  the enterprise / person ids and the agent's cases) — and counted the way the listing counts:
  for staff the sum of the same tallies (``CaseTally`` of those departments in those states)
  plus the granted ids, less the bundles' parents where the tab leaves them out; for
  applicants a count of the cases. The goal: listing and request within 1.5× of it.
- counted: the same query (department and granted ids known beforehand) counted for real,
  ``COUNT(*)``: what the tallies save.
- column: the column-only query on department ids alone (``CaseFile.objects.filter(
  department_id__in=[…])`` without drafts; for applicants ``enterprise_id__in=[…]`` /
  ``person_id__in=[…]``), ``COUNT(*)``. It misses the cases granted one by one: the old
  yardstick, kept for comparison.
- guardian: the same page with ``staff_cases`` replaced by guardian's
  ``get_objects_for_user(user, "casefiles.view_casefile", CaseFile)`` (drafts excluded for
  staff, as the inbox never shows them).

It prints the machine's calibration and load average at the start and the end
(bench/_machine.py), p50 and p95 of page + count (and of each) per variant, the ratios
listing/like and request/like (p50 and p95), whether every variant but the column-only one
finds as many cases as the listing, the database time of the same statements sent again, and
EXPLAIN (ANALYZE, BUFFERS) of the queries of every listing that misses the 1.5× goal (with its
yardstick's) and of guardian for bench-clerk's 全部 and bench-applicant's 我的办件.
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

from bench import _machine  # noqa: E402

from django.contrib.auth.models import User  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Q, Sum  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from guardian.shortcuts import get_objects_for_user  # noqa: E402

from casefiles.access import permissions  # noqa: E402
from casefiles.cases import states  # noqa: E402
from casefiles.cases.models import CaseFile, CaseGrant, CaseTally, Status  # noqa: E402
from casefiles.directory.models import Enterprise, Person
from casefiles.workbench import access, inbox  # noqa: E402

PAGE = 50
GOAL_RATIO = 1.5  # every listing, fresh request included, within 1.5× of its like-for-like yardstick
STAFF = ["bench-clerk", "bench-clerk-big", "bench-reviewer", "bench-window", "bench-supervisor"]
APPLICANTS = ["bench-applicant", "bench-citizen"]
TABS = ["submitted", "review", "decided", "all"]  # one state, two open states, two decided, everything


def fresh(username):
    return User.objects.get(username=username)


@contextmanager
def staff_base(base, filed=False):
    """Let the workbench's own query run on ``base`` instead of ``staff_cases``: the tab's
    statuses (``filed``: every state but draft for 全部, as ``staff_cases`` asks), and no
    bundles' parents where the tab leaves them out, as ``staff_cases`` does."""
    def replaced(user, statuses=(), *, bundles=True):
        statuses = statuses or (states.FILED if filed else ())
        queryset = base.filter(status__in=statuses) if statuses else base
        return queryset if bundles else queryset.filter(is_bundle=False)

    with mock.patch.object(permissions, "staff_cases", replaced):
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


def tallied(statuses, departments, granted, parents_left_out):
    """The yardstick's total, counted the way the listing counts (``CaseListing.count``): the
    tallies of ``departments`` (None: all) in ``statuses``, one more per granted id, less the
    bundles' parents where the tab leaves them out (a short count of its own)."""
    rows = CaseTally.objects.filter(status__in=statuses)
    parents = CaseFile.objects.filter(is_bundle=True, status__in=statuses)
    if departments is not None:
        rows = rows.filter(department_id__in=departments)
        parents = parents.filter(department_id__in=departments)
    total = (rows.aggregate(cases=Sum("delta"))["cases"] or 0) + len(granted)
    return total - parents.count() if parents_left_out else total


def among(ids):
    """``pk = ANY(%s::bigint[])``: the ids as one array parameter, as the listing sends them."""
    return permissions._among(ids)


def staff_scenarios(username):
    user = fresh(username)
    everything = permissions.sees_everything(user)
    departments = permissions.department_ids(user)
    groups = list(user.groups.values_list("pk", flat=True))
    column_base = CaseFile.objects.exclude(status=Status.DRAFT)
    if not everything:
        column_base = column_base.filter(department_id__in=departments)

    def checked_user():
        checked = fresh(username)
        access.is_case_staff(checked)
        return checked

    found = []
    for tab in TABS:
        spec = inbox.TAB_BY_KEY[tab]
        statuses = tuple(s for s in (spec.statuses or states.FILED) if s != Status.DRAFT)
        # The ids granted one by one (parallel approvals) in the tab's states, outside the
        # user's departments — bundles' parents left out where the tab leaves them out —
        # read here, before any clock: the yardsticks know them beforehand.
        granted = []
        if not everything and groups:
            grants = CaseGrant.objects.filter(reason=CaseGrant.Reason.PARALLEL, group_id__in=groups, case_status__in=statuses)
            if departments:
                grants = grants.exclude(case_department_id__in=departments)
            granted = sorted(set(grants.values_list("case_id", flat=True)))
            if not spec.bundles and granted:
                granted = list(CaseFile.objects.filter(pk__in=granted, is_bundle=False).order_by("pk").values_list("pk", flat=True))
        # The listing's query with those ids in it (the statuses follow in staff_base).
        like_base = CaseFile.objects.all()
        if not everything:
            condition = Q(department_id__in=departments) if departments else None
            if granted:
                condition = among(granted) if condition is None else condition | among(granted)
            like_base = like_base.filter(condition) if condition is not None else CaseFile.objects.none()

        def column(_, tab=tab):
            with staff_base(column_base):
                return inbox_page(user, tab)

        def like(_, tab=tab, base=like_base, statuses=statuses, granted=granted, bundles=spec.bundles):
            with staff_base(base, filed=True):
                queryset = inbox.cases(user, tab=tab, sort="due")
            return tallied(statuses, None if everything else departments, granted, not bundles), queryset

        def counted(_, tab=tab, base=like_base):
            with staff_base(base, filed=True):
                return inbox_page(user, tab)

        def guardian(_, tab=tab):
            base = get_objects_for_user(user, "casefiles.view_casefile", CaseFile).exclude(status=Status.DRAFT)
            with staff_base(base):
                return inbox_page(user, tab)

        found.append(Scenario(username, f"inbox {tab}", {
            "listing": (checked_user, lambda checked, tab=tab: inbox_page(checked, tab)),
            "request": (nothing, lambda _, tab=tab: inbox_page(fresh(username), tab)),
            "like": (nothing, like),
            "counted": (nothing, counted),
            "column": (nothing, column),
            "guardian": (nothing, guardian),
        }))
    return found


def applicant_scenario(username):
    user = fresh(username)
    enterprise_ids = list(Enterprise.objects.filter(members_group__user=user).values_list("pk", flat=True))
    person_ids = list(Person.objects.filter(user=user).values_list("pk", flat=True))
    column_base = CaseFile.objects.filter(enterprise_id__in=enterprise_ids) if enterprise_ids else CaseFile.objects.filter(
        person_id__in=person_ids)
    # The cases granted to the user as an agent, read beforehand (all of them in force here:
    # the generator makes no authorisations that lapse).
    granted = sorted(set(CaseGrant.objects.filter(reason=CaseGrant.Reason.AGENT, user=user).values_list("case_id", flat=True)))
    own = None
    if enterprise_ids:
        own = Q(enterprise_id__in=enterprise_ids)
    if person_ids:
        own = Q(person_id__in=person_ids) if own is None else own | Q(person_id__in=person_ids)
    condition = own
    if granted:
        condition = among(granted) if own is None else own | among(granted)
    counted_base = CaseFile.objects.filter(condition) if condition is not None else CaseFile.objects.none()

    def page(queryset):
        queryset = queryset.select_related("department").order_by("-created_at", "-pk")
        return queryset.count(), queryset

    def like(_):
        # 我的办件 has no tallies: the listing counts its cases, in two parts when some were
        # granted one by one (``CaseListing._parts``) — the yardstick counts them the same way.
        queryset = counted_base.select_related("department").order_by("-created_at", "-pk")
        if own is None or not granted:
            return queryset.count(), queryset
        return CaseFile.objects.filter(own).count() + CaseFile.objects.filter(among(granted)).exclude(own).count(), queryset

    return Scenario(username, "我的办件", {
        "listing": (lambda: fresh(username), lambda applicant: page(permissions.applicant_cases(applicant))),
        "request": (nothing, lambda _: page(permissions.applicant_cases(fresh(username)))),
        "like": (nothing, like),
        "counted": (nothing, lambda _: page(counted_base)),
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
            if not sql.lstrip().upper().startswith("SELECT") or "casefiles_case" not in sql:
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plans.append((sql, "\n".join(row[0] for row in cursor.fetchall())))
    return plans


def figures_of(scenario):
    figures = {}
    for name, samples in scenario.samples.items():
        totals = [c + p for c, p in samples]
        figures[name] = {
            "p50": statistics.median(totals), "p95": percentile(totals, 0.95),
            "count_p95": percentile([c for c, _ in samples], 0.95), "page_p95": percentile([p for _, p in samples], 0.95),
            "count_p50": statistics.median(c for c, _ in samples), "page_p50": statistics.median(p for _, p in samples),
            "total": scenario.sizes[name][0], "rows": scenario.sizes[name][1],
        }
    for name in ("listing", "request", "guardian"):
        figures[name]["like_p50_ratio"] = figures[name]["p50"] / figures["like"]["p50"]
        figures[name]["like_p95_ratio"] = figures[name]["p95"] / figures["like"]["p95"]
    return figures


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
    machine = {"start": _machine.report("start")}
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

    # like: the like-for-like yardstick — the listing's own query with the department ids and
    # the granted ids known beforehand, counted the way the listing counts (the tallies, for
    # staff). counted: the same query counted for real (COUNT(*)). column: departments (or
    # enterprises / the person) only, COUNT(*) — it misses the granted ids. ×: listing (or the
    # fresh request) over like, p50 and p95. Goal: ≤ 1.5 at 1,000,000 cases.
    results = []
    header = (f"{'who':17} {'listing':16} {'count':>9}  {'listing p50/p95':>15} {'(count':>6} {'page)':>6}  "
              f"{'request p50/p95':>15}  {'like p50/p95':>13}  {'list× 50/95':>11}  {'req× 50/95':>11}  "
              f"{'counted p50/p95':>15}  {'column p50/p95':>15}  {'guardian p50/p95':>17}  {'same':>4}")
    print(header + "\n" + "-" * len(header))
    for scenario in scenarios:
        figures = figures_of(scenario)
        listing, request, like, counted, column, guardian = (
            figures[n] for n in ("listing", "request", "like", "counted", "column", "guardian"))
        # Every variant but the column-only one (which misses the granted ids) must find
        # exactly what the listing finds.
        same = "yes" if len({figures[n]["total"] for n in ("listing", "request", "like", "counted", "guardian")}) == 1 else "NO"
        print(f"{scenario.who:17} {scenario.listing:16} {listing['total']:>9,}  "
              f"{listing['p50']:>6.2f} /{listing['p95']:>6.2f} {listing['count_p95']:>6.2f} {listing['page_p95']:>6.2f}  "
              f"{request['p50']:>6.2f} /{request['p95']:>6.2f}  {like['p50']:>5.2f} /{like['p95']:>6.2f}  "
              f"{listing['like_p50_ratio']:>5.2f} {listing['like_p95_ratio']:>5.2f}  "
              f"{request['like_p50_ratio']:>5.2f} {request['like_p95_ratio']:>5.2f}  "
              f"{counted['p50']:>6.2f} /{counted['p95']:>6.2f}  {column['p50']:>6.2f} /{column['p95']:>6.2f}  "
              f"{guardian['p50']:>7.2f} /{guardian['p95']:>7.2f}  {same:>4}")
        results.append({"who": scenario.who, "page": scenario.listing, **figures})
    # The database's share: the statements each variant sent, run again as they were sent.
    print(f"\ndatabase time of the same statements (all of a variant's queries, {args.runs} runs, interleaved)")
    sql_variants = ("listing", "like", "counted", "column")
    header = (f"{'who':17} {'listing':16} {'queries':>7}  {'listing sql p50/p95':>19}  {'like sql p50/p95':>16}  {'×p50':>5} "
              f"{'×p95':>5}  {'counted sql p50/p95':>19}  {'column sql p50/p95':>18}")
    print(header + "\n" + "-" * len(header))
    sql_results = []
    for scenario in scenarios:
        statements = {name: captured_statements(scenario.variants[name]) for name in sql_variants}
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
        (l50, l95), (k50, k95), (n50, n95), (c50, c95) = (figures[name] for name in sql_variants)
        print(f"{scenario.who:17} {scenario.listing:16} {len(statements['listing']):>7}  {l50:>8.2f} / {l95:>7.2f}  "
              f"{k50:>6.2f} / {k95:>6.2f}  {l50 / k50:>5.2f} {l95 / k95:>5.2f}  {n50:>8.2f} / {n95:>7.2f}  "
              f"{c50:>7.2f} / {c95:>7.2f}")
        sql_results.append({"who": scenario.who, "page": scenario.listing, "queries": len(statements["listing"]),
                            "sql": figures})
    print(f"worst listing sql p95: {max(r['sql']['listing'][1] for r in sql_results):.2f} ms; worst listing/like sql ratio "
          f"p50 {max(r['sql']['listing'][0] / r['sql']['like'][0] for r in sql_results):.2f}, "
          f"p95 {max(r['sql']['listing'][1] / r['sql']['like'][1] for r in sql_results):.2f}")

    missed = [(r, name) for r in results for name in ("listing", "request")
              if max(r[name]["like_p50_ratio"], r[name]["like_p95_ratio"]) > GOAL_RATIO]
    print(f"\nworst listing p95: {max(r['listing']['p95'] for r in results):.2f} ms; worst ratio to the like-for-like "
          f"yardstick: listing p50 {max(r['listing']['like_p50_ratio'] for r in results):.2f}, "
          f"p95 {max(r['listing']['like_p95_ratio'] for r in results):.2f}; fresh request "
          f"p50 {max(r['request']['like_p50_ratio'] for r in results):.2f}, "
          f"p95 {max(r['request']['like_p95_ratio'] for r in results):.2f} (goal ≤ {GOAL_RATIO})")
    for r, name in missed:
        print(f"  missed: {r['who']} · {r['page']} · {name}: ×{r[name]['like_p50_ratio']:.2f} p50, "
              f"×{r[name]['like_p95_ratio']:.2f} p95 ({r[name]['p50']:.2f} / {r[name]['p95']:.2f} ms against "
              f"{r['like']['p50']:.2f} / {r['like']['p95']:.2f} ms)")
    machine["end"] = _machine.report("end")

    if not args.no_explain:
        # The listings that miss the goal (with their yardstick), and guardian for the two
        # cases the issue names.
        missing = {(r["who"], r["page"]) for r, _name in missed}
        for scenario, result in zip(scenarios, results):
            names = ["listing", "like"] if (scenario.who, scenario.listing) in missing else []
            if (scenario.who, scenario.listing) in {("bench-clerk", "inbox all"), ("bench-applicant", "我的办件")}:
                names.append("guardian")
            for name in names:
                print(f"\n=== EXPLAIN ANALYZE: {scenario.who} · {scenario.listing} · {name} (p95 {result[name]['p95']:.1f} ms)")
                for sql, plan in explain(scenario.variants[name]):
                    sql = re.sub(r"'\{[0-9,]{60,}\}'", "'{…}'", sql)
                    plan = re.sub(r"'\{[0-9,]{60,}\}'", "'{…}'", plan)
                    print(f"-- {sql[:400]}{'…' if len(sql) > 400 else ''}\n{plan}\n")
    if args.json:
        Path(args.json).write_text(json.dumps({"cases": cases, "runs": args.runs, "warmup": args.warmup, "machine": machine,
                                               "results": results, "sql": sql_results}, indent=1, ensure_ascii=False))

if __name__ == "__main__":
    main()
