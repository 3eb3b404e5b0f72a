"""Background work through RQ (django-tasks-rq), done in this process when the broker is away.

Callers enqueue after their transaction commits (text extraction, the state-change email,
index updates). If Redis does not take the job, the work must neither be lost nor fail the
request: ``DegradingRQBackend`` then runs the task here, as the embedded default
(ImmediateBackend) always does, after the current transaction commits. Chosen over a
database outbox flushed by the periodic tick because the work happens at once (an
applicant's receipt carries the code for the progress look-up), needs no table of its own,
and takes the very path the whole test suite runs on; the price — a request waits for the
work while Redis is down — is paid only during an outage. After a failure the broker is left
alone for ``RETRY_AFTER`` seconds (config/outage.py), so no enqueue waits on a dead socket.

Jobs that fail in the worker are logged by RQ with their traceback, retried with growing
pauses (``RetryingQueue``; the pauses need the worker's scheduler: ``--with-scheduler``),
and then kept in RQ's failed job registry, which /healthz counts.
"""

from django.conf import settings
from django.db import transaction
from django_rq.queues import DjangoRQ
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks.base import TaskResult, TaskResultStatus
from django_tasks.utils import get_random_id
from django_tasks_rq.backend import RQBackend
from redis.exceptions import RedisError
from rq.job import Retry

from config.outage import Outage


class DegradingRQBackend(RQBackend):
    def __init__(self, alias: str, params: dict) -> None:
        super().__init__(alias, params)
        self.outage = Outage("Redis (the task broker)", self.options.get("RETRY_AFTER", 5))
        self._here = ImmediateBackend(alias, params)

    @property
    def degraded(self) -> bool:
        """True while tasks run in this process because the broker did not answer."""
        return self.outage.down

    def enqueue(self, task, args, kwargs):
        if self.outage.should_try():
            try:
                result = super().enqueue(task, args, kwargs)
            except RedisError as error:
                self.outage.failed(error)
            else:
                self.outage.answered()
                return result
        return self._run_here(task, args, kwargs)

    def _run_here(self, task, args, kwargs):
        # Outside a transaction on_commit runs at once; inside one, after it commits, so the
        # task reads what the caller wrote (and nothing when the caller rolls back).
        done = []
        transaction.on_commit(lambda: done.append(self._here.enqueue(task, args, kwargs)), robust=True)
        if done:
            return done[0]
        return _waiting(task, args, kwargs, self.alias)


def _waiting(task, args, kwargs, alias):
    """The result of a task that will run when the transaction commits."""
    return TaskResult(
        task=task, id=get_random_id(), status=TaskResultStatus.READY, enqueued_at=None, started_at=None,
        last_attempted_at=None, finished_at=None, args=args, kwargs=kwargs, backend=alias, errors=[], worker_ids=[],
    )


class RetryingQueue(DjangoRQ):
    """RQ's queue, giving every job a bounded number of retries with growing pauses.

    Every Yiwang task can run again safely: extraction and index updates recompute from the
    database, and an email sent twice is better than none."""

    def create_job(self, *args, retry=None, **kwargs):
        if retry is None:
            policy = settings.YIWANG_TASK_RETRIES
            retry = Retry(max=policy["MAX"], interval=policy["PAUSES"])
        return super().create_job(*args, retry=retry, **kwargs)
