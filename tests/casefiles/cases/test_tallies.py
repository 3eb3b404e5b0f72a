"""The case tallies (件数) follow every case through the database's triggers, and a listing's
total read from them is the count of the cases it lists."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casefiles.access import permissions
from casefiles.cases import tallies
from casefiles.handling import applications, workflow
from casefiles.cases.models import CaseFile, CaseGrant, CaseTally, Status
from casefiles.workbench import inbox
from tests.casefiles.conftest import fresh, submit_application


def test_tallies_follow_every_change_of_a_case_whoever_makes_it(world, submitted_case):
    second = submit_application(world, world.citizen, world.person)
    applications.start(world.applicant, world.item, world.enterprise)  # a draft
    workflow.perform(submitted_case, "accept", world.clerk)
    assert tallies.check() == {}
    department = world.department.pk
    assert tallies.total([Status.SUBMITTED], [department]) == 1
    assert tallies.total([Status.ACCEPTED], [department]) == 1
    assert tallies.total([Status.DRAFT], [department]) == 1

    # Around the workflow: an administrator's bulk update, a case moved to another department.
    CaseFile.objects.filter(pk=second.pk).update(status=Status.WITHDRAWN)
    CaseFile.objects.filter(pk=submitted_case.pk).update(department=world.other_department)
    assert tallies.check() == {}
    assert tallies.total([Status.ACCEPTED], [world.other_department.pk]) == 1
    assert tallies.total([Status.SUBMITTED, Status.ACCEPTED], [department]) == 0

    rows_before = CaseTally.objects.count()
    removed = tallies.fold()
    assert removed > 0 and CaseTally.objects.count() == rows_before - removed
    assert CaseTally.objects.filter(delta=0).count() == 0
    assert tallies.check() == {}


def test_an_inbox_total_comes_from_the_tallies_and_still_counts_each_case_once(world, submitted_case, django_user_model):
    second = submit_application(world, world.citizen, world.person)
    workflow.perform(second, "accept", world.clerk)
    parallel = django_user_model.objects.create_user("parallel-clerk")
    parallel.groups.add(world.department.group("reviewer"), world.other_department.group("clerk"))
    # The other department's clerk also approves the first case in parallel: once, however it is reached.
    permissions.grant_department(submitted_case, world.other_department, CaseGrant.Reason.PARALLEL)
    other_case = submit_application(world, world.citizen, world.person)
    CaseFile.objects.filter(pk=other_case.pk).update(department=world.other_department)

    for user in (world.clerk, parallel, world.supervisor, world.window, world.other_clerk):
        for tab in ("submitted", "review", "all"):
            expected = len(list(inbox.cases(fresh(user), tab=tab)))
            listing = inbox.cases(fresh(user), tab=tab)
            with CaptureQueriesContext(connection) as captured:
                assert listing.count() == expected, (user, tab)
            counts_of_cases = [q["sql"] for q in captured.captured_queries
                               if "COUNT(" in q["sql"] and 'FROM "casefiles_casefile"' in q["sql"]
                               and '"casefiles_casefile"."is_bundle" AND' not in q["sql"]]
            # The department's (or everyone's) cases from the tallies, the cases granted one by
            # one from the ids already read: no case is counted — but a bundle's parents, nobody's
            # acceptance work, which the acceptance tabs subtract (a few rows of a partial index).
            assert counts_of_cases == [], (user, tab)

    # A filter the tallies do not know (the channel): the cases are counted as before.
    assert inbox.cases(fresh(world.clerk), tab="all", channel="window").count() == 0
    assert inbox.cases(fresh(world.clerk), tab="all", channel="online").count() == 2


def test_the_tally_command_finds_drift_and_repairs_it(world, submitted_case):
    out = io.StringIO()
    call_command("casefiles", "tally", stdout=out)
    assert "agree" in out.getvalue()
    CaseTally.objects.create(department=world.department, status=Status.SUBMITTED, delta=5)  # drift
    with pytest.raises(CommandError):
        call_command("casefiles", "tally", stdout=io.StringIO())
    out = io.StringIO()
    call_command("casefiles", "tally", "--repair", stdout=out)
    assert "tally 6, cases 1" in out.getvalue()
    assert tallies.check() == {}


def test_a_listing_widened_or_narrowed_is_counted_case_by_case(world, submitted_case):
    from casefiles.cases.models import CaseFile

    listing = permissions.staff_cases(fresh(world.clerk))
    draft = applications.start(world.applicant, world.item, world.enterprise)
    other = CaseFile.objects.filter(pk=draft.pk)  # not the clerk's
    assert listing.count() == 1
    assert (listing | other).count() == 2 == len(list(listing | other))
    assert (listing & other).count() == 0
    assert listing.exclude(pk=submitted_case.pk).count() == 0
    assert listing.extra(where=["1 = 0"]).count() == 0
