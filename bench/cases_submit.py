"""Submit benchmark: applications per second on PostgreSQL, each with three small materials.

    .venv/bin/python bench/cases_generate.py                # once: the data (see there)
    .venv/bin/python bench/cases_submit.py [--workers 1,2,4] [--per-worker 100] [--warmup 5]
    .venv/bin/python bench/cases_submit.py --profile 30     # cProfile of 30 submissions, one process
    .venv/bin/python bench/cases_submit.py --statements     # the SQL of one submission, by call site

One submission is what an applicant does online: ``applications.start`` (a draft for a live
guide, for the user's enterprise), ``uploads.add`` three times (a small PDF, 5–8 KB, for
each of the guide's three requirements) and ``workflow.perform(case, "submit", user)`` — all in
one transaction (``submission.submit_application``), or each in its own with ``--separate``. Each
worker is a process of its own (fork; Django is CPU-bound, threads would share one core)
acting as its own enterprise members (qy00000 … from the generator) on random guides; the
workers start together and run their submissions back to back. Throughput is submissions
over the wall time of the slowest worker; latency is per submission.

Two modes, both on the bench database (DATABASE_URL, default yiwang_bench):
- ``as-is``: the development settings, tasks on django-tasks' ImmediateBackend — so the text
  extraction of each material (pypdf) and the receipt email run inline, right after their
  transaction commits, inside the request. (Email goes to Django's dummy backend: rendered,
  not printed.)
- ``deferred``: the same with TASKS on django-tasks' DummyBackend — the extraction and the
  email are only enqueued, as with a worker queue (REDIS_URL) in production. After the
  timed run the workers hand what they queued to the parent, and the parent alone — ONE
  process, as one worker would, whatever the number of submitting processes — drains it
  (the tasks, and the index syncs they queue in turn), timed: the worker's share of a
  submission in worker seconds, and how many submissions per second one worker keeps up with.
Every submission adds a case to the bench database (a few thousand per run beside 1,000,000).
"""

import argparse
import multiprocessing
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.development")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/yiwang_bench")
os.environ.setdefault("YIWANG_VAR_DIR", "/tmp/yiwang-casebench")
os.environ.setdefault("DEBUG", "0")  # no query log: time what production runs

import django  # noqa: E402

django.setup()

from bench import _machine  # noqa: E402

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from casefiles.handling import applications, workflow
from casefiles.directory.models import Enterprise  # noqa: E402
from casefiles.materials import submission, uploads

MODES = {
    "as-is": {},
    "deferred": {"TASKS": {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}},
}
QUIET_EMAIL = {"EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend"}
USERS_PER_WORKER = 200
SEPARATE = False  # --separate


def small_pdfs() -> list[tuple[str, bytes]]:
    """Three one-page PDFs with Chinese text, as an applicant scans or prints them."""
    import weasyprint

    texts = [
        ("申请书.pdf", "食品经营许可申请书。申请人：珠海海湾餐饮管理有限公司。经营场所：珠海市香洲区情侣中路88号。"),
        ("营业执照.pdf", "营业执照（副本）。统一社会信用代码：91440400MA55L8QJ2X。法定代表人：林晓燕。"),
        ("补充材料.pdf", "食品安全管理制度：进货查验、从业人员健康管理、餐具清洗消毒、食品留样。"),
    ]
    return [(name, weasyprint.HTML(string=f"<p>{text * 3}</p>").write_pdf()) for name, text in texts]


def guides():
    from cms.models import ServiceItemPage

    found = []
    # As the apply view reads the guide: with its department.
    for item in ServiceItemPage.objects.live().filter(online_depth__gte=4).select_related("department").order_by("pk"):
        requirements = list(item.material_requirements.order_by("sort_order"))
        if len(requirements) >= 3:
            found.append((item, requirements[:3]))
    if not found:
        raise SystemExit("no live guides with three requirements: run bench/cases_generate.py first")
    return found


def applicants(worker: int):
    """(user, enterprise) pairs that belong to this worker alone."""
    from django.contrib.auth.models import User

    names = [f"qy{n:05d}" for n in range(worker * USERS_PER_WORKER, (worker + 1) * USERS_PER_WORKER)]
    users = {u.username: u for u in User.objects.filter(username__in=names)}
    pairs = []
    for name in names:
        user = users.get(name)
        enterprise = Enterprise.objects.filter(members_group__user=user).first() if user else None
        if enterprise is not None:
            pairs.append((user, enterprise))
    return pairs


