"""The permission matrix, and proof that listings agree with guardian's per-object answer."""

import pytest
from guardian.shortcuts import get_objects_for_user

from casefiles import errors
from casefiles.access import permissions
from casefiles.handling import applications, workflow
from casefiles.cases.models import CaseFile, CaseGrant
from casefiles.materials import uploads
from tests.casefiles.conftest import pdf_upload


def test_who_sees_a_submitted_case(world, submitted_case):
    case = submitted_case
    for user in (world.clerk, world.reviewer, world.decider, world.applicant, world.window, world.supervisor):
        assert permissions.can(user, "view_casefile", case), user
    for user in (world.other_clerk, world.stranger, world.citizen):
        assert not permissions.can(user, "view_casefile", case), user


def test_a_draft_is_the_applicants_alone(world):
    draft = applications.start(world.applicant, world.item, world.enterprise)
    assert permissions.can(world.applicant, "view_casefile", draft)
    for user in (world.clerk, world.window, world.supervisor, world.other_clerk, world.stranger):
        assert not permissions.can(user, "view_casefile", draft), user
    assert draft not in permissions.staff_cases(world.clerk)


def test_a_person_applies_for_themselves(world):
    case = applications.start(world.citizen, world.item, world.person)
    assert permissions.can(world.citizen, "apply_casefile", case)
    assert not permissions.can(world.applicant, "view_casefile", case)
    assert list(permissions.applicant_cases(world.citizen)) == [case]


def test_nobody_applies_for_someone_else(world):
    with pytest.raises(errors.NotPermitted):
        applications.start(world.stranger, world.item, world.enterprise)


def _agree(user, cases):
    by_guardian = set(get_objects_for_user(user, "casefiles.view_casefile", CaseFile, accept_global_perms=False).filter(pk__in=[c.pk for c in cases]).values_list("pk", flat=True))
    by_can = {c.pk for c in cases if permissions.can(user, "view_casefile", c)}
    by_listing = set(permissions.visible_cases(user).filter(pk__in=[c.pk for c in cases]).values_list("pk", flat=True))
    return by_guardian, by_can, by_listing


def test_listings_agree_with_guardian(world, submitted_case):
    cases = [submitted_case]
    cases.append(applications.start(world.applicant, world.item, world.enterprise))  # a draft
    citizen_case = applications.start(world.citizen, world.item, world.person)
    for requirement in world.requirements[:2]:
        uploads.add(citizen_case, requirement, pdf_upload(), world.citizen)
    workflow.perform(citizen_case, "submit", world.citizen)
    cases.append(citizen_case)
    for user in (world.clerk, world.reviewer, world.decider, world.other_clerk, world.applicant, world.stranger, world.citizen):
        by_guardian, by_can, by_listing = _agree(user, cases)
        assert by_guardian == by_can == by_listing, user
    # Global roles see every submitted case (model-level permission), never drafts — a superuser's neither.
    superuser = type(world.clerk).objects.create_superuser("root", password="pw-for-tests-only")
    for user in (world.window, world.supervisor, superuser):
        _, by_can, by_listing = _agree(user, cases)
        assert by_can == by_listing == {submitted_case.pk, citizen_case.pk}
    # A superuser who is an enterprise's member sees that enterprise's draft as its applicant, like anyone.
    world.enterprise.add_member(superuser)
    member = type(superuser).objects.get(pk=superuser.pk)
    _, by_can, by_listing = _agree(member, cases)
    assert by_can == by_listing == {c.pk for c in cases}


def test_a_global_role_never_reaches_a_draft_a_superusers_neither(world, client):
    """Drafts are the applicant's alone: a superuser asking for one gets the 404 of a missing
    case over the API and on the portal, finds it in no listing, and holds nothing on it."""
    from rest_framework.test import APIClient

    draft = applications.start(world.applicant, world.item, world.enterprise)
    superuser = type(world.clerk).objects.create_superuser("root", password="pw-for-tests-only")
    assert permissions.held(superuser, draft) == set()
    for codename in permissions.CODENAMES:
        assert not permissions.can(superuser, codename, draft), codename
    api = APIClient()
    api.force_authenticate(superuser)
    missing = api.get("/api/v1/cases/00000000000000000000/")
    answer = api.get(f"/api/v1/cases/{draft.number}/")
    assert answer.status_code == missing.status_code == 404 and answer.content == missing.content
    assert api.post(f"/api/v1/cases/{draft.number}/transitions/submit/", {"version": draft.version},
                    format="json").status_code == 404
    assert draft.number not in {c["number"] for c in api.get("/api/v1/cases/").json()["results"]}
    assert not permissions.visible_cases(superuser).filter(pk=draft.pk).exists()
    assert not permissions.staff_cases(superuser).filter(pk=draft.pk).exists()
    client.force_login(superuser)
    assert client.get(f"/my/cases/{draft.number}/").status_code == 404
    assert client.get(f"/admin/cases/{draft.number}/").status_code == 404
    # Once submitted, every case is the superuser's to see.
    for requirement in world.requirements[:2]:
        uploads.add(draft, requirement, pdf_upload(), world.applicant)
    workflow.perform(draft, "submit", world.applicant)
    fresh = type(superuser).objects.get(pk=superuser.pk)
    assert permissions.can(fresh, "decide_casefile", draft) and api.get(f"/api/v1/cases/{draft.number}/").status_code == 200


