"""The transaction a change and its journal events are written in.

``one_transaction`` holds several operations that stand or fall together (start, upload and
submit of ``materials.submission.submit_application``); the operations inside it open no
savepoint of their own (``atomic``), and the journal follows the heads it wrote in it
(``kept_in_transaction``) instead of asking the row again."""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction

# Inside ``one_transaction`` a failure anywhere rolls everything back, so the steps, drafts and
# uploads taken in it need no savepoint of their own (two statements each saved).
_one_transaction: ContextVar[dict | None] = ContextVar("one_transaction", default=None)


@contextmanager
def one_transaction():
    """One transaction for several operations (``submission.submit_application``: start, upload,
    submit) that stand or fall together: whatever waits for the commit (``transaction.on_commit``:
    the tasks, the index) runs only if all of it commits. A refusal anywhere inside leaves
    nothing of any of them."""
    with transaction.atomic():
        token = _one_transaction.set({"savepoints": _savepoints()})
        try:
            yield
        finally:
            _one_transaction.reset(token)


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


def atomic():
    """``transaction.atomic()`` for an operation of its own — a savepoint when nested — and
    inside ``one_transaction`` a part of that transaction, without a savepoint."""
    return transaction.atomic(savepoint=not in_one_transaction())
