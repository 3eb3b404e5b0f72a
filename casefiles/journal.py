"""The case journal (日志): append-only, and tamper-evident.

Each event carries an HMAC-SHA256 over its own content and the previous event's hash, with
a key only the server holds (``YIWANG_JOURNAL_KEY``); the case keeps the head hash and the
length. Editing, removing or reordering any event — or truncating the end of a journal —
breaks the chain, and ``manage.py audit verify`` says which case and which event. The
table is also guarded by triggers that refuse UPDATE and DELETE.
"""

import datetime
import hashlib
import hmac
import json
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.transaction import TransactionManagementError
from django.dispatch import Signal
from django.utils import timezone

from .models import CaseEvent, CaseFile


def _key() -> bytes:
    configured = getattr(settings, "YIWANG_JOURNAL_KEY", None)
    secret = configured or f"yiwang-journal:{settings.SECRET_KEY}"
    return hashlib.sha256(secret.encode()).digest()


def canonical(event: CaseEvent, case_number: str) -> bytes:
    fields = {
        "case": case_number,
        "sequence": event.sequence,
        "actor": event.actor_id,
        "on_behalf_of": event.on_behalf_of_id,
        "action": event.action,
        "from": event.from_state,
        "to": event.to_state,
        "comment": event.comment,
        "data": event.data,
        "time": event.created_at.astimezone(datetime.timezone.utc).isoformat(),
    }
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode()


def seal(event: CaseEvent, case_number: str) -> str:
    return hmac.new(_key(), event.prev_hash.encode() + b"\n" + canonical(event, case_number), hashlib.sha256).hexdigest()


# Sent with each event once it is written (inside the transaction): bulk insertion sends no
# post_save. casefiles.indexing reindexes the case after the commit.
recorded = Signal()


def record(case, action, actor=None, *, from_state="", to_state="", comment="", data=None, on_behalf_of=None) -> CaseEvent:
    """Append one event to ``case``'s journal. Call inside the transaction that made the change.

    An actor who acts as an authorised agent (帮办代办) is recorded with the applicant's user
    they act for, whatever step they take (``casefiles.agents.principal``).

    Three statements, every step of every case passes here: one locks the case row, counts
    the event in and returns the head it follows; one inserts the event; one moves the head.
    """
    if not connection.in_atomic_block:  # the event and the change it records commit together, or neither
        raise TransactionManagementError("journal.record must run inside the transaction that made the change")
    if on_behalf_of is None and actor is not None and actor.is_authenticated:
        from .agents import principal

        on_behalf_of = principal(actor, case)
    table = connection.ops.quote_name(CaseFile._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET journal_length = journal_length + 1 WHERE id = %s RETURNING journal_head, journal_length",
            [case.pk],
        )
        prev_hash, sequence = cursor.fetchone()
        event = CaseEvent(
            case_id=case.pk,
            sequence=sequence,
            actor=actor if actor is not None and actor.is_authenticated else None,
            on_behalf_of=on_behalf_of,
            action=action,
            from_state=from_state,
            to_state=to_state,
            comment=comment,
            data=data or {},
            created_at=timezone.now(),
            prev_hash=prev_hash,
        )
        event.hash = seal(event, case.number)
        CaseEvent.objects.bulk_create([event])
        cursor.execute(f"UPDATE {table} SET journal_head = %s WHERE id = %s", [event.hash, case.pk])
    case.journal_head, case.journal_length = event.hash, event.sequence
    recorded.send(CaseEvent, event=event)
    return event


@dataclass(frozen=True)
class Problem:
    case_number: str
    sequence: int | None
    message: str


def verify(cases=None) -> list[Problem]:
    """Every break in every journal (or in ``cases``): altered, removed, reordered, truncated."""
    problems: list[Problem] = []
    queryset = CaseFile.objects.all() if cases is None else cases
    for case in queryset.only("pk", "number", "journal_head", "journal_length").iterator(chunk_size=500):
        previous, expected_sequence = "", 1
        for event in CaseEvent.objects.filter(case_id=case.pk).order_by("sequence").iterator(chunk_size=500):
            if event.sequence != expected_sequence:
                problems.append(Problem(case.number, expected_sequence, "event missing"))
                expected_sequence = event.sequence
            if event.prev_hash != previous:
                problems.append(Problem(case.number, event.sequence, "chain broken: previous event changed or removed"))
            if not hmac.compare_digest(event.hash, seal(event, case.number)):
                problems.append(Problem(case.number, event.sequence, "event altered"))
            previous = event.hash
            expected_sequence += 1
        if expected_sequence - 1 != case.journal_length or previous != case.journal_head:
            problems.append(Problem(case.number, None, "journal truncated or head altered"))
    return problems
