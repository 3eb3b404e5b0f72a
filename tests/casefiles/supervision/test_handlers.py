"""承办人: who may assign, claim and transfer each stage, the journal, the race, my cases."""

import pytest

from casefiles.cases.models import Status
from casefiles.errors import Conflict, Invalid, NotAllowedNow, NotFound, NotPermitted
from casefiles.handling import workflow
from casefiles.journal.models import CaseEvent
from casefiles.supervision import handlers
from casefiles.supervision.models import Assignment, Stage
from tests.casefiles.conftest import fresh, submit_bundle


def under_review(world, case):
    workflow.perform(case, "accept", world.clerk)
    workflow.perform(case, "start_review", world.reviewer)
    case.refresh_from_db()
    return case


def handler_of(case, stage):
    row = handlers.current(case).get(stage)
    return row.handler if row else None


def test_the_lead_and_a_clerk_assign_others_may_not(world, submitted_case):
    handlers.assign(submitted_case, Stage.ACCEPTANCE, world.clerk, world.lead, "首办")
    assert handler_of(submitted_case, Stage.ACCEPTANCE) == world.clerk
    handlers.assign(submitted_case, Stage.REVIEW, world.reviewer, fresh(world.clerk))
    assert handler_of(submitted_case, Stage.REVIEW) == world.reviewer
    for who in (world.reviewer, world.decider, world.supervisor, world.window):
        with pytest.raises(NotPermitted):
            handlers.assign(submitted_case, Stage.DECISION, world.decider, fresh(who))
    with pytest.raises(NotFound):  # another department's clerk does not even see the case
        handlers.assign(submitted_case, Stage.DECISION, world.decider, world.other_clerk)
    assert handler_of(submitted_case, Stage.DECISION) is None


def test_the_one_named_must_hold_the_stages_role(world, submitted_case):
    with pytest.raises(Invalid) as refused:
        handlers.assign(submitted_case, Stage.DECISION, world.reviewer, world.lead)
    assert "reviewer" in refused.value.message  # names the person who cannot …
    with pytest.raises(Invalid):
        handlers.assign(submitted_case, Stage.ACCEPTANCE, world.other_clerk, world.lead)  # … of another department
    handlers.assign(submitted_case, Stage.REVIEW, world.decider, world.lead)  # a decider may review
    handlers.assign(submitted_case, Stage.ACCEPTANCE, world.window, world.lead)  # a window clerk accepts anywhere


def test_a_stage_with_a_handler_is_transferred_not_assigned(world, submitted_case):
    handlers.assign(submitted_case, Stage.ACCEPTANCE, world.clerk, world.lead)
    with pytest.raises(Conflict):
        handlers.assign(submitted_case, Stage.ACCEPTANCE, world.window, world.lead)


def test_claims_by_role(world, submitted_case):
    with pytest.raises(NotPermitted):
        handlers.claim(submitted_case, Stage.ACCEPTANCE, world.reviewer)
    with pytest.raises(NotPermitted):
        handlers.claim(submitted_case, Stage.DECISION, world.reviewer)
    with pytest.raises(NotPermitted):
        handlers.claim(submitted_case, Stage.REVIEW, world.lead)
    handlers.claim(submitted_case, Stage.ACCEPTANCE, world.window)
    handlers.claim(submitted_case, Stage.REVIEW, world.reviewer)
    handlers.claim(submitted_case, Stage.DECISION, world.decider)
    with pytest.raises(Conflict):  # taken
        handlers.claim(submitted_case, Stage.DECISION, world.decider2)
    assert {s: a.how for s, a in handlers.current(submitted_case).items()} == {
        s: Assignment.How.CLAIMED for s in Stage}


def test_two_claimers_one_wins_by_the_constraint(world, submitted_case, monkeypatch):
    handlers.claim(submitted_case, Stage.DECISION, world.decider)
    # The second claimer read "nobody" before the first committed: the database refuses the second row.
    monkeypatch.setattr(handlers, "_open_row", lambda case, stage: None)
    with pytest.raises(Conflict):
        handlers.claim(submitted_case, Stage.DECISION, world.decider2)
    assert handler_of(submitted_case, Stage.DECISION) == world.decider
    assert Assignment.objects.filter(case=submitted_case).count() == 1
    assert not CaseEvent.objects.filter(case=submitted_case, actor=world.decider2).exists()  # nothing journaled


