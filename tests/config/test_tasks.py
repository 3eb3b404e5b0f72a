"""Background work: through the real RQ worker as documented, in-process while the broker is away,
retried and then kept as failed when a job raises."""

import logging
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django_tasks import task, task_backends
from django_tasks_rq.backend import RQBackend

from casefiles.handling import applications
from casefiles.materials import uploads
from casefiles.materials.models import Material
from config.outage import Outage
from tests.casefiles.conftest import world  # noqa: F401  (the case-file tests' small world)
from tests.casefiles.materials.test_uploads import DOCX
from tests.conftest import point_redis_services_at

BASE_DIR = Path(__file__).resolve().parents[2]
# The one command docs/operations.md and the README give for the worker.
WORKER_COMMAND = ["manage.py", "rqworker", "default", "--with-scheduler"]


@task()
def always_fails() -> None:
    raise RuntimeError("the mail server said no")


@pytest.fixture
def draft(world):
    return applications.start(world.applicant, world.item, world.enterprise)


def upload_docx(world, case):
    return uploads.add(case, world.requirements[0], SimpleUploadedFile("承诺书.docx", DOCX), world.applicant)


# --- Redis away: the work is done here, after the commit ------------------------------------

def test_with_the_broker_down_deferred_work_runs_in_the_process_after_commit(
        world, draft, redis_down, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        material = upload_docx(world, draft)
    material.refresh_from_db()
    assert "法定代表人承诺书" in material.extracted_text
    assert task_backends["default"].degraded


def test_work_enqueued_in_a_transaction_that_rolls_back_is_not_done(world, draft, redis_down,
                                                                      django_capture_on_commit_callbacks):
    material = upload_docx(world, draft)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            uploads.extract_material_text.enqueue(material.pk)
            transaction.set_rollback(True)
    assert callbacks == []
    material.refresh_from_db()
    assert material.extracted_text == ""


def test_the_broker_is_left_alone_for_a_while_after_a_failure(db, redis_down, monkeypatch):
    backend = task_backends["default"]
    backend.outage = Outage(backend.outage.name, 5, clock=lambda: 1000.0)  # time stands still
    tries = []
    enqueue = RQBackend.enqueue

    def counted(self, *args):
        tries.append(1)
        return enqueue(self, *args)

    monkeypatch.setattr(RQBackend, "enqueue", counted)
    for _ in range(5):
        always_fails.enqueue()
    assert len(tries) == 1


# --- failed jobs: logged, retried a bounded number of times, then kept ----------------------

def test_a_failing_job_is_retried_then_kept_as_failed_and_logged(db, settings, real_redis, caplog):
    import django_rq
    from django_rq.workers import get_worker

    point_redis_services_at(settings, real_redis, names=("RQ_QUEUES", "RQ", "TASKS"))
    settings.YIWANG_TASK_RETRIES = {"MAX": 2, "PAUSES": [0]}
    result = always_fails.enqueue()
    queue = django_rq.get_queue("default")
    job = queue.fetch_job(result.id)
    assert job.retries_left == 2

    worker = get_worker("default", worker_class="rq.worker.SimpleWorker")
    with caplog.at_level(logging.ERROR, logger="rq.worker"):
        worker.work(burst=True)
    job = queue.fetch_job(result.id)
    assert job.get_status() == "failed" and job.retries_left == 0
    assert queue.failed_job_registry.count == 1
    assert len([r for r in caplog.records if "the mail server said no" in r.getMessage()]) == 3  # 1 + 2 retries


def test_every_job_gets_the_configured_retries(db, settings, real_redis):
    import django_rq

    point_redis_services_at(settings, real_redis, names=("RQ_QUEUES", "RQ", "TASKS"))
    job = django_rq.get_queue("default").fetch_job(always_fails.enqueue().id)
    assert job.retries_left == settings.YIWANG_TASK_RETRIES["MAX"]
    assert job.retry_intervals == settings.YIWANG_TASK_RETRIES["PAUSES"]


# --- the documented worker, for real ---------------------------------------------------------

def database_url() -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"] or "") + (":" + quote(db["PASSWORD"]) if db.get("PASSWORD") else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker(settings, real_redis, tmp_path):
    """The worker started exactly as docs/operations.md says, on the test database and a real Redis."""
    if connection.vendor != "postgresql":
        pytest.skip("the worker is another process: it needs a database server (the PostgreSQL run has it)")
    point_redis_services_at(settings, real_redis, names=("RQ_QUEUES", "RQ", "TASKS"))
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.development",  # manage.py's own default
        "DATABASE_URL": database_url(),
        "REDIS_URL": real_redis,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    with open(log, "wb") as output:
        process = subprocess.Popen([sys.executable, *WORKER_COMMAND], cwd=BASE_DIR, env=env,
                                   stdout=output, stderr=subprocess.STDOUT)
    process.log = log
    yield process
    process.terminate()  # RQ's warm shut-down
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_for(condition, worker, seconds=180):
    """Poll until ``condition()`` holds; bounded, and failing with the worker's log."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        if worker.poll() is not None:
            pytest.fail(f"the worker exited with {worker.returncode}:\n{worker.log.read_text()[-4000:]}")
        time.sleep(0.5)
    pytest.fail(f"nothing happened within {seconds} s; the worker said:\n{worker.log.read_text()[-4000:]}")


@pytest.mark.worker
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_documented_worker_runs_a_deferred_job(world, worker):
    case = applications.start(world.applicant, world.item, world.enterprise)
    material = upload_docx(world, case)  # committed: text extraction is enqueued to Redis
    assert not task_backends["default"].degraded  # Redis took the job; this process did not run it

    def extracted():
        return "法定代表人承诺书" in Material.objects.get(pk=material.pk).extracted_text

    wait_for(extracted, worker)
    assert "Job OK" in worker.log.read_text()
