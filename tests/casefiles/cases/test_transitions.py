"""The one way a step between statuses is taken (casefiles/cases/transitions.py): a declared step,
one conditional UPDATE on the status it was read in — of two takers exactly one wins — and the
guards, the effects and the journal in that step's transaction, with nothing written when any
of them refuses.

The table here is a small one of its own over the case record, so that what is tested is the
mechanism and not the workflow, the license lifecycle or the bundles declared on it."""

import pytest
from django.db.models import F
from django.utils import translation

from casefiles.cases import transitions
from casefiles.cases.models import CaseFile, Status
from casefiles.cases.transitions import Step, Table
from casefiles.errors import Conflict, GuardFailed, NotAllowedNow, NotPermitted
from casefiles.handling import applications
from casefiles.journal import records
from casefiles.journal.models import CaseEvent


def journal(taking):
    return records.record(taking.record, taking.step.name, taking.user, from_state=taking.from_status,
                          to_state=taking.step.target, data=taking.data)


def by_username(user, record, step):
    """Who may, as this table reads it: the step names the one user who may take it."""
    return user.username == step.may


@pytest.fixture
def trail():
    """What the steps' guards, effects and hooks did, in the order they did it."""
    return []


@pytest.fixture
def table(trail):
    def noted(taking):
        trail.append(("guard", taking.record.status))

    def effect(taking):
        trail.append(("effect", taking.record.status))
        taking.data["noted_by"] = "the effect"

    steps = (
        Step("send", "Send", (Status.DRAFT,), Status.SUBMITTED, "applicant", guards=(noted,), effect=effect),
        Step("shelve", "Shelve", (Status.DRAFT,), Status.WITHDRAWN, "applicant", effect=effect),
        Step("receive", "Receive", (Status.SUBMITTED,), Status.ACCEPTED, not_now="Only a sent case is received."),
        Step("review", "Review", (Status.ACCEPTED,), Status.UNDER_REVIEW, "reviewer",
             not_permitted="Only the reviewer reviews."),
    )
    return Table(
        CaseFile, {step.name: step for step in steps}, journal, may=by_username, versioned=True,
        recorded=[lambda taking, event: trail.append(("recorded", event.action))],
        committed=[lambda case_id, event_id: trail.append(("committed", case_id, event_id))],
    )


def with_step(table, step):
    """``table`` with ``step`` in place of its namesake."""
    return Table(table.model, {**table.steps, step.name: step}, table.journal, may=table.may, versioned=True)


@pytest.fixture
def case(world):
    """A draft: the applicant's alone."""
    return applications.start(world.applicant, world.item, world.enterprise)


def stored(case):
    return CaseFile.objects.get(pk=case.pk)


def events(case):
    return list(CaseEvent.objects.filter(case=case).order_by("sequence").values_list("action", flat=True))


def test_a_step_moves_the_status_and_is_journaled_with_its_guards_and_effects_in_its_transaction(
        world, case, table, trail, django_capture_on_commit_callbacks):
    version = case.version
    with django_capture_on_commit_callbacks(execute=True):
        event = transitions.take(table, case, "send", world.applicant)
        assert ("committed", case.pk, event.pk) not in trail  # not before the commit
    assert (event.action, event.from_state, event.to_state) == ("send", Status.DRAFT, Status.SUBMITTED)
    assert event.data == {"noted_by": "the effect"}
    assert (stored(case).status, stored(case).version) == (Status.SUBMITTED, version + 1)
    assert (case.status, case.version) == (Status.SUBMITTED, version + 1)
    # The guard judges the case as read; the effect sees it moved; the hooks come after the event.
    assert trail == [("guard", Status.DRAFT), ("effect", Status.SUBMITTED), ("recorded", "send"),
                     ("committed", case.pk, event.pk)]


def test_of_two_takers_who_read_the_same_status_exactly_one_wins_and_the_other_writes_nothing(
        world, case, table, trail):
    first, second = stored(case), stored(case)  # both read it as a draft
    transitions.take(table, first, "send", world.applicant)
    with pytest.raises(Conflict), translation.override("en"):
        try:
            transitions.take(table, second, "shelve", world.applicant)
        except Conflict as refused:
            assert "Someone else changed this case a moment ago" in refused.message
            raise
    assert stored(case).status == Status.SUBMITTED  # the first's step stands, not overwritten
    assert events(case) == ["create", "send"]
    assert [entry for entry in trail if entry[0] == "effect"] == [("effect", Status.SUBMITTED)]  # once: the winner's


