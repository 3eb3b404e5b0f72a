"""Journals (日志): append-only and tamper-evident — each case's, and each license's.

Each event carries an HMAC-SHA256 over its own content and the previous event's hash, with a
journal key only the server holds (``YIWANG_JOURNAL_KEY``: a secret of its own, not derived
from SECRET_KEY); the owner — the case, the license — keeps the head hash, the length, and a
seal over both. Editing, removing or reordering any event — or truncating the end of a
journal — breaks the chain, and ``manage.py audit verify`` says which journal and which
event. The tables are also guarded by triggers that refuse UPDATE and DELETE.

Rotation (docs/operations.md). The keyring is the current key, which seals, and the retired
keys (newest first), which still verify what they sealed: each event names its key
(``key_id``). A retired key that leaked must not let anyone extend a journal:

- every head must be sealed by the current key. An event appended with another key either
  leaves the head where it was (the journal no longer ends where its head says) or moves it,
  and a head moved needs a seal only the current key makes — which also catches a journal cut
  short by someone who got past the triggers and moved its head back;
- along a journal keys only get newer: an event sealed by an older key than an event before
  it is refused. ``manage.py audit checkpoint``, run once right after a rotation, checks every
  journal whose head the old key sealed and appends a checkpoint event (``rekey``) sealed by
  the new key: from then on an old key's event fails in every journal, for good.

Events written before keys had ids (``key_id`` blank) were sealed with a key derived from
SECRET_KEY: they verify with that key, for verification only — pinned once as
``YIWANG_JOURNAL_LEGACY_KEY`` (``manage.py audit legacy-key``), or until then derived from
SECRET_KEY and SECRET_KEY_FALLBACKS — and never after an event sealed by a keyed key.
"""

import datetime
import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import signals
from django.db.models.sql import InsertQuery
from django.db.transaction import TransactionManagementError
from django.dispatch import Signal
from django.utils import timezone

from casefiles.journal import transactions
from casefiles.journal.models import CaseEvent

# --- the keyring -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Key:
    id: str  # short, public, and says nothing of the secret
    secret: bytes = field(repr=False)

    @classmethod
    def from_secret(cls, secret: bytes) -> "Key":
        return cls(hmac.new(secret, b"yiwang journal key id", hashlib.sha256).hexdigest()[:8], secret)

    @classmethod
    def from_setting(cls, text: str) -> "Key":
        return cls.from_secret(hashlib.sha256(text.encode()).digest())

    def mac(self, message: bytes) -> str:
        return hmac.new(self.secret, message, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Keyring:
    current: Key
    retired: tuple[Key, ...]  # newest first
    legacy: tuple[Key, ...]  # what may have sealed the events without a key id
    legacy_pinned: bool

    def key(self, key_id: str) -> Key | None:
        return next((key for key in (self.current, *self.retired) if key.id == key_id), None)

    def age(self, key_id: str) -> int:
        """0 for the current key, 1 for the newest retired one …; events without an id are oldest."""
        ids = [key.id for key in (self.current, *self.retired)]
        return ids.index(key_id) if key_id in ids else len(ids)


def legacy_candidates() -> list[Key]:
    """The keys the journal had before it had keys of its own: one per configured SECRET_KEY."""
    return [Key.from_setting(f"yiwang-journal:{secret}") for secret in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]]


def keyring() -> Keyring:
    configured = getattr(settings, "YIWANG_JOURNAL_KEY", None)
    if not configured:
        raise ImproperlyConfigured("YIWANG_JOURNAL_KEY is not set: journals can be neither sealed nor verified (docs/operations.md)")
    pinned = getattr(settings, "YIWANG_JOURNAL_LEGACY_KEY", None)
    if pinned:
        try:
            legacy = (Key.from_secret(bytes.fromhex(pinned)),)
        except ValueError:
            raise ImproperlyConfigured("YIWANG_JOURNAL_LEGACY_KEY is 64 hexadecimal digits (manage.py audit legacy-key)") from None
    else:
        legacy = tuple(legacy_candidates())
    retired = tuple(Key.from_setting(text) for text in getattr(settings, "YIWANG_JOURNAL_RETIRED_KEYS", ()))
    return Keyring(Key.from_setting(configured), retired, legacy, bool(pinned))


# --- what a journal is -------------------------------------------------------------------------


