"""casefiles.errors: one hierarchy of refusals, each with its HTTP status and code."""

import pytest

from casefiles import errors
from casefiles.agents import authorisations
from casefiles.handling import workflow
from casefiles.materials import filetypes


@pytest.mark.parametrize("cls, status, code", [
    (errors.NotFound, 404, "not_found"),
    (errors.NotPermitted, 403, "not_permitted"),
    (errors.Conflict, 409, "conflict"),
    (errors.NotAllowedNow, 409, "not_allowed_now"),
    (errors.Invalid, 400, "refused"),
    (errors.GuardFailed, 400, "guard_failed"),
])
def test_each_refusal_carries_its_status_and_code(cls, status, code):
    refused = cls("Why not.")
    assert isinstance(refused, errors.Refused)
    assert (refused.status, refused.status_code, refused.code) == (status, status, code)
    assert refused.message == "Why not." and refused.messages == ["Why not."]


def test_several_messages_and_an_own_code():
    refused = errors.GuardFailed("One.", "Two.", code="missing")
    assert refused.messages == ["One.", "Two."] and refused.code == "missing" and str(refused) == "One.; Two."


def test_the_workflow_names_are_the_same_classes():
    assert (workflow.NotFound, workflow.NotPermitted, workflow.Conflict, workflow.NotAllowedNow, workflow.GuardFailed) == (
        errors.NotFound, errors.NotPermitted, errors.Conflict, errors.NotAllowedNow, errors.GuardFailed)
    assert issubclass(errors.NotAllowedNow, errors.Conflict) and issubclass(errors.GuardFailed, errors.Invalid)


def test_the_component_classes_are_gone_but_uploads_which_are_invalid():
    assert not hasattr(authorisations, "AgentRefused")
    assert issubclass(filetypes.UploadRefused, errors.Invalid) and filetypes.UploadRefused("x").status == 400
