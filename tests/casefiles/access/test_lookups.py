"""A fresh request reads the user's look-ups in one statement, and reads them afresh every time.

The staff inbox of a fresh request asks for the user's model permissions, groups, department
roles and the tab's parallel grants in one statement (``permissions.read_staff_lookups``), and
我的办件 for the enterprises, the person and the agent's grants in one more: a revoked grant or
a group left still hides the cases on the very next request, as nothing outlives the user object.
"""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from casefiles.access import permissions
from casefiles.cases.models import CaseGrant
from casefiles.workbench import inbox
from tests.casefiles.conftest import fresh, pdf_upload

# Statements of a fresh request after the user row (read by the session middleware, not here).
STAFF_INBOX = 3  # the look-ups, the tally count, the page (every tab that keeps the bundles' parents)
MY_CASES = 3  # the look-ups, the count, the page (one more count for an agent who also applies)


def _inbox(user, tab="all"):
    queryset = inbox.cases(user, tab=tab, sort="due")
    return queryset.count(), {case.pk for case in queryset[:inbox.PAGE_SIZE]}


def _my_cases(user):
    queryset = permissions.applicant_cases(user).select_related("department").order_by("-created_at", "-pk")
    return queryset.count(), {case.pk for case in queryset[:50]}


def test_a_fresh_staff_inbox_reads_the_user_in_one_statement(world, submitted_case):
    case = submitted_case
    permissions.grant_department(case, world.other_department, CaseGrant.Reason.PARALLEL)
    for user, tab in ((world.clerk, "all"), (world.clerk, "review"), (world.other_clerk, "all"),
                      (world.supervisor, "all"), (world.window, "all")):
        user = fresh(user)
        with CaptureQueriesContext(connection) as captured:
            total, page = _inbox(user, tab)
            # and the rest of the request asks Django's permissions and the groups nothing more
            user.has_perm("casefiles.accept_casefile")
            permissions.group_ids(user)
            permissions.department_ids(user, ("clerk",))
        assert len(captured.captured_queries) <= STAFF_INBOX, (user, tab, [q["sql"] for q in captured])
        assert (total, page) == ((1, {case.pk}) if tab == "all" else (0, set())), (user, tab)
    # the same answers as Django's own look-ups
    for user in (world.clerk, world.other_clerk, world.supervisor, world.window, world.applicant):
        read = fresh(user)
        permissions.staff_cases(read)
        assert read.get_all_permissions() == fresh(user).get_all_permissions()
        assert sorted(permissions.group_ids(read)) == sorted(fresh(user).groups.values_list("pk", flat=True))


def test_my_cases_is_one_statement_of_look_ups(world, submitted_case, django_user_model):
    from casefiles.agents import authorisations
    from tests.casefiles.conftest import submit_application

    citizen_case = submit_application(world, world.citizen, world.person)
    helper = django_user_model.objects.create_user("helper", password="pw-for-tests-only")
    authorisations.authorise(submitted_case, world.applicant, helper, pdf_upload("授权委托书.pdf"),
                             valid_until=timezone.now() + datetime.timedelta(days=7))
    for user, expected in ((world.applicant, submitted_case), (world.citizen, citizen_case), (helper, submitted_case)):
        user = fresh(user)
        with CaptureQueriesContext(connection) as captured:
            total, page = _my_cases(user)
        assert len(captured.captured_queries) <= MY_CASES, (user, [q["sql"] for q in captured])
        assert (total, page) == (1, {expected.pk}), user


def test_a_revoked_grant_or_a_group_left_hides_the_cases_on_the_next_request(world, submitted_case, django_user_model):
    from casefiles.agents import authorisations

    case = submitted_case
    permissions.grant_department(case, world.other_department, CaseGrant.Reason.PARALLEL)
    assert _inbox(fresh(world.other_clerk)) == (1, {case.pk})
    permissions.revoke(case, CaseGrant.Reason.PARALLEL)
    assert _inbox(fresh(world.other_clerk)) == (0, set())

    assert _inbox(fresh(world.clerk)) == (1, {case.pk})
    world.clerk.groups.remove(world.department.group("clerk"))
    assert _inbox(fresh(world.clerk)) == (0, set())

    assert _inbox(fresh(world.supervisor)) == (1, {case.pk})
    world.supervisor.groups.clear()
    assert not permissions.sees_everything(fresh(world.supervisor))
    assert _inbox(fresh(world.supervisor)) == (0, set())

    helper = django_user_model.objects.create_user("helper", password="pw-for-tests-only")
    authorisation = authorisations.authorise(case, world.applicant, helper, pdf_upload("授权委托书.pdf"),
                                             valid_until=timezone.now() + datetime.timedelta(days=7))
    assert _my_cases(fresh(helper)) == (1, {case.pk})
    authorisations.revoke(authorisation, world.applicant)
    assert _my_cases(fresh(helper)) == (0, set())

    assert _my_cases(fresh(world.applicant)) == (1, {case.pk})
    world.enterprise.remove_member(world.applicant)
    assert _my_cases(fresh(world.applicant)) == (0, set())


def test_parallel_grants_read_with_the_look_ups_serve_one_listing_only(world, submitted_case):
    """The parallel grants the look-up statement read go to the listing that asked; the same
    user object asks again after a revocation, and no longer finds the case."""
    case = submitted_case
    permissions.grant_department(case, world.other_department, CaseGrant.Reason.PARALLEL)
    user = fresh(world.other_clerk)
    assert _inbox(user) == (1, {case.pk})
    assert _inbox(user) == (1, {case.pk})  # asked again (one query of its own), same answer
    permissions.revoke(case, CaseGrant.Reason.PARALLEL)
    assert _inbox(user) == (0, set())
    user = fresh(world.other_clerk)
    permissions.read_staff_lookups(user, parallel_statuses=("submitted",))
    permissions.grant_department(case, world.other_department, CaseGrant.Reason.PARALLEL)  # a grant moved since
    assert _inbox(user, "submitted") == (1, {case.pk})
