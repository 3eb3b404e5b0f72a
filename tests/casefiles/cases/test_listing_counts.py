"""The totals the listings show count every case they list, once — also where a case reaches a
user both through their department and through a grant of its own (the count is made in two
parts, see ``permissions.CaseListing``)."""

from django.core.paginator import Paginator
from django.db.models import Count

from casefiles.access import permissions
from casefiles.handling import applications, workflow
from casefiles.cases.models import CaseGrant, Status
from casefiles.workbench import inbox
from tests.casefiles.conftest import fresh, submit_application


def test_staff_totals_count_department_and_granted_cases_once(world, submitted_case, django_user_model):
    second = submit_application(world, world.citizen, world.person)
    draft = applications.start(world.applicant, world.item, world.enterprise)
    parallel_group = world.other_department.group("reviewer")
    for case in (submitted_case, draft):  # a grant on a draft still shows no draft to staff
        permissions.grant(case, CaseGrant.Reason.PARALLEL, ["view_casefile"], group=parallel_group)
    both = django_user_model.objects.create_user("both-departments")
    both.groups.add(world.department.group("clerk"), parallel_group)
    only_parallel = django_user_model.objects.create_user("parallel-reviewer")
    only_parallel.groups.add(world.other_department.group("clerk"), parallel_group)

    expected = {both: {submitted_case.pk, second.pk}, only_parallel: {submitted_case.pk}, world.clerk: {submitted_case.pk, second.pk}}
    for user, cases in expected.items():
        listing = permissions.staff_cases(fresh(user))
        assert set(listing.values_list("pk", flat=True)) == cases, user
        assert listing.count() == len(cases), user
        assert listing.filter(status=Status.SUBMITTED).count() == len(cases)
        assert listing.filter(status=Status.ACCEPTED).count() == 0
        assert listing.filter(pk=submitted_case.pk).count() == 1
        # Grouped counts are not split: one status, one group.
        assert listing.values("status").annotate(n=Count("pk")).count() == 1
        assert Paginator(inbox.cases(fresh(user), tab="all"), inbox.PAGE_SIZE).count == len(cases)


def test_applicant_totals_count_own_and_agent_cases_once(world, submitted_case):
    citizen_case = submit_application(world, world.citizen, world.person)
    # The enterprise's member also acts as the citizen's agent, and (twice over) for its own case.
    for case in (citizen_case, submitted_case):
        permissions.grant(case, CaseGrant.Reason.AGENT, permissions.APPLICANT_PERMISSIONS, user=world.applicant)
    listing = permissions.applicant_cases(fresh(world.applicant))
    assert set(listing.values_list("pk", flat=True)) == {submitted_case.pk, citizen_case.pk}
    assert listing.count() == 2
    assert listing.filter(person__isnull=False).count() == 1
    assert permissions.applicant_cases(fresh(world.citizen)).count() == 1


def test_a_parallel_case_is_in_the_tab_of_its_state_whatever_changes_it(world, submitted_case, django_user_model):
    """The grants read one by one carry their case's status (database triggers): a parallel
    department finds the case under 待受理, then under 审查中 once accepted — and also after
    a change made around the workflow, such as an administrator's bulk update."""
    from casefiles.cases.models import CaseFile

    case = submitted_case
    parallel = django_user_model.objects.create_user("parallel-clerk")
    parallel.groups.add(world.other_department.group("clerk"))
    permissions.grant_department(case, world.other_department, CaseGrant.Reason.PARALLEL)
    carried = CaseGrant.objects.filter(case=case, reason=CaseGrant.Reason.PARALLEL)
    assert set(carried.values_list("case_status", flat=True)) == {Status.SUBMITTED}

    def tabs():
        return {tab: [c.pk for c in inbox.cases(fresh(parallel), tab=tab)] for tab in ("submitted", "review", "all")}

    assert tabs() == {"submitted": [case.pk], "review": [], "all": [case.pk]}
    workflow.perform(case, "accept", world.clerk)
    assert set(carried.values_list("case_status", flat=True)) == {Status.ACCEPTED}
    assert tabs() == {"submitted": [], "review": [case.pk], "all": [case.pk]}
    assert inbox.cases(fresh(parallel), tab="review").count() == 1

    CaseFile.objects.filter(pk=case.pk).update(status=Status.UNDER_REVIEW)
    assert set(carried.values_list("case_status", flat=True)) == {Status.UNDER_REVIEW}
    assert tabs() == {"submitted": [], "review": [case.pk], "all": [case.pk]}
    assert set(carried.values_list("case_department", flat=True)) == {world.department.pk}
    # Moved to the parallel department itself: it is that department's own case now, not a grant.
    CaseFile.objects.filter(pk=case.pk).update(department=world.other_department)
    assert set(carried.values_list("case_department", flat=True)) == {world.other_department.pk}
    assert tabs() == {"submitted": [], "review": [case.pk], "all": [case.pk]}
    assert inbox.cases(fresh(parallel), tab="all").count() == 1
    # The other grants carry nothing: only the ones listings read one by one are kept.
    others = CaseGrant.objects.filter(case=case).exclude(reason=CaseGrant.Reason.PARALLEL)
    assert set(others.values_list("case_status", "case_department")) == {("", None)}
