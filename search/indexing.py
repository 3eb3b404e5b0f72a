"""The index follows the data: every change to a record reaches the index after its commit.

Signals (``search.signals``) name the records that changed; ``schedule`` collects their keys
until the transaction commits, then enqueues one ``sync_records`` task (django-tasks: in
process by default, an RQ worker when ``REDIS_URL`` is set). The task recomputes each
document from the database — so it is idempotent, and a late or repeated run is harmless —
and writes it to every index: the database index always (it is also the fallback when
Elasticsearch is down), Elasticsearch when configured.

A failed index write never touches the record: the change is already committed. The key is
noted in ``PendingWrite`` and replayed after the next successful write to that index, or by
``search_index check --repair``.
"""

import logging
from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django_tasks import task

from search import documents as registry
from search.backends import database_backend, get_backend
from search.documents import document_key, split_key
from search.models import PendingWrite

logger = logging.getLogger(__name__)

REPLAY_BATCH = 50


def targets() -> dict:
    """Every index a write must reach, by name."""
    found = {"database": database_backend()}
    primary = get_backend()
    if primary.name != "database":
        found[primary.name] = primary
    return found


def _by_kind(keys: Iterable[str]) -> dict[str, list[str]]:
    """The object ids of ``keys``, by kind, in the keys' order."""
    found: dict[str, list[str]] = {}
    for key in keys:
        kind, object_id = split_key(key)
        found.setdefault(kind, []).append(object_id)
    return found


def current_documents(keys: Iterable[str]):
    """(documents to write, keys to delete): what the database says each key should be now."""
    with registry.computing():  # the kinds' shared look-ups, once
        return _current_documents(keys)


def _current_documents(keys):
    to_write, to_delete = [], []
    for kind, object_ids in _by_kind(keys).items():
        try:
            provider = registry.provider(kind)
        except LookupError:
            to_delete += [document_key(kind, object_id) for object_id in object_ids]
            continue
        try:
            records = provider.get_many(object_ids)  # a query per kind, not per key
        except (ValueError, TypeError, ValidationError):  # an id that is no id among them: each on its own
            records = {}
            for object_id in object_ids:
                try:
                    records[object_id] = provider.get(object_id)
                except (ValueError, TypeError, ValidationError):
                    continue  # no record can have it: its key leaves the index
        present = [object_id for object_id in object_ids if records.get(object_id) is not None]
        documents = dict(zip(present, provider.documents_of([records[object_id] for object_id in present])))
        for object_id in object_ids:
            document = documents.get(object_id)
            if document is None:
                to_delete.append(document_key(kind, object_id))
            else:
                to_write.append(document)
    return to_write, to_delete


def with_related(keys: Iterable[str]) -> set[str]:
    """``keys`` and the keys their providers name as following them (``Provider.related_keys``)."""
    keys = set(keys)
    for kind, object_ids in _by_kind(keys).items():
        try:
            provider = registry.provider(kind)
        except LookupError:
            continue
        keys |= provider.related_keys(object_ids)
    return keys


def sync(keys: Iterable[str], only: Iterable[str] | None = None) -> dict[str, bool]:
    """Bring ``keys`` (and the documents that follow them) up to date in every index (or
    those named in ``only``); returns success per index."""
    return _sync(keys, only)[0]


def _sync(keys, only=None) -> tuple[dict[str, bool], set[str]]:
    """``sync``, and the indexes that had writes noted pending when it began (one query: most
    syncs find none, and then have none to forget or replay)."""
    keys = sorted(with_related(keys))
    if not keys:
        return {}, set()
    chosen = {name: backend for name, backend in targets().items() if only is None or name in only}
    pending = _pending_targets(chosen)
    try:
        to_write, to_delete = current_documents(keys)
    except Exception as error:  # a provider bug must not lose the change: note it for every index
        logger.exception("search: could not compute documents for %s", keys[:5])
        for name in chosen:
            _note_pending(keys, name, error)
        return {name: False for name in chosen}, pending
    outcome = {}
    for name, backend in chosen.items():
        try:
            if to_write:
                backend.write(to_write)
            if to_delete:
                backend.delete(to_delete)
        except Exception as error:  # the index is a copy: keep the record, remember the key
            logger.warning("search: writing %d keys to the %s index failed: %s", len(keys), name, error)
            _note_pending(keys, name, error)
            outcome[name] = False
            continue
        outcome[name] = True
        if name in pending:
            _forget_pending(keys, name)
    return outcome, pending


def _pending_targets(chosen) -> set[str]:
    try:
        return set(PendingWrite.objects.filter(target__in=list(chosen)).values_list("target", flat=True).distinct())
    except DatabaseError:
        logger.exception("search: could not read the pending index writes")
        return set(chosen)  # as before: forget and look again after the write


