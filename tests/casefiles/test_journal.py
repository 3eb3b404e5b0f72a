import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from casefiles import journal, workflow
from casefiles.models import CaseEvent


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


def test_the_orm_refuses_to_change_the_journal(world, submitted_case):
    event = CaseEvent.objects.filter(case=submitted_case).first()
    event.comment = "改过了"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        CaseEvent.objects.filter(case=submitted_case).update(comment="x")
    with pytest.raises(ValidationError):
        CaseEvent.objects.filter(case=submitted_case).delete()


def test_the_database_refuses_updates(world, submitted_case):
    with pytest.raises(DatabaseError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE casefiles_caseevent SET comment = 'x'")


def _drop_guard():
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER casefiles_caseevent_no_update")
        else:
            cursor.execute("DROP TRIGGER casefiles_caseevent_append_only ON casefiles_caseevent")


def test_audit_verify_catches_an_edited_event(world, submitted_case):
    _drop_guard()  # someone with database access, bypassing everything
    target = CaseEvent.objects.filter(case=submitted_case, action="submit").get()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE casefiles_caseevent SET comment = %s WHERE id = %s", ["篡改", target.pk])
    problems = journal.verify()
    assert any(p.case_number == submitted_case.number and p.sequence == target.sequence and "altered" in p.message for p in problems)
    with pytest.raises(CommandError):
        call_command("audit", "verify")


def test_audit_verify_catches_a_removed_event(world, submitted_case):
    _drop_guard()
    last = CaseEvent.objects.filter(case=submitted_case).order_by("-sequence").first()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM casefiles_caseevent WHERE id = %s", [last.pk])
    assert any("truncated" in p.message for p in journal.verify())
