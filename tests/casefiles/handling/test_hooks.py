"""The workflow's hooks: the components that act on a step register there, the workflow imports
none of them, and a hook that refuses stops the step with nothing of it written."""

import ast
from pathlib import Path

import pytest
from django.core import mail

from casefiles.handling import workflow
from casefiles.cases.models import Status
from casefiles.errors import Conflict
from casefiles.journal.models import CaseEvent
from casefiles.notices.models import Notice

WORKFLOW = Path(workflow.__file__)


def imported_modules(path):
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_the_workflow_imports_none_of_the_components_that_act_on_its_steps():
    imported = imported_modules(WORKFLOW)
    for component in ("casefiles.notices", "casefiles.licenses", "casefiles.bundles", "casefiles.agents",
                      "casefiles.notifications"):
        assert not any(name == component or name.startswith(component + ".") for name in imported), component


def test_every_hook_the_table_asks_for_is_registered_at_start_up():
    assert workflow.missing_hooks() == []


def test_a_guard_nobody_registered_is_named_at_start_up(monkeypatch):
    submit = workflow.TRANSITIONS["submit"]
    monkeypatch.setitem(workflow.TRANSITIONS, "submit", workflow.Transition(
        submit.name, submit.label, submit.sources, submit.target, submit.permission,
        guards=(*submit.guards, workflow.named("nobody_registered_this")),
    ))
    assert workflow.missing_hooks() == ["guard nobody_registered_this"]


@pytest.fixture
def refusing_review(monkeypatch):
    def refuse(ctx):
        raise Conflict("the reviewers' register is closed today")

    monkeypatch.setitem(workflow._effects, "start_review", [refuse])


def test_a_hook_that_refuses_stops_the_step_and_nothing_of_it_is_written(world, submitted_case, refusing_review):
    workflow.perform(submitted_case, "accept", world.clerk)
    events_before = CaseEvent.objects.filter(case=submitted_case).count()
    with pytest.raises(Conflict, match="register is closed"):
        workflow.perform(submitted_case, "start_review", world.reviewer)
    submitted_case.refresh_from_db()
    assert submitted_case.status == Status.ACCEPTED
    assert CaseEvent.objects.filter(case=submitted_case).count() == events_before


def test_the_registered_notice_issuer_numbers_the_steps_notice_in_the_step(world, submitted_case):
    workflow.perform(submitted_case, "accept", world.clerk)
    workflow.perform(submitted_case, "start_review", world.reviewer)
    event = workflow.perform(submitted_case, "approve", world.decider)
    assert Notice.objects.filter(case=submitted_case, kind="approval").exists()
    assert event.data["notice"] == Notice.objects.get(case=submitted_case, kind="approval").number


def test_the_applicant_hears_of_a_step_only_after_it_commits(world, submitted_case, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        workflow.perform(submitted_case, "accept", world.clerk)
    assert mail.outbox == []  # nothing sent from inside the transaction
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1


def test_a_step_a_hook_refused_leaves_the_case_in_hand_as_it_was_read(world, submitted_case, refusing_review):
    workflow.perform(submitted_case, "accept", world.clerk)
    version = submitted_case.version
    with pytest.raises(Conflict):
        workflow.perform(submitted_case, "start_review", world.reviewer)
    assert (submitted_case.status, submitted_case.version) == (Status.ACCEPTED, version)
