"""Whom a user applies for (``casefiles.handling.applications``)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from casefiles.handling import applications


def test_the_applicant_a_form_names_is_one_of_the_users_own_read_in_one_query(world):
    with CaptureQueriesContext(connection) as queries:
        assert applications.resolve_applicant(world.applicant, f"enterprise:{world.enterprise.pk}") == world.enterprise
    assert len(queries) == 1
    assert applications.resolve_applicant(world.citizen, f"person:{world.person.pk}") == world.person
    choices = {choice.key for choice in applications.applicants_for(world.applicant)}
    assert f"enterprise:{world.enterprise.pk}" in choices


def test_an_applicant_not_the_users_own_or_a_garbled_key_is_none(world):
    assert applications.resolve_applicant(world.applicant, f"enterprise:{world.other_enterprise.pk}") is None
    assert applications.resolve_applicant(world.applicant, f"person:{world.person.pk}") is None  # the citizen's
    assert applications.resolve_applicant(world.citizen, f"enterprise:{world.enterprise.pk}") is None
    for key in ("", "enterprise:", "enterprise:x", "person:1; DROP", "agency:1", None):
        assert applications.resolve_applicant(world.applicant, key) is None
