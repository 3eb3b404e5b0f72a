"""The case and license journals: chained, sealed, append-only, and verifiable across key rotations."""

import hashlib
import io
from dataclasses import dataclass

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test import override_settings

from casefiles.handling import workflow
from casefiles.cases.models import CaseFile
from casefiles.journal import records as journal
from casefiles.journal.models import CaseEvent
from casefiles.licenses import lifecycle, signing
from casefiles.licenses.models import License, LicenseEvent, LicenseType

TEST_KEY = "test-journal-key-" + "Qe4Mv8Zk1Xr6Wb3Nt9Lc5Hy2Jp7Ds0Fa" * 2  # config/settings/test.py
NEW_KEY = "new-journal-key-" + "Hb5Tn2Wq8Lx4Rk7Zc1Vm9Pd6Sy3Gf0Ja" * 2
NEWER_KEY = "newer-journal-key-" + "Md3Xc8Qv1Tr6Lk9Bn4Wz7Hs2Fy5Gp0Ke" * 2
ROTATED = override_settings(YIWANG_JOURNAL_KEY=NEW_KEY, YIWANG_JOURNAL_RETIRED_KEYS=[TEST_KEY])


@pytest.fixture
def issued_license(world):
    """A license with three events: issued, suspended, reinstated."""
    world.department.uscc = "11440400MB2C92390J"
    world.department.save()
    license_type = LicenseType.objects.create(code="11100000MB0143028X041", name="食品经营许可证",
                                              issuing_department=world.department, validity_years=5)
    license = lifecycle.issue(license_type, issuer=world.department, holder=world.enterprise)
    lifecycle.suspend(license, world.decider, "监督检查发现问题")
    lifecycle.reinstate(license, world.decider, "整改完成")
    return license


@dataclass
class Subject:
    """One journal under test, whichever kind."""

    kind: journal.Journal
    owner: object
    text_field: str  # a field of its events that tampering changes

    @property
    def table(self):
        return self.kind.event._meta.db_table

    @property
    def label(self):
        return getattr(self.owner, self.kind.label)

    def events(self):
        return list(self.kind.event.objects.filter(**{self.kind.owner_field: self.owner}).order_by("sequence"))

    def problems(self):
        return journal.verify(self.kind.owner.objects.filter(pk=self.owner.pk), self.kind)

    def reload(self):
        return type(self.owner).objects.get(pk=self.owner.pk)

    def append(self, **fields):
        with transaction.atomic():
            owner = self.reload()
            if self.kind is journal.CASES:
                return journal.record(owner, "add_material", None, from_state=owner.status, to_state=owner.status, **fields)
            return lifecycle.record_event(owner, "suspend", None, from_status=owner.status, to_status=owner.status, **fields)


@pytest.fixture(params=["case", "license"])
def subject(request, world, submitted_case):
    if request.param == "case":
        workflow.perform(submitted_case, "accept", world.clerk, comment="材料齐全")
        return Subject(journal.CASES, submitted_case, "comment")
    return Subject(journal.named("license"), request.getfixturevalue("issued_license"), "reason")


def audit(*args):
    out = io.StringIO()
    call_command("audit", *args, stdout=out)
    return out.getvalue()


def audit_fails(*args):
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("audit", *args, stdout=out)
    return out.getvalue()


def test_every_step_is_journaled_and_chained(world, submitted_case):
    workflow.perform(submitted_case, "accept", world.clerk, comment="材料齐全")
    events = list(CaseEvent.objects.filter(case=submitted_case).order_by("sequence"))
    assert [e.action for e in events] == ["create", "add_material", "add_material", "submit", "accept"]
    assert events[-1].actor == world.clerk and events[-1].comment == "材料齐全"
    assert events[-1].from_state == "submitted" and events[-1].to_state == "accepted"
    for previous, event in zip(events, events[1:]):
        assert event.prev_hash == previous.hash
    assert journal.verify() == []
    call_command("audit", "verify")