def submit_one(user, enterprise, item, requirements, pdfs) -> str:
    applicant = applications.resolve_applicant(user, f"enterprise:{enterprise.pk}")  # as the apply form does
    files = [(requirement, SimpleUploadedFile(name, content, content_type="application/pdf"))
             for requirement, (name, content) in zip(requirements, pdfs)]
    if SEPARATE:  # as the pages take them: each part a transaction of its own
        case = applications.start(user, item, applicant)
        for requirement, upload in files:
            uploads.add(case, requirement, upload, user)
        workflow.perform(case, "submit", user)
    else:  # the whole in one transaction
        case = submission.submit_application(user, item, applicant, files)
    return case.number


def worker(index, mode, count, warmup, seed, pdfs, barrier, results):
    connections.close_all()  # never share the parent's connection after fork
    overrides = override_settings(**QUIET_EMAIL, **MODES[mode])
    overrides.enable()
    rng = random.Random(seed + index)
    items = guides()
    people = applicants(index)
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    for _ in range(warmup):
        user, enterprise = rng.choice(people)
        item, requirements = rng.choice(items)
        submit_one(user_model.objects.get(pk=user.pk), enterprise, item, requirements, pdfs)
    queue = queued_tasks()
    barrier.wait()
    latencies = []
    started = time.perf_counter()
    for _ in range(count):
        user, enterprise = rng.choice(people)
        item, requirements = rng.choice(items)
        user = user_model.objects.get(pk=user.pk)  # a fresh request: no permission cache
        t = time.perf_counter()
        submit_one(user, enterprise, item, requirements, pdfs)
        latencies.append((time.perf_counter() - t) * 1000)
    elapsed = time.perf_counter() - started
    # Handed over, not run here: the drain is timed in one process (the parent), never in
    # several at once (on two CPUs they would share the cores, and the submitters too).
    results.put((index, elapsed, latencies, handed_over(queue) if queue is not None else None))
    connections.close_all()


def queued_tasks():
    """The deferred mode's queue (django-tasks' DummyBackend), emptied of the warm-up's tasks."""
    from django_tasks import default_task_backend

    if not hasattr(default_task_backend, "results"):
        return None
    default_task_backend.clear()
    return default_task_backend


def handed_over(queue) -> list[tuple[str, list, dict]]:
    """The queued tasks as (module path, args, kwargs): what a queue would hold (django-tasks'
    arguments are JSON already), for another process to run."""
    pending = [(result.task.module_path, list(result.args), dict(result.kwargs)) for result in queue.results]
    queue.clear()
    return pending


def drain(mode, pending) -> dict:
    """What one worker process does with the queue: run the tasks handed over (and those they
    queue in turn, the index syncs), one after the other in this process, timed. Returns the
    seconds spent, the tasks run by task name, and the wall time of the whole drain."""
    from django.utils.module_loading import import_string

    connections.close_all()  # a connection of its own, opened after the workers' forks
    spent, done = {}, {}
    with override_settings(**QUIET_EMAIL, **MODES[mode]):
        queue = queued_tasks()
        work = list(pending)
        started = time.perf_counter()
        while work:
            path, args, kwargs = work.pop(0)
            task = import_string(path)
            t = time.perf_counter()
            task.call(*args, **kwargs)
            spent[path] = spent.get(path, 0.0) + time.perf_counter() - t
            done[path] = done.get(path, 0) + 1
            work.extend(handed_over(queue))  # queued by the task just run: the worker's too
        wall = time.perf_counter() - started
    return {"seconds": spent, "tasks": done, "wall_s": wall}


def run(mode, workers, count, warmup, seed, pdfs):
    context = multiprocessing.get_context("fork")
    connections.close_all()
    barrier, results = context.Barrier(workers), context.Queue()
    processes = [context.Process(target=worker, args=(i, mode, count, warmup, seed, pdfs, barrier, results))
                 for i in range(workers)]
    for process in processes:
        process.start()
    collected = [results.get() for _ in processes]
    for process in processes:
        process.join()
    wall = max(elapsed for _, elapsed, _, _ in collected)
    latencies = sorted(ms for _, _, values, _ in collected for ms in values)
    queued, drain_wall = {}, None
    if any(pending is not None for *_, pending in collected):
        drained = drain(mode, [task for *_, pending in collected for task in (pending or [])])
        queued, drain_wall = drained["seconds"], drained["wall_s"]
    return {
        "mode": mode, "workers": workers, "submissions": len(latencies), "wall_s": wall,
        "per_second": len(latencies) / wall, "p50_ms": statistics.median(latencies),
        "p95_ms": latencies[min(len(latencies) - 1, round(0.95 * (len(latencies) - 1)))],
        # The queue's work per submission, by task, in ms (deferred mode).
        "queued_ms": {name: seconds * 1000 / len(latencies) for name, seconds in queued.items()},
        # The drain's wall time in one process, per submission, in seconds (deferred mode).
        "worker_s_per_submission": drain_wall / len(latencies) if drain_wall is not None else None,
    }


