"""惠企政策 on 20,000 enterprises × 2,000 policies: the daily pass's matching and the calculator's page.

    .venv/bin/python bench/policies_generate.py          # once: the data (see there)
    .venv/bin/python bench/policies_bench.py [--runs 7] [--sql-runs N] [--enterprises 20] [--json F]
    # PostgreSQL: both with DATABASE_URL=postgres://postgres@127.0.0.1:5432/policybench

Works on the generator's database (SQLite in /tmp/yiwang-policybench unless DATABASE_URL says
otherwise) and judges on the generator's day (2026-06-15).

(a) **The daily pass** — what ``benefits.find`` does before it writes anything: every policy
    read with its conditions (``calculator.with_conditions``), ``matching.referenced``, the
    ``matching.Matcher`` built (the registry, the declarations, the valid licenses and concluded
    cases the conditions name, the qualifications), ``match(policy)`` for all 2,000 and the
    proven (policy, enterprise) pairs collected. The yardstick: one plain SQL statement that
    selects the same pairs — each condition joined to the enterprises that meet it from verified
    data (industry and region by the codes' prefixes, scale by equality, years and capital by
    range, licenses valid on the day, qualifications on record and in force, approved and
    concluded cases), grouped by policy and enterprise, kept where every kind of the policy is
    met. The two sets of pairs are compared and the check printed.
(b) **One enterprise against every policy in force** — ``calculator.for_enterprise`` (the
    enterprise's file, then every condition judged with its reason, ranked), for ``--enterprises``
    enterprises chosen at random (the same ones every run). Yardstick: the same statement for the
    one enterprise and the policies in force. The proven policies of each are compared.

Prints the machine's calibration and load average first and last (bench/_machine.py), and the
medians of ``--runs`` runs (after one warm-up), p95 and the ratios to the yardstick.
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.development")
os.environ.setdefault("YIWANG_VAR_DIR", "/tmp/yiwang-policybench")
os.environ.setdefault("DEBUG", "0")

import django  # noqa: E402

django.setup()

from bench import _machine  # noqa: E402

from django.db import connection  # noqa: E402

from casefiles.directory.models import Enterprise  # noqa: E402
from casefiles.policies import calculator, matching  # noqa: E402
from cms.models import PolicyPage  # noqa: E402

ON = date(2026, 6, 15)


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def ms(seconds):
    return round(seconds * 1000, 1)


# --- the yardstick --------------------------------------------------------------------------------

def _dialect():
    if connection.vendor == "postgresql":
        return {"year": "CAST(extract(year from e.established_on) AS integer)",
                "md": "to_char(e.established_on, 'MM-DD')", "ceil": "ceil(c.minimum)", "floor": "floor(c.maximum)"}
    return {"year": "CAST(substr(e.established_on, 1, 4) AS integer)", "md": "substr(e.established_on, 6, 5)",
            "ceil": "(CAST(c.minimum AS integer) + (c.minimum > CAST(c.minimum AS integer)))",
            "floor": "CAST(c.maximum AS integer)"}


def yardstick_sql(one_enterprise=False, in_force=False) -> str:
    """The proven pairs in plain SQL, with the rules of ``eligibility.judge`` for verified data."""
    d = _dialect()
    only = "AND e.id = %(enterprise)s" if one_enterprise else ""
    only_fk = "AND {col} = %(enterprise)s" if one_enterprise else ""
    policies = "cms_policypage"
    force = ("AND p.effective_date <= %(on)s AND (p.expiry_date IS NULL OR p.expiry_date >= %(on)s)" if in_force else "")
    years = f"(%(year)s - {d['year']} - CASE WHEN {d['md']} > %(md)s THEN 1 ELSE 0 END)"
    code = "COALESCE(NULLIF(e.industry_code, ''), NULLIF(e.industry, ''))"
    return f"""
