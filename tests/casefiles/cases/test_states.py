"""The named sets of case states (casefiles.cases.states) and how they relate, as users notice it."""

import ast
from pathlib import Path

import pytest

from casefiles.cases import states
from casefiles.cases.models import CaseFile
from casefiles.cases.states import Status
from casefiles.handling.workflow import TRANSITIONS


def test_every_state_is_a_draft_running_or_finished_and_only_one_of_them():
    running, finished = set(states.CLOCK_RUNNING), set(states.FINISHED)
    assert running.isdisjoint(finished) and Status.DRAFT not in running | finished
    assert running | finished | {Status.DRAFT} == set(Status)


def test_finished_is_decided_or_closed():
    assert set(states.DECIDED).isdisjoint(states.CLOSED)
    assert set(states.FINISHED) == set(states.DECIDED) | set(states.CLOSED)


def test_an_open_case_is_a_draft_or_one_whose_clock_runs():
    assert {s for s in Status if CaseFile(status=s).is_open} == {Status.DRAFT, *states.CLOCK_RUNNING}


def test_the_clock_runs_exactly_while_the_applicant_may_withdraw():
    assert TRANSITIONS["withdraw"].sources == states.CLOCK_RUNNING


def test_the_applicant_submits_what_is_with_them_and_staff_conclude_what_is_decided():
    assert TRANSITIONS["submit"].sources == states.WITH_THE_APPLICANT
    assert TRANSITIONS["conclude"].sources == states.DECIDED


def test_filed_is_every_state_but_the_draft():
    assert set(states.FILED) == set(Status) - {Status.DRAFT}


def test_the_stages_of_handling_lie_inside_the_running_clock():
    assert set(states.UNDER_EXAMINATION) < set(states.DEFERRED_SUPPLY) < set(states.CLOCK_RUNNING)
    assert set(states.UNDER_EXAMINATION) < set(states.MATERIALS_UNDER_REVIEW) < set(states.CLOCK_RUNNING)
    # While the applicant corrects, the clock runs on, and staff do not review the materials.
    assert set(states.WITH_THE_APPLICANT) & set(states.CLOCK_RUNNING) == {Status.CORRECTION_REQUESTED}
    assert Status.CORRECTION_REQUESTED not in states.MATERIALS_UNDER_REVIEW


def test_what_is_supplied_later_is_told_to_the_applicant_as_accepted_or_under_review():
    from casefiles.access import disclosure

    assert {disclosure.outsider_status(s) for s in states.DEFERRED_SUPPLY} == {Status.ACCEPTED, Status.UNDER_REVIEW}


def test_the_states_module_imports_nothing_of_the_project():
    tree = ast.parse(Path(states.__file__).read_text(encoding="utf-8"))
    imported = [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    imported += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    assert all(name.startswith("django.") for name in imported)


# --- the table of what may happen in which state ---------------------------------------------

def test_every_activity_happens_in_named_states_only():
    for activity, allowed in states.MAY_HAPPEN.items():
        assert allowed and set(allowed) <= set(states.Status), activity
        assert all(states.allows(activity, status) == (status in allowed) for status in states.Status)


def test_what_the_applicant_prepares_they_prepare_before_submitting_and_after_a_correction_notice():
    assert set(states.MAY_HAPPEN["prepare_materials"]) == {states.Status.DRAFT, states.Status.CORRECTION_REQUESTED}
    assert states.MAY_HAPPEN["use_license"] == states.MAY_HAPPEN["prepare_materials"]  # 免提交 stands in for a file


def test_promised_materials_come_in_only_after_acceptance_and_the_clock_stops_only_while_examined():
    assert not states.allows("supply_promised", states.Status.SUBMITTED)
    assert states.allows("supply_promised", states.Status.ACCEPTED)
    assert set(states.MAY_HAPPEN["special_procedure"]) <= set(states.CLOCK_RUNNING)


def test_results_are_handed_out_once_finished_and_agents_authorised_while_open():
    assert set(states.MAY_HAPPEN["hand_out"]) == set(states.FINISHED)
    assert not set(states.MAY_HAPPEN["authorise_agent"]) & set(states.FINISHED)


def test_an_activity_not_in_the_table_is_an_error_not_a_refusal():
    with pytest.raises(ValueError, match="no such activity"):
        states.allows("repaint_the_office", states.Status.DRAFT)
