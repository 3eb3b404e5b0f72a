"""电子监察 on 1,000,000 cases: the staff home page's figures and the tick's alert pass.

    .venv/bin/python bench/cases_generate.py            # once: the data (see there)
    .venv/bin/python bench/supervision_bench.py [--runs 30] [--changes 10000] [--rounds 5] [--json F]

Runs on the bench database (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/yiwang_bench).

1. **Dashboard** — for ``bench-supervisor`` (every department) and ``bench-lead`` (负责人 of
   the market regulator, 175,000 cases), interleaved run by run:
   (a) ``supervision.dashboard.figures(user)`` as the home page asks for it, the user read
   afresh (tab counts from the tallies, the running cases by light, my cases, the ten turning
   red soonest); (b) the plain-SQL yardstick of the same figures: ``COUNT(*) … GROUP BY
   status`` over the cases, ``COUNT(*) … GROUP BY`` a light ``CASE`` over the running ones,
   the handler's count, and the ten by the date they turn red — four statements on the
   department's ids known beforehand. p50, p95 and a/b.
2. **Alert pass** — the running cases get their lights recorded once (a first sweep, untimed),
   then each round moves ``--changes`` running cases' due dates so that their light changes
   (from green or yellow to red, and back, alternately), and times ``alerts.sweep`` (every running case's light against
   the one recorded) and ``alerts.send_alerts`` (the messages of those changes to the handlers,
   the department's leads and the supervisors) apart, with the round's count of changes and
   messages, then a sweep with nothing changed. The yardstick is one plain statement that
   counts the running cases whose red-or-not condition differs from the light recorded (what
   finding the changes costs bare, before writing anything).

Each round's changes are undone by the next (the dates are moved back), and the rows the pass
writes (lights, changes, messages) stay in the bench database; run it on an idle machine and
quote the load average it prints.
"""

import argparse
import json
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.development")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/yiwang_bench")
os.environ.setdefault("YIWANG_VAR_DIR", "/tmp/yiwang-casebench")
os.environ.setdefault("DEBUG", "0")

import django  # noqa: E402

django.setup()

from bench import _machine  # noqa: E402

from django.test.utils import override_settings  # noqa: E402

# The pass's emails are enqueued, not sent: a worker's job (django-tasks' DummyBackend keeps them).
override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}).enable()

from django.contrib.auth.models import User  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from casefiles.access import permissions  # noqa: E402
from casefiles.cases import states  # noqa: E402
from casefiles.deadlines import working_days  # noqa: E402
from casefiles.notifications.models import Message  # noqa: E402
from casefiles.supervision import alerts, clocks, dashboard  # noqa: E402
from casefiles.supervision.models import CaseLight, LightChange  # noqa: E402

RUNNING = tuple(str(s) for s in states.CLOCK_RUNNING)
ACCEPTING = tuple(str(s) for s in clocks.ACCEPTANCE_STATUSES)


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def ms(seconds):
    return round(seconds * 1000, 2)


def yardstick(user, today):
    """The dashboard's figures in four plain statements (the user's departments known before)."""
    departments = None if permissions.sees_everything(user) else permissions.department_ids(user)
    where = "" if departments is None else "AND department_id = ANY(%s)"
    args = [] if departments is None else [departments]
    cutoff = working_days.get_calendar().add_working_days(today, working_days.warning_window(None) + 1)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT status, count(*) FROM casefiles_casefile WHERE status <> 'draft' {where} GROUP BY status", args)
        cursor.fetchall()
        cursor.execute(f"""
            SELECT CASE WHEN status = ANY(%s) AND acceptance_due < %s THEN 'red'
                        WHEN NOT status = ANY(%s) AND statutory_due < %s THEN 'red'
                        WHEN coalesce(promised_due, statutory_due, acceptance_due) < %s THEN 'yellow'
                        ELSE 'green' END, count(*)
            FROM casefiles_casefile WHERE status = ANY(%s) {where} GROUP BY 1""",
                       [list(ACCEPTING), today, list(ACCEPTING), today, cutoff, list(RUNNING), *args])
        cursor.fetchall()
        cursor.execute("SELECT count(DISTINCT case_id) FROM casefiles_assignment WHERE handler_id = %s AND until IS NULL",
                       [user.pk])
        cursor.fetchall()
        cursor.execute(f"""
            SELECT number, CASE WHEN status = ANY(%s) THEN acceptance_due ELSE statutory_due END AS red_on
            FROM casefiles_casefile WHERE status = ANY(%s) {where}
              AND CASE WHEN status = ANY(%s) THEN acceptance_due ELSE statutory_due END >= %s
            ORDER BY red_on, id LIMIT 10""", [list(ACCEPTING), list(RUNNING), *args, list(ACCEPTING), today])
        cursor.fetchall()


def bench_dashboard(runs):
    today = timezone.localdate()
    results = {}
    for username in ("bench-supervisor", "bench-lead"):
        a, b = [], []
        for run in range(runs + 3):
            user = User.objects.get(username=username)
            started = time.perf_counter()
            figures = dashboard.figures(user, today)
            took_a = time.perf_counter() - started
            user = User.objects.get(username=username)
            permissions.sees_everything(user), permissions.department_ids(user)  # known beforehand
            started = time.perf_counter()
            yardstick(user, today)
            took_b = time.perf_counter() - started
            if run >= 3:  # warm-up
                a.append(took_a)
                b.append(took_b)
        results[username] = {
            "figures_p50_ms": ms(statistics.median(a)), "figures_p95_ms": ms(pct(a, 0.95)),
            "sql_p50_ms": ms(statistics.median(b)), "sql_p95_ms": ms(pct(b, 0.95)),
            "ratio_p50": round(statistics.median(a) / statistics.median(b), 2),
            "lights": figures.lights, "tabs": {t.tab.key: t.count for t in figures.tabs},
        }
        print(f"dashboard {username}: figures p50 {results[username]['figures_p50_ms']} ms "
              f"p95 {results[username]['figures_p95_ms']} ms; plain SQL p50 {results[username]['sql_p50_ms']} ms "
              f"p95 {results[username]['sql_p95_ms']} ms; a/b {results[username]['ratio_p50']}; lights {figures.lights}")
    return results