WITH chosen AS (
    SELECT p.page_ptr_id AS id FROM {policies} p JOIN wagtailcore_page w ON w.id = p.page_ptr_id
    WHERE w.live {force}
),
conditions AS (
    SELECT c.* FROM cms_policycondition c JOIN chosen ON chosen.id = c.policy_id
),
industry_codes AS (
    SELECT e.id, substr({code}, 1, n.len) AS prefix
    FROM casefiles_enterprise e CROSS JOIN (SELECT 1 AS len UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5) n
    WHERE length({code}) >= n.len {only}
),
region_codes AS (
    SELECT e.id, substr(e.region_code, 1, n.len) AS prefix
    FROM casefiles_enterprise e CROSS JOIN (SELECT 2 AS len UNION ALL SELECT 4 UNION ALL SELECT 6) n
    WHERE length(e.region_code) >= n.len {only}
),
met AS (
    SELECT c.policy_id, c.kind, x.id AS enterprise_id
    FROM conditions c JOIN cms_industry i ON i.id = c.industry_id JOIN industry_codes x ON x.prefix = i.code
    WHERE c.kind = 'industry' AND c.checked_by <> 'person'
  UNION ALL
    SELECT c.policy_id, c.kind, e.id FROM conditions c JOIN casefiles_enterprise e ON e.scale = c.scale
    WHERE c.kind = 'scale' AND c.checked_by <> 'person' AND c.scale <> '' {only}
  UNION ALL
    SELECT c.policy_id, c.kind, x.id FROM conditions c JOIN region_codes x ON x.prefix =
        CASE WHEN substr(c.region_code, 3, 4) = '0000' THEN substr(c.region_code, 1, 2)
             WHEN substr(c.region_code, 5, 2) = '00' THEN substr(c.region_code, 1, 4) ELSE c.region_code END
    WHERE c.kind = 'region' AND c.checked_by <> 'person'
  UNION ALL
    SELECT c.policy_id, c.kind, e.id FROM conditions c JOIN casefiles_enterprise e
        ON e.established_on IS NOT NULL
       AND (c.minimum IS NULL OR {years} >= {d['ceil']}) AND (c.maximum IS NULL OR {years} <= {d['floor']})
    WHERE c.kind = 'years' AND c.checked_by <> 'person' {only}
  UNION ALL
    SELECT c.policy_id, c.kind, e.id FROM conditions c JOIN casefiles_enterprise e
        ON e.registered_capital IS NOT NULL
       AND (c.minimum IS NULL OR e.registered_capital >= c.minimum) AND (c.maximum IS NULL OR e.registered_capital <= c.maximum)
    WHERE c.kind = 'capital' AND c.checked_by <> 'person' {only}
  UNION ALL
    SELECT DISTINCT c.policy_id, c.kind, l.enterprise_id FROM conditions c JOIN casefiles_license l
        ON l.license_type_id = c.license_type_id AND l.status = 'valid' AND l.valid_from <= %(on)s
       AND (l.valid_until IS NULL OR l.valid_until >= %(on)s) AND l.enterprise_id IS NOT NULL
    WHERE c.kind = 'license' AND c.checked_by <> 'person' {only_fk.format(col="l.enterprise_id")}
  UNION ALL
    SELECT c.policy_id, c.kind, q.enterprise_id FROM conditions c JOIN casefiles_qualificationheld q
        ON q.qualification_id = c.qualification_id AND q.source = 'verified'
       AND (q.valid_until IS NULL OR q.valid_until >= %(on)s)
    WHERE c.kind = 'qualification' AND c.checked_by <> 'person' {only_fk.format(col="q.enterprise_id")}
  UNION ALL
    SELECT DISTINCT c.policy_id, c.kind, f.enterprise_id FROM conditions c JOIN casefiles_casefile f
        ON f.item_id = c.item_id AND f.status = 'concluded' AND f.enterprise_id IS NOT NULL
       JOIN casefiles_caseevent v ON v.case_id = f.id AND v.action = 'approve'
    WHERE c.kind = 'concluded' {only_fk.format(col="f.enterprise_id")}
),
kinds AS (SELECT policy_id, count(DISTINCT kind) AS n FROM conditions GROUP BY policy_id)
SELECT m.policy_id, m.enterprise_id FROM met m JOIN kinds k ON k.policy_id = m.policy_id
GROUP BY m.policy_id, m.enterprise_id HAVING count(DISTINCT m.kind) = max(k.n)
"""


def yardstick(sql, **params) -> set:
    params = {"on": ON, "year": ON.year, "md": ON.strftime("%m-%d"), **params}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return set(cursor.fetchall())


# --- (a) the daily pass -----------------------------------------------------------------------------

def daily_pass():
    """The pass's matching as ``benefits.find`` does it, every policy, timed in its parts."""
    started = time.perf_counter()
    policies = calculator.with_conditions(PolicyPage.objects.live().order_by("pk"))
    types, items = matching.referenced(policies)
    read = time.perf_counter()
    matcher = matching.Matcher(ON, license_types=types, items=items)
    built = time.perf_counter()
    pairs = set()
    for policy in policies:
        found = matcher.match(policy)
        pairs.update((policy.pk, enterprise_id) for enterprise_id in matcher.enterprise_ids(found.proven))
    done = time.perf_counter()
    return pairs, {"read": read - started, "build": built - read, "match": done - built, "total": done - started}