def test_every_license_event_is_journaled_and_chained(issued_license):
    events = list(issued_license.events.order_by("sequence"))
    assert [(e.sequence, e.action) for e in events] == [(1, "issue"), (2, "suspend"), (3, "reinstate")]
    assert events[0].prev_hash == "" and all(e.prev_hash == p.hash for p, e in zip(events, events[1:]))
    license = License.objects.get(pk=issued_license.pk)
    assert (license.journal_head, license.journal_length) == (events[-1].hash, 3)
    assert journal.verify(journal=journal.named("license")) == []
    assert "1 license journal(s) intact" in audit("verify")


def test_each_event_names_the_key_that_sealed_it(subject):
    current = journal.keyring().current
    assert {e.key_id for e in subject.events()} == {current.id}
    assert len(current.id) == 8


def test_the_orm_refuses_to_change_a_journal(subject):
    event = subject.events()[0]
    setattr(event, subject.text_field, "改过了")
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()
    events = subject.kind.event.objects.filter(pk=event.pk)
    with pytest.raises(ValidationError):
        events.update(**{subject.text_field: "x"})
    with pytest.raises(ValidationError):
        events.delete()


@pytest.mark.parametrize("statement", ["UPDATE {table} SET action = 'x'", "DELETE FROM {table}"])
def test_the_database_refuses_to_change_a_journal(subject, statement):
    with pytest.raises(DatabaseError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(statement.format(table=subject.table))
    assert len(subject.events()) == subject.reload().journal_length


def _drop_guards():
    """Someone with the database's owner rights, past every trigger."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name in ("caseevent_no_update", "caseevent_no_delete", "licenseevent_no_update", "licenseevent_no_delete"):
                cursor.execute(f"DROP TRIGGER casefiles_{name}")
        else:
            for table in ("caseevent", "licenseevent"):
                cursor.execute(f"DROP TRIGGER casefiles_{table}_append_only ON casefiles_{table}")


def _sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _edit(subject, events):
    _sql(f"UPDATE {subject.table} SET {subject.text_field} = %s WHERE id = %s", ["篡改", events[1].pk])
    return events[1].sequence, "event altered"


def _remove(subject, events):
    _sql(f"DELETE FROM {subject.table} WHERE id = %s", [events[1].pk])
    return events[1].sequence, "event missing"


def _reorder(subject, events):
    first, second = events[0], events[1]
    _sql(f"UPDATE {subject.table} SET sequence = 0 WHERE id = %s", [first.pk])
    _sql(f"UPDATE {subject.table} SET sequence = %s WHERE id = %s", [first.sequence, second.pk])
    _sql(f"UPDATE {subject.table} SET sequence = %s WHERE id = %s", [second.sequence, first.pk])
    return first.sequence, "chain broken"


def _truncate(subject, events):
    _sql(f"DELETE FROM {subject.table} WHERE id = %s", [events[-1].pk])
    return None, "truncated"


def _truncate_and_move_the_head(subject, events):
    _sql(f"DELETE FROM {subject.table} WHERE id = %s", [events[-1].pk])
    subject.kind.owner.objects.filter(pk=subject.owner.pk).update(journal_head=events[-2].hash, journal_length=len(events) - 1)
    return None, "head seal missing or altered"


def _forge_an_event(subject, events):
    last = events[-1]
    fields = {"action": "x", "created_at": last.created_at, "key_id": last.key_id, "prev_hash": last.hash, "hash": "0" * 64}
    forged = subject.kind.event(**{subject.kind.owner_field + "_id": subject.owner.pk}, sequence=last.sequence + 1, **fields)
    forged.save()
    subject.kind.owner.objects.filter(pk=subject.owner.pk).update(journal_head=forged.hash, journal_length=forged.sequence)
    return forged.sequence, "event altered"


@pytest.mark.parametrize("tamper", [_edit, _remove, _reorder, _truncate, _truncate_and_move_the_head, _forge_an_event])
def test_audit_verify_names_the_journal_and_event_that_broke(subject, tamper):
    assert subject.problems() == []
    _drop_guards()
    sequence, message = tamper(subject, subject.events())
    problems = subject.problems()
    assert any(p.journal == subject.kind.name and p.owner == subject.label and p.sequence == sequence and message in p.message
               for p in problems), problems
    out = audit_fails("verify")
    assert f"{subject.kind.name} {subject.label}" in out and message in out


def test_audit_verify_takes_numbers_and_identifiers(world, submitted_case, issued_license):
    out = audit("verify", submitted_case.number, issued_license.identifier)
    assert "1 case and 1 license journal(s) intact" in out


# --- rotating the journal key ----------------------------------------------------------------------------


def test_after_a_rotation_old_events_verify_and_new_ones_carry_the_new_key(subject):
    old_id = journal.keyring().current.id
    with ROTATED:
        new_id = journal.keyring().current.id
        assert new_id != old_id
        # Until the checkpoint, the heads the old key sealed are reported (rotation unfinished).
        assert [p.message for p in subject.problems()] == [journal.RETIRED_HEAD]
        assert f"1 {subject.kind.name} journal(s) checkpointed with key {new_id}" in audit("checkpoint")
        assert subject.problems() == []
        assert subject.events()[-1].action == journal.CHECKPOINT and subject.events()[-1].key_id == new_id
        subject.append()
        assert [e.key_id for e in subject.events()][-3:] == [old_id, new_id, new_id]
        assert "intact" in audit("verify")
        assert f"0 {subject.kind.name} journal(s) checkpointed" in audit("checkpoint")  # nothing left to do
        with override_settings(YIWANG_JOURNAL_KEY=NEWER_KEY, YIWANG_JOURNAL_RETIRED_KEYS=[NEW_KEY, TEST_KEY]):
            audit("checkpoint")
            assert subject.problems() == []  # three keys in one journal, each verifying its own events
    with override_settings(YIWANG_JOURNAL_KEY=NEW_KEY, YIWANG_JOURNAL_RETIRED_KEYS=[]):
        assert any("not in the keyring" in p.message for p in subject.problems())  # a retired key dropped too soon


def test_a_touched_journal_needs_no_checkpoint(world, submitted_case):
    with ROTATED:
        workflow.perform(CaseFile.objects.get(pk=submitted_case.pk), "accept", world.clerk)
        assert journal.verify(CaseFile.objects.filter(pk=submitted_case.pk)) == []


def test_a_leaked_old_key_cannot_extend_a_journal_after_the_rotation(subject):
    with ROTATED:
        audit("checkpoint")
    # The attacker holds the old key and can write to the database: they append an event sealed
    # with it, moving and sealing the head with it too.
    with override_settings(YIWANG_JOURNAL_KEY=TEST_KEY):
        subject.append()
    with ROTATED:
        messages = [p.message for p in subject.problems()]
        assert any("older key than an event before it" in m for m in messages), messages
        assert journal.RETIRED_HEAD in messages
        # A second checkpoint does not make it good: the journal is broken, so it is left alone.
        sealed, problems = journal.checkpoint(subject.kind.owner.objects.filter(pk=subject.owner.pk), subject.kind)
        assert sealed == 0 and problems
        assert subject.problems()


# --- events sealed before journal keys had ids ------------------------------------------------------------


def _legacy_events(case, secret_key):
    """Rewrite the case's journal as the code before key ids sealed it: with a key derived from SECRET_KEY."""
    key = journal.Key.from_setting(f"yiwang-journal:{secret_key}")
    _drop_guards()
    previous = ""
    for event in CaseEvent.objects.filter(case=case).order_by("sequence"):
        event.prev_hash, event.key_id = previous, ""
        previous = journal.seal(journal.CASES, event, case.number, key)
        _sql("UPDATE casefiles_caseevent SET prev_hash = %s, hash = %s, key_id = '' WHERE id = %s", [event.prev_hash, previous, event.pk])
    current = journal.keyring().current
    length = CaseEvent.objects.filter(case=case).count()
    CaseFile.objects.filter(pk=case.pk).update(
        journal_head=previous, journal_seal=journal.head_seal(journal.CASES, case.number, length, previous, current)
    )


def test_events_from_before_key_ids_verify_with_the_pinned_legacy_key(settings, submitted_case):
    _legacy_events(submitted_case, settings.SECRET_KEY)
    assert journal.verify() == []
    out = audit("verify")
    assert "pin it" in out
    pinned = audit("legacy-key").strip()
    assert pinned == hashlib.sha256(f"yiwang-journal:{settings.SECRET_KEY}".encode()).hexdigest()
    # Pinned, they no longer depend on SECRET_KEY: a new one with no fallback changes nothing.
    with override_settings(YIWANG_JOURNAL_LEGACY_KEY=pinned, SECRET_KEY="another-" + "k" * 60, SECRET_KEY_FALLBACKS=[]):
        assert journal.verify() == []
        assert "pin it" not in audit("verify")


def test_unpinned_legacy_events_follow_secret_key_fallbacks_and_say_so_when_lost(settings, submitted_case):
    old = settings.SECRET_KEY
    _legacy_events(submitted_case, old)
    with override_settings(SECRET_KEY="another-" + "k" * 60, SECRET_KEY_FALLBACKS=[old]):
        assert journal.verify() == []
    with override_settings(SECRET_KEY="another-" + "k" * 60, SECRET_KEY_FALLBACKS=[]):
        assert all("YIWANG_JOURNAL_LEGACY_KEY" in p.message for p in journal.verify())
        with pytest.raises(CommandError):
            audit("legacy-key")


def test_no_legacy_event_may_follow_a_keyed_one(settings, submitted_case):
    legacy = journal.Key.from_setting(f"yiwang-journal:{settings.SECRET_KEY}")
    with transaction.atomic():
        event = journal.record(CaseFile.objects.get(pk=submitted_case.pk), "add_material", None)
    _drop_guards()
    event.key_id = ""
    _sql("UPDATE casefiles_caseevent SET key_id = '', hash = %s WHERE id = %s",
         [journal.seal(journal.CASES, event, submitted_case.number, legacy), event.pk])
    problems = journal.verify(CaseFile.objects.filter(pk=submitted_case.pk))
    assert any("older key" in p.message and p.sequence == event.sequence for p in problems), problems


def test_license_journals_know_no_legacy_key(issued_license):
    _drop_guards()
    _sql("UPDATE casefiles_licenseevent SET key_id = '' WHERE license_id = %s", [issued_license.pk])
    problems = journal.verify(journal=journal.named("license"))
    assert [p.sequence for p in problems] == [1, 2, 3] and all("sealed by no key" in p.message for p in problems)


# --- SECRET_KEY is rotated on its own ----------------------------------------------------------------------


def test_rotating_secret_key_touches_neither_the_journal_nor_the_signing_keys(settings, world, submitted_case, issued_license):
    workflow.perform(submitted_case, "accept", world.clerk)
    old = settings.SECRET_KEY
    with override_settings(SECRET_KEY="rotated-" + "Rt6Yp1Kd8Wq3Lm5Zx7" * 4, SECRET_KEY_FALLBACKS=[old]):
        assert "intact" in audit("verify")
        with override_settings(SECRET_KEY_FALLBACKS=[]):  # the old SECRET_KEY retired for good
            assert "intact" in audit("verify")
            license_type = issued_license.license_type
            signed = lifecycle.issue(license_type, issuer=world.department, holder=world.person)
            assert lifecycle.verify(signed.identifier, world.person.id_number).outcome == "valid"
            assert lifecycle.verify(issued_license.identifier, world.enterprise.uscc).outcome == "valid"
            assert signing.verify(signed.signing_key, lifecycle.canonical(signed), signed.signature)


def test_a_journal_cannot_be_written_without_a_key(settings, submitted_case):
    from django.core.exceptions import ImproperlyConfigured

    with override_settings(YIWANG_JOURNAL_KEY=None), pytest.raises(ImproperlyConfigured), transaction.atomic():
        journal.record(submitted_case, "add_material", None)
