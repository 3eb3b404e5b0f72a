"""The transaction a change and its journal events are written in.

``one_transaction`` holds several operations that stand or fall together (start, upload and
submit of ``materials.submission.submit_application``); the operations inside it open no
savepoint of their own (``atomic``), the journal follows the heads it wrote in it
(``kept_in_transaction``) instead of asking the row again, and what was written outside the
database for a row of it (an uploaded file in storage) is taken back if it rolls back
(``on_rollback``)."""

import logging
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction

logger = logging.getLogger(__name__)

# Inside ``one_transaction`` a failure anywhere rolls everything back, so the steps, drafts and
# uploads taken in it need no savepoint of their own (two statements each saved).
_one_transaction: ContextVar[dict | None] = ContextVar("one_transaction", default=None)


@contextmanager
def one_transaction():
    """One transaction for several operations (``submission.submit_application``: start, upload,
    submit) that stand or fall together: whatever waits for the commit (``transaction.on_commit``:
    the tasks, the index) runs only if all of it commits. A refusal anywhere inside leaves
    nothing of any of them — nor the files they stored (``on_rollback``)."""
    undo = []
    try:
        with transaction.atomic():
            token = _one_transaction.set({"savepoints": _savepoints(), "undo": undo})
            try:
                yield
            finally:
                _one_transaction.reset(token)
    except BaseException:
        for step in reversed(undo):  # the rows are gone: so are the files written for them
            try:
                step()
            except Exception:  # the refusal is what the caller must hear; a file left over is logged
                logger.exception("Could not take back what a rolled-back transaction wrote outside the database")
        raise


def _savepoints() -> int:
    return sum(1 for sid in transaction.get_connection().savepoint_ids if sid is not None)


def in_one_transaction() -> bool:
    """Inside ``one_transaction``, and in no savepoint opened in it (which could roll back a part alone)."""
    kept = _one_transaction.get()
    return kept is not None and transaction.get_connection().in_atomic_block and _savepoints() == kept["savepoints"]


def kept_in_transaction(name: str) -> dict | None:
    """A dict that lives as long as the current ``one_transaction`` (the journal's heads), None outside one."""
    kept = _one_transaction.get()
    return None if kept is None else kept.setdefault(name, {})


def on_rollback(undo) -> bool:
    """Inside ``one_transaction``: ``undo()`` is called if it rolls back — a file written to storage
    for a row of it (``uploads.add``), which the database's rollback cannot take back. Outside one,
    nothing is kept (False): the caller's own failure handling is all there is."""
    kept = _one_transaction.get()
    if kept is None:
        return False
    kept["undo"].append(undo)
    return True


def atomic():
    """``transaction.atomic()`` for an operation of its own — a savepoint when nested — and
    inside ``one_transaction`` a part of that transaction, without a savepoint."""
    return transaction.atomic(savepoint=not in_one_transaction())
