"""A fresh request reads the user's look-ups in one statement, and reads them afresh every time.

The staff inbox of a fresh request asks for the user's model permissions, groups, department
roles, the tab's parallel grants and its total (the tallies, less the bundles' parents where the
tab leaves them out) in one statement (``permissions.read_staff_lookups``), and 我的办件 for the
enterprises, the person, the agent's grants and the count of the enterprises' and the person's
cases in one: a revoked grant or a group left still hides the cases on the very next request,
as nothing outlives the user object.
"""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from casefiles.access import permissions
from casefiles.cases.models import CaseGrant
from casefiles.workbench import access, inbox
from tests.casefiles.conftest import fresh, pdf_upload, submit_bundle

# Statements of a fresh request after the user row (read by the session middleware, not here).
STAFF_INBOX = 2  # the look-ups with the tab's total, the page
MY_CASES = 2  # the look-ups with the count of the applicant's own cases, the page (one more count for an agent who also applies)


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


def test_the_inbox_total_read_with_the_look_ups_is_the_cases_listed(bundle_world, submitted_case):
    """The total comes with the look-ups, in the request's first statement (fresh) or with the
    parallel grants (after the admin pages' access check): two statements either way, and the
    total is the rows the tab lists — the bundle's parent left out of 待受理, the parallel part
    of another department counted once."""
    w = bundle_world
    parent = submit_bundle(w)
    parts = list(parent.children.all())
    permissions.grant_department(submitted_case, w.other_department, CaseGrant.Reason.PARALLEL)
    for user in (w.clerk, w.other_clerk, w.other_reviewer, w.supervisor, w.window):
        for tab in ("submitted", "review", "all"):
            for checked in (False, True):
                user_ = fresh(user)
                if checked:
                    access.is_case_staff(user_)
                with CaptureQueriesContext(connection) as captured:
                    total, page = _inbox(user_, tab)
                assert len(captured.captured_queries) <= STAFF_INBOX, (user, tab, checked, [q["sql"] for q in captured])
                listed = {case.pk for case in inbox.cases(fresh(user), tab=tab).filter(pk__gt=0)}  # a filter: counted afresh
                assert page == listed and total == len(listed), (user, tab, checked)
    assert parent.pk not in _inbox(fresh(w.clerk), "submitted")[1] and parent.pk in _inbox(fresh(w.clerk), "all")[1]
    assert {p.pk for p in parts} <= _inbox(fresh(w.supervisor), "submitted")[1]


def test_my_cases_count_comes_with_the_look_ups_and_agrees_with_can(world, submitted_case, django_user_model):
    """我的办件's total is counted in the look-ups' statement: the page and the total show what
    ``can`` lets the user see — an enterprise member, a citizen, an agent whose authorisations ran
    out or have not begun (their grants stay until the tick), a member who is also an agent — and
    the portal's page (a bundle's parts left out) counts the same way."""
    from casefiles.agents import authorisations
    from casefiles.handling import applications
    from tests.casefiles.conftest import submit_application

    now = timezone.now()
    citizen_case = submit_application(world, world.citizen, world.person)
    ended, later, current = (applications.start(world.applicant, world.item, world.enterprise) for _ in range(3))
    part = applications.start(world.applicant, world.item, world.enterprise)
    type(part).objects.filter(pk=part.pk).update(parent=submitted_case)
    helper = django_user_model.objects.create_user("helper", password="pw-for-tests-only")
    for case, start, days in ((ended, now - datetime.timedelta(days=10), 5), (later, now + datetime.timedelta(days=2), 5),
                              (current, now, 7)):
        authorisations.authorise(case, world.applicant, helper, pdf_upload("授权委托书.pdf"), valid_from=start,
                                 valid_until=start + datetime.timedelta(days=days), now=min(start, now))
    permissions.grant(citizen_case, CaseGrant.Reason.AGENT, permissions.APPLICANT_PERMISSIONS, user=world.applicant)
    candidates = [submitted_case, citizen_case, ended, later, current, part]
    for user in (world.applicant, world.citizen, helper):
        seen = {case.pk for case in candidates if permissions.can(fresh(user), "view_casefile", case)}
        for parts in (True, False):
            expected = seen if parts else seen - {part.pk}
            listing = permissions.applicant_cases(fresh(user), parts=parts).order_by("-created_at", "-pk")
            with CaptureQueriesContext(connection) as captured:
                total, page = listing.count(), {case.pk for case in listing[:50]}
            assert (total, page) == (len(expected), expected), (user, parts)
            # the page, and a count only of the agent's cases beyond the applicant's own (or among the parts)
            statements = 1 + (user == world.applicant or (user == helper and not parts))
            assert len(captured.captured_queries) == statements, (user, parts, [q["sql"] for q in captured])
    assert {current.pk} == {c.pk for c in permissions.applicant_cases(fresh(helper))}