@dataclass(frozen=True)
class Journal:
    name: str  # "case", "license": how the canonical form and the problems name the owner
    event: type  # the model of its events (an AppendOnly)
    owner_field: str  # the event's foreign key to its owner
    label: str  # the owner's field that names it: its number, its identifier
    content: Callable[[object], dict]  # an event's own fields, as sealed
    checkpoint: Callable[[object, "Key"], dict]  # the fields of a checkpoint event on the owner
    legacy: bool = False  # may hold events sealed before keys had ids

    @property
    def owner(self) -> type:
        """The model keeping journal_head, journal_length and journal_seal: the events' owner."""
        return self.event._meta.get_field(self.owner_field).related_model


# Every journal, by name, in the order registered: the case journal here, the license journal by
# casefiles.licenses (whose events it owns). ``audit verify`` checks them all.
_journals: dict[str, Journal] = {}


def register(journal: Journal) -> Journal:
    _journals[journal.name] = journal
    return journal


def journals() -> list[Journal]:
    return list(_journals.values())


def named(name: str) -> Journal:
    return _journals[name]


CHECKPOINT = "rekey"  # the action of a checkpoint event (audit checkpoint)


def _case_event_content(event) -> dict:
    return {
        "actor": event.actor_id,
        "on_behalf_of": event.on_behalf_of_id,
        "action": event.action,
        "from": event.from_state,
        "to": event.to_state,
        "comment": event.comment,
        "data": event.data,
    }


CASES = register(Journal(
    "case", CaseEvent, "case", "number", _case_event_content,
    lambda case, key: {"action": CHECKPOINT, "from_state": case.status, "to_state": case.status, "data": {"journal_key": key.id}},
    legacy=True,
))


def canonical(journal: Journal, event, label: str) -> bytes:
    fields = {
        journal.name: label,
        "sequence": event.sequence,
        **journal.content(event),
        "time": event.created_at.astimezone(datetime.timezone.utc).isoformat(),
    }
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode()


def seal(journal: Journal, event, label: str, key: Key) -> str:
    return key.mac(event.prev_hash.encode() + b"\n" + canonical(journal, event, label))


def head_seal(journal: Journal, label: str, length: int, head: str, key: Key) -> str:
    # "head\n…" can never be an event's message, which starts with a hash (or nothing) and "\n{".
    return key.mac(f"head\n{journal.name}\n{label}\n{length}\n{head}".encode())


def _heads_in_transaction() -> tuple[dict | None, bool]:
    """The heads this transaction wrote, by (table, owner id), inside ``transactions.one_transaction``,
    and whether they may be followed: not within a savepoint, which could undo an event alone.
    There the next event on the same owner follows its head without asking the row again (one
    statement instead of two)."""
    return transactions.kept_in_transaction("journal_heads"), transactions.in_one_transaction()


def started(journal: Journal, owner) -> None:
    """``owner`` was created in the current ``transactions.one_transaction``, its journal empty:
    nobody else can have written to it, so its first event needs not ask its row either."""
    known, followed = _heads_in_transaction()
    if known is not None and followed and owner.journal_length == 0 and not owner.journal_head:
        known[connection.ops.quote_name(journal.owner._meta.db_table), owner.pk] = ("", 0)


def _insert_moving_the_head(journal: Journal, event, table: str, owner_pk, sealed: str) -> None:
    """Insert ``event`` and move its owner's head to it in one statement (PostgreSQL: a data-modifying
    WITH). Model.save's signals are sent as it sends them: the event is saved as any model is."""
    model = journal.event
    signals.pre_save.send(sender=model, instance=event, raw=False, using=connection.alias, update_fields=None)
    fields = [f for f in model._meta.local_concrete_fields if not f.generated and f is not model._meta.auto_field]
    query = InsertQuery(model)
    query.insert_values(fields, [event])
    compiler = query.get_compiler(connection=connection)
    compiler.returning_fields = [model._meta.pk]
    [(insert_sql, insert_params)] = compiler.as_sql()
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH inserted AS ({insert_sql}) UPDATE {table} SET journal_length = %s, journal_head = %s, "
            f"journal_seal = %s WHERE id = %s RETURNING (SELECT {connection.ops.quote_name(model._meta.pk.column)} FROM inserted)",
            [*insert_params, event.sequence, event.hash, sealed, owner_pk],
        )
        (event.pk,) = cursor.fetchone()
    event._state.adding, event._state.db = False, connection.alias
    signals.post_save.send(sender=model, instance=event, created=True, update_fields=None, raw=False, using=connection.alias)


