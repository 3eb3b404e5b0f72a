"""What /healthz reports: each part the site depends on, and whether it answers."""

import time

from django.db import connection
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends

from search.backends import get_backend


def _timed(check):
    started = time.perf_counter()
    try:
        detail = check()
        ok = True
    except Exception as error:  # a health check reports failures, it does not raise them
        detail = {"error": f"{type(error).__name__}: {error}"[:300]}
        ok = False
    return {"ok": ok, "ms": round((time.perf_counter() - started) * 1000, 1), **detail}


def database():
    def check():
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return {"vendor": connection.vendor}

    return _timed(check)


def search():
    backend = get_backend()
    return {"backend": backend.name, **_timed(backend.health)}


def tasks():
    backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]

    def check():
        ping = getattr(backend, "_get_queues", None)
        if ping is not None:  # RQ: the broker must answer
            for queue in ping():
                queue.connection.ping()
        return {}

    return {"backend": type(backend).__name__, **_timed(check)}


def report():
    """The whole report, and whether the site can serve at all (it cannot without its database)."""
    parts = {"database": database(), "search": search(), "tasks": tasks()}
    serving = parts["database"]["ok"]
    status = "ok" if all(part["ok"] for part in parts.values()) else ("degraded" if serving else "down")
    return serving, {"status": status, **parts}