def test_a_versioned_table_refuses_a_taker_who_read_an_older_version_of_the_same_status(world, case, table):
    stale = stored(case)
    CaseFile.objects.filter(pk=case.pk).update(version=F("version") + 1)  # changed meanwhile, its status kept
    with pytest.raises(Conflict):
        transitions.take(table, stale, "send", world.applicant)
    with pytest.raises(Conflict):  # nor one who says which version they saw
        transitions.take(table, stored(case), "send", world.applicant, version=stale.version)
    assert stored(case).status == Status.DRAFT and events(case) == ["create"]


def test_a_guard_that_refuses_leaves_nothing_written_and_every_reason_is_told(world, case, table, trail):
    refusing = Step("send", "Send", (Status.DRAFT,), Status.SUBMITTED, "applicant",
                    guards=(lambda taking: "The form is not signed.", lambda taking: None,
                            lambda taking: "The fee is not paid."),
                    effect=lambda taking: trail.append("effect"))
    version = case.version
    with pytest.raises(GuardFailed) as refused:
        transitions.take(with_step(table, refusing), case, "send", world.applicant,
                         changes={"contact_name": "王五"})
    assert refused.value.messages == ["The form is not signed.", "The fee is not paid."]
    now = stored(case)
    assert (now.status, now.version, now.contact_name) == (Status.DRAFT, version, case.contact_name)
    assert events(case) == ["create"] and trail == []  # no effect, no hook


def test_an_effect_that_refuses_leaves_nothing_written(world, case, table):
    def refuse(taking):
        CaseFile.objects.filter(pk=taking.record.pk).update(contact_phone="13800000000")
        raise Conflict("The register is closed today.")

    with pytest.raises(Conflict, match="register is closed"):
        transitions.take(with_step(table, Step("send", "Send", (Status.DRAFT,), Status.SUBMITTED, "applicant",
                                               effect=refuse)), case, "send", world.applicant)
    now = stored(case)
    assert (now.status, now.version, now.contact_phone) == (Status.DRAFT, case.version, case.contact_phone)
    assert events(case) == ["create"]


def test_the_other_fields_a_step_changes_are_written_by_its_own_update(world, case, table):
    transitions.take(table, case, "send", world.applicant, changes={"contact_name": "王五"})
    assert stored(case).contact_name == case.contact_name == "王五"


def test_a_step_the_status_does_not_allow_is_refused_with_its_not_now(world, case, table):
    with pytest.raises(NotAllowedNow, match="Only a sent case is received."):
        transitions.take(table, case, "receive")
    with pytest.raises(NotAllowedNow) as refused, translation.override("en"):
        transitions.take(table, case, "review", world.reviewer)  # the status is asked before who
    assert refused.value.message == "This step is not possible while the case is “Draft”."
    with pytest.raises(NotAllowedNow):
        transitions.take(table, case, "no_such_step", world.applicant)
    assert stored(case).status == Status.DRAFT and events(case) == ["create"]


def test_only_who_may_takes_a_step_and_the_system_takes_the_steps_nobody_else_may(world, case, table):
    with pytest.raises(NotPermitted), translation.override("en"):
        try:
            transitions.take(table, case, "send", world.stranger)
        except NotPermitted as refused:
            assert refused.message == "You may not take this step on this case."
            raise
    transitions.take(table, case, "send", world.applicant)
    with pytest.raises(NotPermitted):
        transitions.take(table, case, "receive", world.applicant)  # the system's alone
    event = transitions.take(table, case, "receive")  # the system
    assert event.actor is None and stored(case).status == Status.ACCEPTED
    with pytest.raises(NotPermitted, match="Only the reviewer reviews."):
        transitions.take(table, case, "review", world.applicant)


def test_the_steps_offered_are_those_the_status_allows_to_who_may(world, case, table):
    assert [step.name for step in transitions.available(table, case, world.applicant)] == ["send", "shelve"]
    assert transitions.available(table, case, world.stranger) == []
    transitions.take(table, case, "send", world.applicant)
    assert transitions.available(table, case, world.applicant) == []  # receiving is the system's


def test_a_table_without_versions_moves_on_the_status_alone(world, case, table):
    plain = Table(CaseFile, table.steps, journal, may=by_username)
    version = case.version
    transitions.take(plain, case, "send", world.applicant)
    assert (stored(case).status, stored(case).version) == (Status.SUBMITTED, version)
    with pytest.raises(TypeError):
        transitions.take(plain, case, "receive", version=version)
