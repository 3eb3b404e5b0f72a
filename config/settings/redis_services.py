"""The settings of everything Yiwang keeps in Redis, from one URL (base.py; the tests point them elsewhere)."""


def services(url: str, *, timeout: int, retry_after: int) -> dict:
    """CACHES, RQ_QUEUES, RQ and TASKS for a Redis at ``url``.

    ``timeout``: seconds a call waits on Redis; ``retry_after``: seconds Redis is left alone
    after a failure (config/outage.py). With Redis away the cache degrades to each process's
    memory and tasks run in the process after commit (config/cache.py, config/tasks.py).
    """
    # The worker raises the read timeout above its blocking wait for jobs by itself.
    timeouts = f"socket_connect_timeout={timeout}&socket_timeout={timeout}"
    return {
        "CACHES": {
            "default": {
                "BACKEND": "config.cache.DegradingRedisCache",
                "LOCATION": url,
                "KEY_PREFIX": "yiwang",
                "OPTIONS": {"socket_connect_timeout": timeout, "socket_timeout": timeout, "RETRY_AFTER": retry_after},
            }
        },
        "RQ_QUEUES": {"default": {"URL": f"{url}{'&' if '?' in url else '?'}{timeouts}", "DEFAULT_TIMEOUT": 600}},
        # django-tasks-rq's job class (RQ's own fails every django-tasks job) and our retries,
        # for `manage.py rqworker default --with-scheduler` as docs/operations.md says.
        "RQ": {"JOB_CLASS": "django_tasks_rq.Job", "QUEUE_CLASS": "config.tasks.RetryingQueue"},
        "TASKS": {
            "default": {"BACKEND": "config.tasks.DegradingRQBackend", "QUEUES": ["default"],
                        "OPTIONS": {"RETRY_AFTER": retry_after}}
        },
    }