def _note_pending(keys, target, error) -> None:
    message = f"{type(error).__name__}: {error}"[:1000]
    try:
        with transaction.atomic():
            for key in keys:
                pending, created = PendingWrite.objects.get_or_create(
                    key=key, target=target, defaults={"last_error": message}
                )
                if not created:
                    pending.attempts += 1
                    pending.last_error = message
                    pending.save(update_fields=["attempts", "last_error", "updated_at"])
    except DatabaseError:
        # The database itself is failing; ``search_index check`` will find the drift.
        logger.exception("search: could not even note %d pending index writes", len(keys))


def _forget_pending(keys, target) -> None:
    try:
        PendingWrite.objects.filter(key__in=keys, target=target).delete()
    except DatabaseError:
        logger.exception("search: could not clear pending index writes")


def replay_pending(target: str | None = None, limit: int | None = None) -> int:
    """Retry noted writes; returns how many keys now went through."""
    pending = PendingWrite.objects.all()
    if target:
        pending = pending.filter(target=target)
    done = 0
    by_target: dict[str, list[str]] = {}
    for key, name in pending.values_list("key", "target")[:limit]:
        by_target.setdefault(name, []).append(key)
    for name, keys in by_target.items():
        for start in range(0, len(keys), 500):
            batch = keys[start : start + 500]
            if sync(batch, only=[name]).get(name):
                done += len(batch)
    return done


def sync_now(keys: Iterable[str]) -> None:
    """The task's body: write, then retry a few earlier failures while the indexes answer."""
    outcome, pending = _sync(keys)
    succeeded = [name for name, ok in outcome.items() if ok and name in pending]
    if succeeded and PendingWrite.objects.filter(target__in=succeeded).exists():
        for name in succeeded:
            replay_pending(name, limit=REPLAY_BATCH)


# --- Collecting changes until commit -----------------------------------------------------


class _AfterCommit:
    """Enqueues, once the transaction commits, every key collected on the connection.

    The keys wait in one set per connection; a callback is registered per savepoint level
    (Django drops a savepoint's callbacks when it rolls back), and the first to run takes
    them all. Keys of a rolled-back savepoint may thus be synced too: harmless, since a sync
    recomputes each document from what the database now holds; those of a transaction rolled
    back as a whole are dropped by the next ``schedule`` (no callback waits for them).
    """

    __qualname__ = "search.indexing.after_commit"

    def __init__(self):
        self.spent = False

    def __call__(self):
        self.spent = True
        keys = getattr(connection, "search_pending_keys", None)
        if keys:
            connection.search_pending_keys = set()
            enqueue(keys)


def schedule(keys: Iterable[str]) -> None:
    keys = set(keys)
    if not keys or not getattr(settings, "YIWANG_SEARCH", {}).get("AUTO_INDEX", True):
        return
    if not connection.in_atomic_block:
        enqueue(keys)
        return
    waiting = [(registered_in, callback) for registered_in, callback, _robust in connection.run_on_commit
               if isinstance(callback, _AfterCommit) and not callback.spent]
    if not waiting or not hasattr(connection, "search_pending_keys"):
        # No callback waits for them: the keys still on the connection are a rolled-back
        # transaction's (a commit takes them all), for records as they were before it.
        connection.search_pending_keys = set()
    connection.search_pending_keys.update(keys)
    savepoints = set(connection.savepoint_ids)
    if not any(registered_in == savepoints for registered_in, _callback in waiting):
        transaction.on_commit(_AfterCommit(), robust=True)


def schedule_records(records) -> None:
    keys = set()
    for record in records:
        for provider in registry.providers_for_model(type(record)):
            keys.add(document_key(provider.kind, provider.object_id(record)))
    schedule(keys)


# Keys held by ``one_sync`` until it ends; None outside one.
_held: ContextVar[set | None] = ContextVar("search_held_keys", default=None)


@contextmanager
def one_sync():
    """The syncs asked for after a commit inside this block go in one, when it ends: the
    transaction's own keys and those of the work its commit runs in this process (django-tasks'
    ImmediateBackend: the text extraction schedules the files it read) — one sync of the case
    and its files instead of one for the case and one for the files. A rollback holds nothing
    (its keys never leave the connection); whatever was held is enqueued even if the block
    raises after its commit."""
    if _held.get() is not None:
        yield
        return
    held: set[str] = set()
    token = _held.set(held)
    try:
        yield
    finally:
        _held.reset(token)
        if held:
            enqueue(held)


def enqueue(keys) -> None:
    held = _held.get()
    if held is not None and not connection.in_atomic_block:  # after the commit, inside ``one_sync``
        held.update(keys)
        return
    keys = sorted(keys)
    try:
        sync_records.enqueue(keys)
    except Exception as error:  # the broker is down: the keys wait in the database instead
        logger.warning("search: could not enqueue index updates: %s", error)
        for name in ("database", *(n for n in targets() if n != "database")):
            _note_pending(keys, name, error)


# The deferred work (django-tasks: in process by default, on the RQ worker at scale).

@task()
def sync_records(keys: list[str]) -> int:
    """Recompute the documents of ``keys`` and write them to every index."""
    sync_now(keys)
    return len(keys)


@task()
def replay_pending_writes() -> int:
    """Retry index writes that failed earlier (for a periodic scheduler, or by hand)."""
    return replay_pending()