def append(journal: Journal, owner, **fields):
    """Append one event to ``owner``'s journal, inside the transaction that made the change.

    Two statements on PostgreSQL: one counts the event in and returns the head it follows (and
    locks the owner's row), one inserts the event and moves and seals the head (three elsewhere:
    the insert and the head apart); inside ``transactions.one_transaction``, which knows the heads
    it wrote (and those of the owners it created: ``started``), the next event on the same owner
    needs only the last.
    """
    if not connection.in_atomic_block:  # the event and the change it records commit together, or neither
        raise TransactionManagementError("a journal event must be written inside the transaction that made the change")
    key = keyring().current
    label = getattr(owner, journal.label)
    table = connection.ops.quote_name(journal.owner._meta.db_table)
    known, followed = _heads_in_transaction()
    with connection.cursor() as cursor:
        if followed and (table, owner.pk) in known:  # this transaction wrote the head and holds the row: it is still so
            prev_hash, sequence = known[table, owner.pk]
            sequence += 1
        else:
            cursor.execute(
                f"UPDATE {table} SET journal_length = journal_length + 1 WHERE id = %s RETURNING journal_head, journal_length",
                [owner.pk],
            )
            prev_hash, sequence = cursor.fetchone()
        event = journal.event(
            **{f"{journal.owner_field}_id": owner.pk}, sequence=sequence, created_at=timezone.now(),
            prev_hash=prev_hash, key_id=key.id, **fields,
        )
        event.hash = seal(journal, event, label, key)
        sealed = head_seal(journal, label, sequence, event.hash, key)
        if connection.vendor == "postgresql":
            _insert_moving_the_head(journal, event, table, owner.pk, sealed)
        else:
            event.save(force_insert=True)
            cursor.execute(f"UPDATE {table} SET journal_length = %s, journal_head = %s, journal_seal = %s WHERE id = %s",
                           [sequence, event.hash, sealed, owner.pk])
    if known is not None:
        if followed:
            known[table, owner.pk] = (event.hash, sequence)
        else:  # written in a savepoint: the next event asks the row
            known.pop((table, owner.pk), None)
    owner.journal_head, owner.journal_length, owner.journal_seal = event.hash, event.sequence, sealed
    return event


# --- the case journal ----------------------------------------------------------------------------

# Sent with each event once it is written (inside the transaction). casefiles.access.indexing
# reindexes the case after the commit.
recorded = Signal()

# Who an actor acts for on a case (帮办代办): (actor, case) -> the applicant's user, or None.
_principal_resolvers: list[Callable] = []


def resolves_principals(resolve: Callable) -> None:
    if resolve not in _principal_resolvers:
        _principal_resolvers.append(resolve)


def principals_resolved() -> bool:
    return bool(_principal_resolvers)


def record(case, action, actor=None, *, from_state="", to_state="", comment="", data=None, on_behalf_of=None) -> CaseEvent:
    """Append one event to ``case``'s journal. Call inside the transaction that made the change.

    An actor who acts as an authorised agent (帮办代办) is recorded with the applicant's user
    they act for, whatever step they take: the agents component tells who that is
    (``resolves_principals``, registered by ``casefiles.agents.hooks``).
    """
    if on_behalf_of is None and actor is not None and actor.is_authenticated:
        on_behalf_of = next((p for resolve in _principal_resolvers if (p := resolve(actor, case)) is not None), None)
    event = append(
        CASES, case, actor=actor if actor is not None and actor.is_authenticated else None, on_behalf_of=on_behalf_of,
        action=action, from_state=from_state, to_state=to_state, comment=comment, data=data or {},
    )
    recorded.send(CaseEvent, event=event)
    return event


# --- checking ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    journal: str  # "case" or "license"
    owner: str  # the case number, the license identifier
    sequence: int | None
    message: str


def _seal_problem(journal: Journal, ring: Keyring, event, label: str) -> str | None:
    if event.key_id:
        key = ring.key(event.key_id)
        if key is None:
            return f"sealed by key {event.key_id}, which is not in the keyring (YIWANG_JOURNAL_RETIRED_KEYS)"
        candidates = (key,)
    elif journal.legacy:
        candidates = ring.legacy
    else:
        return "sealed by no key"
    if any(hmac.compare_digest(event.hash, seal(journal, event, label, key)) for key in candidates):
        return None
    if not event.key_id and not ring.legacy_pinned:
        return ("event altered, or sealed before journal keys had ids under a SECRET_KEY no longer configured "
                "(set YIWANG_JOURNAL_LEGACY_KEY)")
    return "event altered"


