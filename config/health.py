"""What /healthz reports: each part the site depends on, and whether it is ok, degraded or down.

The checks are django-health-check's (database, cache, file storage) and Yiwang's own in its
plugin shape (search backend, task queue). The public answer is a status per part and
nothing more; why a part failed goes to the log (django-health-check logs every failure with
its exception), never to whoever asks. The site serves while its database does: any other
part failing makes the whole "degraded", the database failing makes it "down".
"""

import asyncio
import dataclasses

import django_rq

from asgiref.sync import async_to_sync, sync_to_async
from django.core.cache import caches
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks_rq.backend import RQBackend
from health_check import Cache, Database, HealthCheck, Storage
from health_check.exceptions import ServiceUnavailable, ServiceWarning
from redis.exceptions import RedisError

from search.backends import get_backend


class _InRequestThread:
    """Runs a synchronous check in the request's own thread and database connection, as
    everything else in the request does, not in a pool thread of its own."""

    async def run(self):
        await sync_to_async(super().run)()


@dataclasses.dataclass
class DatabaseCheck(_InRequestThread, Database):
    pass


@dataclasses.dataclass
class StorageCheck(_InRequestThread, Storage):
    pass


@dataclasses.dataclass
class CacheCheck(Cache):
    """The cache answers; degraded while it answers from each process's memory because Redis
    is away (config/cache.py)."""

    async def run(self):
        await super().run()
        if getattr(caches[self.alias], "degraded", False):
            raise ServiceWarning("the shared cache is unreachable: each process caches on its own")


@dataclasses.dataclass
class SearchCheck(_InRequestThread, HealthCheck):
    def run(self):
        try:
            get_backend().health()
        except Exception as error:
            raise ServiceUnavailable("the search backend does not answer") from error


@dataclasses.dataclass
class TaskQueueCheck(_InRequestThread, HealthCheck):
    """The broker answers, and how many jobs failed for good (RQ's failed job registry).

    In-process tasks (the embedded default) have no broker and keep no failed jobs."""

    failed: int | None = dataclasses.field(default=None, repr=False)

    def run(self):
        backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
        if not isinstance(backend, RQBackend):
            return
        try:
            self.failed = sum(django_rq.get_queue(name).failed_job_registry.count for name in sorted(backend.queues))
        except RedisError as error:
            raise ServiceUnavailable("the task broker does not answer") from error
        if self.failed:
            raise ServiceWarning(f"{self.failed} job(s) failed after their retries")


def checks() -> dict:
    return {
        "database": DatabaseCheck(),
        "cache": CacheCheck(),
        "storage": StorageCheck(),
        "search": SearchCheck(),
        "tasks": TaskQueueCheck(),
    }


def _status(result) -> str:
    if result.error is None:
        return "ok"
    return "degraded" if isinstance(result.error, ServiceWarning) else "down"


def report():
    """The public report, and whether the site can serve at all (it cannot without its database)."""
    parts = checks()

    async def run_all():
        return await asyncio.gather(*(check.get_result() for check in parts.values()))

    results = dict(zip(parts, async_to_sync(run_all)()))
    body = {name: {"status": _status(result)} for name, result in results.items()}
    body["search"]["backend"] = get_backend().name
    body["tasks"]["backend"] = type(task_backends[DEFAULT_TASK_BACKEND_ALIAS]).__name__
    if parts["tasks"].failed is not None:
        body["tasks"]["failed_jobs"] = parts["tasks"].failed
    serving = body["database"]["status"] == "ok"
    overall = "down" if not serving else ("ok" if all(p["status"] == "ok" for p in body.values()) else "degraded")
    return serving, {"status": overall, **body}