def test_every_grant_records_its_reason_and_revoking_removes_only_its_own(world, submitted_case):
    case = submitted_case
    reasons = set(CaseGrant.objects.filter(case=case).values_list("reason", flat=True))
    assert reasons == {"applicant", "department"}
    parallel_group = world.other_department.group("reviewer")
    permissions.grant(case, CaseGrant.Reason.PARALLEL, ["view_casefile"], group=parallel_group)
    assert permissions.can(world.other_clerk, "view_casefile", case) is False
    world.other_clerk.groups.add(parallel_group)
    other = type(world.other_clerk).objects.get(pk=world.other_clerk.pk)  # fresh permission cache
    assert permissions.can(other, "view_casefile", case)
    permissions.revoke(case, CaseGrant.Reason.PARALLEL)
    other = type(world.other_clerk).objects.get(pk=world.other_clerk.pk)
    assert not permissions.can(other, "view_casefile", case)
    assert permissions.can(world.clerk, "view_casefile", case)  # the department's grant stands


def test_what_a_request_keeps_about_a_user_follows_grants_and_memberships(world, submitted_case):
    """Guardian's answer is kept on the user object for the request: a grant or a revocation
    made meanwhile, or joining a group, is seen at once by the same user object."""
    case, outsider = submitted_case, world.other_clerk
    assert not permissions.can(outsider, "view_casefile", case)
    permissions.grant(case, CaseGrant.Reason.PARALLEL, ["view_casefile"], user=outsider)
    assert permissions.can(outsider, "view_casefile", case)
    permissions.revoke(case, CaseGrant.Reason.PARALLEL, user=outsider)
    assert not permissions.can(outsider, "view_casefile", case)
    assert not permissions.can(world.stranger, "view_casefile", case)
    world.stranger.groups.add(world.enterprise.members_group)
    assert permissions.can(world.stranger, "apply_casefile", case)
    world.stranger.groups.remove(world.enterprise.members_group)
    assert not permissions.can(world.stranger, "view_casefile", case)


def test_one_step_asks_guardian_once(world):
    """Uploading three files and submitting asks guardian about the case once, not per step."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    case = applications.start(world.applicant, world.item, world.enterprise)
    user = type(world.applicant).objects.get(pk=world.applicant.pk)  # a later request: nothing kept on the user
    with CaptureQueriesContext(connection) as captured:
        for requirement in world.requirements:
            uploads.add(case, requirement, pdf_upload(), user)
        workflow.perform(case, "submit", user)
    asked = [q["sql"] for q in captured.captured_queries if "objectpermission" in q["sql"] and q["sql"].startswith("SELECT")]
    assert len(asked) == 2  # guardian's two look-ups (the user's and the groups' permissions), once


def test_the_request_that_starts_a_draft_knows_what_its_applicant_holds_on_it(world):
    """The start keeps on the user what the new draft's grants give them: its uploads and its
    submission in the same request ask guardian nothing, and the answers are guardian's."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    case = applications.start(world.applicant, world.item, world.enterprise)
    assert permissions.object_permissions(world.applicant, case) == frozenset(
        permissions.object_permissions(type(world.applicant).objects.get(pk=world.applicant.pk), case))
    with CaptureQueriesContext(connection) as captured:
        for requirement in world.requirements:
            uploads.add(case, requirement, pdf_upload(), world.applicant)
        workflow.perform(case, "submit", world.applicant)
    sql = [q["sql"] for q in captured.captured_queries]
    assert not [s for s in sql if "objectpermission" in s and s.startswith("SELECT")]
    # nor whether they act on it as an agent (their terms): no authorisation reaches a new draft
    assert not [s for s in sql if s.startswith('SELECT "casefiles_authorisation"."valid_from"')]
    # and someone else, in a request of their own, is asked as before
    assert not permissions.can(type(world.other_clerk).objects.get(pk=world.other_clerk.pk), "apply_casefile", case)