def move(ids, days):
    """Shift the due dates of ``ids`` by ``days`` (negative: into the past, so they turn red)."""
    with connection.cursor() as cursor:
        cursor.execute("""UPDATE casefiles_casefile SET promised_due = promised_due + %s, statutory_due = statutory_due + %s,
                          acceptance_due = acceptance_due + %s WHERE id = ANY(%s)""", [days, days, days, ids])


def bare_pass(today):
    """The yardstick: one statement reading every running case's light condition against the recorded one."""
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT count(*) FROM casefiles_casefile c LEFT JOIN casefiles_caselight l ON l.case_id = c.id
            WHERE c.status = ANY(%s) AND coalesce(l.light, 'green') <>
              CASE WHEN (c.status = ANY(%s) AND c.acceptance_due < %s) OR (NOT c.status = ANY(%s) AND c.statutory_due < %s)
                   THEN 'red' ELSE coalesce(l.light, 'green') END""",
                       [list(RUNNING), list(ACCEPTING), today, list(ACCEPTING), today])
        return cursor.fetchone()[0]


def bench_alerts(changes, rounds):
    today = timezone.localdate()
    now = timezone.now()
    started = time.perf_counter()
    first = alerts.sweep(today, now)
    alerts.send_alerts(now)
    print(f"first sweep: {first} change(s) recorded over the running cases ({time.perf_counter() - started:.1f} s, untimed)")
    # Running cases not red: moved 400 days back they turn red, then forth again to the light they had.
    with connection.cursor() as cursor:
        cursor.execute("""SELECT c.id FROM casefiles_casefile c LEFT JOIN casefiles_caselight l ON l.case_id = c.id
                          WHERE coalesce(l.light, 'green') <> 'red' AND c.status = ANY(%s)
                          ORDER BY c.id LIMIT %s""", [list(RUNNING), changes])
        ids = [row[0] for row in cursor.fetchall()]
    print(f"{len(ids)} running cases not red to move ({CaseLight.objects.count()} lights recorded, "
          f"{len(states.CLOCK_RUNNING)} running states)")
    rows = []
    for round_ in range(rounds):
        days = -400 if round_ % 2 == 0 else 400
        move(ids, days)
        messages_before = Message.objects.count()
        started = time.perf_counter()
        bare = bare_pass(today)
        took_bare = time.perf_counter() - started
        now = timezone.now()
        started = time.perf_counter()
        changed = alerts.sweep(today, now)
        took_sweep = time.perf_counter() - started
        started = time.perf_counter()
        sent = alerts.send_alerts(now)
        took_send = time.perf_counter() - started
        messages = Message.objects.count() - messages_before
        started = time.perf_counter()
        again = alerts.sweep(today, timezone.now())
        took_again = time.perf_counter() - started
        rows.append({"round": round_ + 1, "to": "red" if days < 0 else "back", "bare_ms": ms(took_bare),
                     "bare_found": bare, "changes": changed, "sweep_ms": ms(took_sweep), "alerted": sent,
                     "messages": messages, "send_ms": ms(took_send), "idle_sweep_ms": ms(took_again),
                     "idle_changes": again})
        print(f"round {round_ + 1} → {rows[-1]['to']}: bare pass {rows[-1]['bare_ms']} ms ({bare} found); "
              f"sweep {rows[-1]['sweep_ms']} ms ({changed} changes); send_alerts {rows[-1]['send_ms']} ms "
              f"({sent} alerted, {messages} messages); sweep again {rows[-1]['idle_sweep_ms']} ms ({again} changes)")
    if rounds % 2:
        move(ids, 400)  # leave the dates as they were
        alerts.sweep(today, timezone.now())
    summary = {key: ms(statistics.median([r[key] for r in rows]) / 1000) for key in ("sweep_ms", "send_ms", "bare_ms",
                                                                                   "idle_sweep_ms")}
    print(f"medians over {rounds} rounds: sweep {summary['sweep_ms']} ms, send_alerts {summary['send_ms']} ms, "
          f"bare pass {summary['bare_ms']} ms, idle sweep {summary['idle_sweep_ms']} ms; "
          f"sweep/bare {summary['sweep_ms'] / max(summary['bare_ms'], 0.01):.1f}")
    return {"rounds": rows, "medians": summary, "light_changes_total": LightChange.objects.count()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--changes", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--skip-alerts", action="store_true")
    parser.add_argument("--json")
    args = parser.parse_args()
    assert connection.vendor == "postgresql", "the bench database is PostgreSQL"
    out = {"machine": _machine.report("start")}
    out["load"] = out["machine"]["load"]
    out["dashboard"] = bench_dashboard(args.runs)
    if not args.skip_alerts:
        out["alerts"] = bench_alerts(args.changes, args.rounds)
    out["machine_after"] = _machine.report("end")
    out["load_after"] = out["machine_after"]["load"]
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=2, default=str))


if __name__ == "__main__":
    main()