RETIRED_HEAD = "head sealed with a retired key: run manage.py audit checkpoint (once, right after rotating the journal key)"


def problems_of(journal: Journal, owner, ring: Keyring | None = None, *, retired_head_ok=False) -> list[Problem]:
    """Every break in one journal; ``retired_head_ok``: a head sealed by a retired key is none."""
    ring = ring or keyring()
    label = getattr(owner, journal.label)
    problems: list[Problem] = []

    def problem(sequence, message):
        problems.append(Problem(journal.name, label, sequence, message))

    previous, expected_sequence, newest = "", 1, None
    events = journal.event.objects.filter(**{f"{journal.owner_field}_id": owner.pk}).order_by("sequence")
    for event in events.iterator(chunk_size=500):
        if event.sequence != expected_sequence:
            problem(expected_sequence, "event missing")
            expected_sequence = event.sequence
        if event.prev_hash != previous:
            problem(event.sequence, "chain broken: previous event changed or removed")
        if message := _seal_problem(journal, ring, event, label):
            problem(event.sequence, message)
        age = ring.age(event.key_id)
        if newest is not None and age > newest:
            problem(event.sequence, "sealed by an older key than an event before it (retired keys are listed newest first)")
        newest = age if newest is None else min(newest, age)
        previous = event.hash
        expected_sequence += 1
    if expected_sequence - 1 != owner.journal_length or previous != owner.journal_head:
        problem(None, "journal truncated or head altered")
    elif not _head_sealed_by(journal, owner, ring.current):
        if not any(_head_sealed_by(journal, owner, key) for key in ring.retired):
            problem(None, "head seal missing or altered")
        elif not retired_head_ok:
            problem(None, RETIRED_HEAD)
    return problems


def _head_sealed_by(journal: Journal, owner, key: Key) -> bool:
    expected = head_seal(journal, getattr(owner, journal.label), owner.journal_length, owner.journal_head, key)
    return hmac.compare_digest(owner.journal_seal, expected)


def _owners(journal: Journal, owners):
    queryset = journal.owner.objects.all() if owners is None else owners
    # The owner's status where it has one (a case's, a license's: their checkpoints name it).
    status = ["status"] if any(f.name == "status" for f in journal.owner._meta.get_fields()) else []
    return queryset.only("pk", journal.label, *status, "journal_head", "journal_length", "journal_seal").order_by("pk")


def verify(owners=None, journal: Journal = CASES) -> list[Problem]:
    """Every break in every journal of ``journal``'s kind (or of ``owners``): altered, removed,
    reordered, truncated, extended with an old key."""
    ring = keyring()
    problems: list[Problem] = []
    for owner in _owners(journal, owners).iterator(chunk_size=500):
        problems += problems_of(journal, owner, ring)
    return problems


def checkpoint(owners=None, journal: Journal = CASES) -> tuple[int, list[Problem]]:
    """After a rotation of the journal key: every journal whose head a retired key sealed is
    checked and, if intact, gets a checkpoint event sealed by the current key. Returns how many
    got one, and the problems of those left as they were."""
    ring = keyring()
    sealed, problems = 0, []
    for owner in _owners(journal, owners).iterator(chunk_size=500):
        if _head_sealed_by(journal, owner, ring.current):
            continue
        found = problems_of(journal, owner, ring, retired_head_ok=True)
        if found:
            problems += found
            continue
        with transaction.atomic():
            # Only the journal as checked: one extended meanwhile was extended with the current key.
            locked = (journal.owner.objects.select_for_update()
                      .filter(pk=owner.pk, journal_head=owner.journal_head, journal_length=owner.journal_length).first())
            if locked is not None:
                append(journal, locked, **journal.checkpoint(locked, ring.current))
                sealed += 1
    return sealed, problems


def legacy_key() -> str | None:
    """The key (hex) that sealed the case events written before keys had ids, found among the
    legacy candidates by the first such event; None when there is no such event."""
    event = CaseEvent.objects.filter(key_id="").select_related("case").order_by("pk").first()
    if event is None:
        return None
    for key in keyring().legacy:
        if hmac.compare_digest(event.hash, seal(CASES, event, event.case.number, key)):
            return key.secret.hex()
    raise ImproperlyConfigured(
        f"No configured SECRET_KEY (or SECRET_KEY_FALLBACKS) sealed case {event.case.number}'s first events: "
        "set the SECRET_KEY they were written under as a fallback for this run"
    )