def profile(count, mode, pdfs, sort="cumulative", lines=40):
    import cProfile
    import pstats

    from django.db import reset_queries

    overrides = override_settings(**QUIET_EMAIL, **MODES[mode], DEBUG=True)
    overrides.enable()
    rng = random.Random(1)
    items, people = guides(), applicants(0)
    submit_one(*people[0], *items[0], pdfs)  # warm
    reset_queries()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(count):
        user, enterprise = rng.choice(people)
        item, requirements = rng.choice(items)
        submit_one(type(user).objects.get(pk=user.pk), enterprise, item, requirements, pdfs)
    profiler.disable()
    print(f"{len(connection.queries) / count:.1f} queries per submission ({mode})")
    pstats.Stats(profiler).sort_stats(sort).print_stats(lines)


def _call_site(stack) -> str:
    """The innermost frame of the project's own code (casefiles, cms, search) in ``stack``."""
    for frame in reversed(stack):
        relative = Path(frame.filename).resolve()
        if relative.is_relative_to(ROOT) and relative.relative_to(ROOT).parts[0] in {"casefiles", "cms", "search"}:
            return f"{relative.relative_to(ROOT)}:{frame.lineno} {frame.name}"
    return "(outside the project)"


def statements(mode, pdfs):
    """The statements of one submission, in order, each with where in the project it was run
    from (the innermost casefiles / cms / search frame), then grouped by that call site."""
    import re
    import traceback

    overrides = override_settings(**QUIET_EMAIL, **MODES[mode])
    overrides.enable()
    items, people = guides(), applicants(0)
    submit_one(*people[0], *items[0], pdfs)  # warm: what a long-running process keeps
    user, enterprise = people[1]
    item, requirements = items[1 % len(items)]
    user = type(user).objects.get(pk=user.pk)  # a fresh request: no permission cache
    executed = []

    def wrapper(execute, sql, params, many, context):
        executed.append((_call_site(traceback.extract_stack()[:-1]), sql))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        submit_one(user, enterprise, item, requirements, pdfs)
    print(f"{len(executed)} statements in one submission ({mode}):")
    for number, (site, sql) in enumerate(executed, 1):
        text = re.sub(r"\s+", " ", sql)[:160]
        print(f"{number:3}. {site}\n     {text}")
    print("by call site:")
    sites = {}
    for site, _sql in executed:
        sites[site] = sites.get(site, 0) + 1
    for site, count in sorted(sites.items(), key=lambda pair: -pair[1]):
        print(f"{count:4}  {site}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--per-worker", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--modes", default="as-is,deferred")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--profile", type=int, metavar="N", help="profile N submissions in one process instead")
    parser.add_argument("--statements", action="store_true",
                        help="print the SQL statements of one submission by call site instead")
    parser.add_argument("--sort", default="cumulative", help="the profile's order: cumulative, tottime …")
    parser.add_argument("--lines", type=int, default=40, help="the profile's lines printed")
    parser.add_argument("--separate", action="store_true",
                        help="start, upload and submit in a transaction each (as the pages do), not in one")
    args = parser.parse_args()
    global SEPARATE
    SEPARATE = args.separate
    if connection.vendor != "postgresql":
        raise SystemExit("run it on the PostgreSQL bench database (bench/cases_generate.py)")
    _machine.report("start")
    pdfs = small_pdfs()
    print(f"materials: {', '.join(f'{name} {len(content):,} B' for name, content in pdfs)}", flush=True)
    if args.statements:
        for mode in args.modes.split(","):
            statements(mode, pdfs)
        return
    if args.profile:
        for mode in args.modes.split(","):
            profile(args.profile, mode, pdfs, args.sort, args.lines)
        _machine.report("end")
        return
    rows = []
    for mode in args.modes.split(","):
        for workers in [int(w) for w in args.workers.split(",")]:
            row = run(mode, workers, args.per_worker, args.warmup, args.seed, pdfs)
            rows.append(row)
            print(f"{mode:9} {workers} worker(s): {row['submissions']} submissions in {row['wall_s']:.1f} s = "
                  f"{row['per_second']:.1f}/s; per submission p50 {row['p50_ms']:.0f} ms, p95 {row['p95_ms']:.0f} ms",
                  flush=True)
            if row["worker_s_per_submission"] is not None:
                per = row["worker_s_per_submission"]
                tasks = ", ".join(f"{name.rsplit('.', 1)[-1]} {ms:.0f} ms" for name, ms in sorted(row["queued_ms"].items()))
                print(f"{'':9} then the queue, drained in one process: {per:.3f} worker seconds per submission "
                      f"({tasks}); one worker keeps up with {1 / per:.1f} submissions/s", flush=True)
    _machine.report("end")


if __name__ == "__main__":
    main()
