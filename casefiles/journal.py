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
from django.db.models import F
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


def record(case, action, actor=None, *, from_state="", to_state="", comment="", data=None, on_behalf_of=None) -> CaseEvent:
    """Append one event to ``case``'s journal. Call inside the transaction that made the change.

    An actor who acts as an authorised agent (帮办代办) is recorded with the applicant's user
    they act for, whatever step they take (``casefiles.agents.principal``).
    """
    if on_behalf_of is None and actor is not None and actor.is_authenticated:
        from .agents import principal

        on_behalf_of = principal(actor, case)
    head = CaseFile.objects.select_for_update().values("journal_head", "journal_length").get(pk=case.pk)
    event = CaseEvent(
        case_id=case.pk,
        sequence=head["journal_length"] + 1,
        actor=actor if actor is not None and actor.is_authenticated else None,
        on_behalf_of=on_behalf_of,
        action=action,
        from_state=from_state,
        to_state=to_state,
        comment=comment,
        data=data or {},
        created_at=timezone.now(),
        prev_hash=head["journal_head"],
    )
    event.hash = seal(event, case.number)
    event.save()
    CaseFile.objects.filter(pk=case.pk).update(journal_head=event.hash, journal_length=F("journal_length") + 1)
    case.journal_head, case.journal_length = event.hash, event.sequence
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