def bench_pass(runs, sql_runs):
    sql = yardstick_sql()
    daily_pass()  # warm-up: caches
    a, b, parts = [], [], []
    for _run in range(runs):
        pairs, took = daily_pass()
        a.append(took["total"])
        parts.append(took)
    for _run in range(sql_runs):
        started = time.perf_counter()
        expected = yardstick(sql)
        b.append(time.perf_counter() - started)
    same = pairs == expected
    result = {
        "pairs": len(pairs), "yardstick_pairs": len(expected), "same_pairs": same,
        "pass_p50_ms": ms(statistics.median(a)), "pass_p95_ms": ms(pct(a, 0.95)),
        "read_p50_ms": ms(statistics.median(p["read"] for p in parts)),
        "build_p50_ms": ms(statistics.median(p["build"] for p in parts)),
        "match_p50_ms": ms(statistics.median(p["match"] for p in parts)),
        "sql_p50_ms": ms(statistics.median(b)), "sql_p95_ms": ms(pct(b, 0.95)),
        "ratio_p50": round(statistics.median(a) / statistics.median(b), 2),
    }
    print(f"(a) daily pass ({runs} runs; yardstick {sql_runs}), {PolicyPage.objects.live().count()} policies × {Enterprise.objects.count()} enterprises: "
          f"p50 {result['pass_p50_ms']} ms (read policies {result['read_p50_ms']}, Matcher {result['build_p50_ms']}, "
          f"match all {result['match_p50_ms']}), p95 {result['pass_p95_ms']} ms; yardstick SQL p50 {result['sql_p50_ms']} ms "
          f"p95 {result['sql_p95_ms']} ms; a/b {result['ratio_p50']}")
    print(f"    proven pairs: matcher {len(pairs)}, yardstick {len(expected)}: "
          f"{'the same pairs' if same else 'DIFFERENT'}")
    if not same:
        print(f"    only the matcher: {sorted(pairs - expected)[:10]}; only the yardstick: {sorted(expected - pairs)[:10]}")
    return result


# --- (b) the calculator for one enterprise --------------------------------------------------------------

def bench_calculator(runs, count, seed):
    ids = list(Enterprise.objects.order_by("pk").values_list("pk", flat=True))
    chosen = random.Random(seed).sample(ids, count)
    sql = yardstick_sql(one_enterprise=True, in_force=True)
    a, b, same, proven = [], [], True, 0
    for run in range(runs + 1):
        for pk in chosen:
            enterprise = Enterprise.objects.get(pk=pk)  # as the page has it: the enterprise it acts for
            started = time.perf_counter()
            results = calculator.for_enterprise(enterprise, ON)
            took_a = time.perf_counter() - started
            started = time.perf_counter()
            expected = yardstick(sql, enterprise=pk)
            took_b = time.perf_counter() - started
            if run == 0:  # warm-up, and the check
                mine = {(r.policy.pk, pk) for r in results if r.proven}
                same = same and mine == expected
                proven += len(mine)
                continue
            a.append(took_a)
            b.append(took_b)
    result = {
        "enterprises": count, "policies_in_force": len(results), "proven_total": proven, "same_pairs": same,
        "calculator_p50_ms": ms(statistics.median(a)), "calculator_p95_ms": ms(pct(a, 0.95)),
        "sql_p50_ms": ms(statistics.median(b)), "sql_p95_ms": ms(pct(b, 0.95)),
        "ratio_p50": round(statistics.median(a) / statistics.median(b), 2),
    }
    print(f"(b) calculator, one enterprise against {len(results)} policies in force ({count} enterprises × {runs} runs): "
          f"p50 {result['calculator_p50_ms']} ms p95 {result['calculator_p95_ms']} ms; yardstick SQL p50 "
          f"{result['sql_p50_ms']} ms p95 {result['sql_p95_ms']} ms; a/b {result['ratio_p50']}")
    print(f"    proven policies of the {count} enterprises: {proven}; "
          f"{'the same as the yardstick' if same else 'DIFFERENT from the yardstick'}")
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--sql-runs", type=int, help="runs of the pass's yardstick (default: --runs)")
    parser.add_argument("--enterprises", type=int, default=20)
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--skip-pass", action="store_true")
    parser.add_argument("--skip-calculator", action="store_true")
    parser.add_argument("--json")
    args = parser.parse_args()
    machine = _machine.report("start")
    print(f"{connection.vendor} {connection.settings_dict['NAME']}")
    out = {"vendor": connection.vendor, "machine": machine, "load": machine["load"]}
    if not args.skip_pass:
        out["pass"] = bench_pass(args.runs, args.sql_runs or args.runs)
    if not args.skip_calculator:
        out["calculator"] = bench_calculator(args.runs, args.enterprises, args.seed)
    out["machine_after"] = _machine.report("end")
    out["load_after"] = out["machine_after"]["load"]
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=2, default=str))


if __name__ == "__main__":
    main()