def test_transfer_by_the_handler_or_the_lead_with_a_reason(world, submitted_case):
    case = under_review(world, submitted_case)
    handlers.claim(case, Stage.REVIEW, world.reviewer)
    with pytest.raises(Invalid):
        handlers.transfer(case, Stage.REVIEW, world.decider, world.reviewer, "  ")
    with pytest.raises(NotPermitted):  # neither its handler nor the lead or a clerk
        handlers.transfer(case, Stage.REVIEW, world.decider2, world.decider, "我来")
    with pytest.raises(Invalid):
        handlers.transfer(case, Stage.REVIEW, world.clerk, world.reviewer, "休假")  # a clerk does not review
    handlers.transfer(case, Stage.REVIEW, world.decider, world.reviewer, "休假")
    assert handler_of(case, Stage.REVIEW) == world.decider
    handlers.transfer(case, Stage.REVIEW, world.reviewer, world.lead, "回来了")
    rows = list(handlers.history(case))
    assert [(r.handler, r.how, r.until is None) for r in rows] == [
        (world.reviewer, Assignment.How.CLAIMED, False), (world.decider, Assignment.How.TRANSFERRED, False),
        (world.reviewer, Assignment.How.TRANSFERRED, True)]
    with pytest.raises(Conflict):  # nobody to transfer from
        handlers.transfer(case, Stage.DECISION, world.decider, world.lead, "x")


def test_every_change_is_journaled(world, submitted_case):
    handlers.assign(submitted_case, Stage.ACCEPTANCE, world.clerk, world.lead, "首办")
    handlers.claim(submitted_case, Stage.REVIEW, world.reviewer)
    handlers.transfer(submitted_case, Stage.ACCEPTANCE, world.window, world.clerk, "窗口受理")
    events = list(CaseEvent.objects.filter(case=submitted_case, action__in=[
        handlers.ASSIGN, handlers.CLAIM, handlers.TRANSFER]).order_by("sequence"))
    assert [(e.action, e.actor, e.data["stage"], e.comment) for e in events] == [
        (handlers.ASSIGN, world.lead, "acceptance", "首办"),
        (handlers.CLAIM, world.reviewer, "review", ""),
        (handlers.TRANSFER, world.clerk, "acceptance", "窗口受理")]
    assert all(e.from_state == e.to_state == Status.SUBMITTED for e in events)
    assert events[2].data["from_handler"] == "clerk" and events[2].data["handler"] == "window"


def test_a_stage_that_is_over_or_a_closed_case_refuses(world, submitted_case):
    case = under_review(world, submitted_case)
    with pytest.raises(NotAllowedNow):
        handlers.claim(case, Stage.ACCEPTANCE, world.clerk)
    workflow.perform(case, "approve", world.decider)
    case.refresh_from_db()
    for attempt in (lambda: handlers.claim(case, Stage.DECISION, world.decider),
                    lambda: handlers.assign(case, Stage.DECISION, world.decider, world.lead)):
        with pytest.raises(NotAllowedNow):
            attempt()


def test_a_bundles_parent_has_no_handlers(bundle_world):
    parent = submit_bundle(bundle_world)
    with pytest.raises(NotAllowedNow):
        handlers.assign(parent, Stage.ACCEPTANCE, bundle_world.clerk, bundle_world.lead)
    child = parent.children.get(department=bundle_world.department)
    handlers.claim(child, Stage.ACCEPTANCE, bundle_world.clerk)


def test_my_cases_open_ones_first_and_handlers_now(world, submitted_case):
    from tests.casefiles.conftest import submit_application

    second = submit_application(world, world.applicant, world.enterprise)
    closed = under_review(world, submit_application(world, world.applicant, world.enterprise))
    handlers.claim(closed, Stage.DECISION, world.decider)
    workflow.perform(closed, "approve", world.decider)
    handlers.claim(second, Stage.DECISION, world.decider)
    handlers.assign(submitted_case, Stage.DECISION, world.decider, world.lead)
    handlers.claim(submitted_case, Stage.REVIEW, world.reviewer)
    mine = list(handlers.my_cases(world.decider))
    assert set(mine[:2]) == {second, submitted_case} and mine[2] == closed
    assert list(handlers.my_cases(world.clerk)) == []
    assert handlers.handlers_now([submitted_case.pk, second.pk, 0]) == {
        submitted_case.pk: [world.reviewer.pk, world.decider.pk], second.pk: [world.decider.pk]}


def test_offers_follow_the_rules(world, submitted_case):
    assert handlers.offers(world.lead, submitted_case) == {
        Stage.ACCEPTANCE: {"assign"}, Stage.REVIEW: {"assign"}, Stage.DECISION: {"assign"}}
    assert handlers.offers(world.clerk, submitted_case)[Stage.ACCEPTANCE] == {"assign", "claim"}
    assert handlers.offers(world.supervisor, submitted_case) == {s: set() for s in Stage}
    handlers.claim(submitted_case, Stage.REVIEW, world.reviewer)
    assert handlers.offers(world.reviewer, submitted_case)[Stage.REVIEW] == {"transfer"}
    assert handlers.offers(world.decider, submitted_case)[Stage.REVIEW] == set()
