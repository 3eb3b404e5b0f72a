"""casefiles.api.errors: the API answers any refusal with its own status, in one place."""

import pytest
from django.conf import settings
from rest_framework.exceptions import NotAuthenticated

from casefiles import errors
from casefiles.api.errors import exception_handler


def test_it_is_the_apis_exception_handler():
    assert settings.REST_FRAMEWORK["EXCEPTION_HANDLER"] == "casefiles.api.errors.exception_handler"


@pytest.mark.parametrize("refused", [
    errors.NotFound("No such case."), errors.NotPermitted("Only the applicant can authorise an agent."),
    errors.Conflict("This authorisation has already ended."), errors.Invalid("Choose the kind of agent."),
])
def test_a_refusal_is_answered_with_its_status_message_and_code(refused):
    response = exception_handler(refused, {})
    assert response.status_code == refused.status
    assert response.data == {"detail": refused.messages[0], "messages": refused.messages, "code": refused.code}


def test_anything_else_is_drfs_own_answer():
    assert exception_handler(NotAuthenticated(), {}).status_code in (401, 403)
    assert exception_handler(ValueError("boom"), {}) is None
