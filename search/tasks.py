"""Background work of the search app (django-tasks: in process by default, RQ at scale)."""

from django_tasks import task

from search import indexing


@task()
def sync_records(keys: list[str]) -> int:
    """Recompute the documents of ``keys`` and write them to every index."""
    indexing.sync_now(keys)
    return len(keys)


@task()
def replay_pending_writes() -> int:
    """Retry index writes that failed earlier (for a periodic scheduler, or by hand)."""
    return indexing.replay_pending()
