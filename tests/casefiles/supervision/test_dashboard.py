"""The staff home page's figures: each equal to a count made directly here on the same data;
a bundle's parent is nobody's acceptance work."""

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from casefiles.cases import states
from casefiles.cases.models import CaseFile, Status
from casefiles.supervision import clocks, dashboard, handlers, worklists
from casefiles.supervision.models import Stage
from casefiles.workbench import inbox
from tests.casefiles.conftest import submit_bundle
from tests.casefiles.supervision.test_clocks import make_case


def populate(world, today):
    day = datetime.timedelta(days=1)
    made = [
        make_case(world, status=Status.SUBMITTED, acceptance_due=today - day),  # red
        make_case(world, status=Status.SUBMITTED, acceptance_due=today + day),  # yellow
        make_case(world, status=Status.SUBMITTED, acceptance_due=today + 20 * day),  # green
        make_case(world, status=Status.UNDER_REVIEW, promised_due=today - 2 * day, statutory_due=today - day),  # red
        make_case(world, status=Status.UNDER_REVIEW, promised_due=today, statutory_due=today + 10 * day),  # yellow
        make_case(world, status=Status.ACCEPTED, promised_due=today + 40 * day, statutory_due=today + 60 * day),
        make_case(world, status=Status.DENIAL_PENDING, promised_due=today + 3 * day, statutory_due=today + 3 * day),
        make_case(world, status=Status.APPROVED, promised_due=today - 30 * day),
        make_case(world, status=Status.CONCLUDED),
        make_case(world, status=Status.CORRECTION_REQUESTED, promised_due=None),
    ]
    other = make_case(world, item=world.item, status=Status.SUBMITTED, department=world.other_department,
                      acceptance_due=today + day)  # another department's
    return made, other


def direct(world, user_departments, today):
    """The figures counted here, case by case, in Python."""
    cases = [c for c in CaseFile.objects.select_related("item")
             if user_departments is None or c.department_id in user_departments]
    tabs = {}
    for tab in worklists.TABS:
        tabs[tab.key] = len([c for c in cases if c.status != Status.DRAFT
                             and (not tab.statuses or c.status in tab.statuses) and (tab.bundles or not c.is_bundle)])
    lights = {"red": 0, "yellow": 0, "green": 0}
    for c in cases:
        reading = clocks.light_of(c, today, limit_working_days=c.item.promised_days)
        if reading:
            lights[reading.light] += 1
    return tabs, lights


def test_the_figures_equal_direct_counts(world):
    today = timezone.localdate()
    made, other = populate(world, today)
    handlers.claim(made[1], Stage.ACCEPTANCE, world.clerk)
    handlers.claim(made[4], Stage.REVIEW, world.reviewer)
    handlers.claim(made[5], Stage.DECISION, world.decider)
    for user, departments in ((world.clerk, {world.department.pk}), (world.lead, {world.department.pk}),
                              (world.supervisor, None)):
        found = dashboard.figures(user, today)
        tabs, lights = direct(world, departments, today)
        assert {t.tab.key: t.count for t in found.tabs} == tabs, user
        assert found.lights == lights, user
        assert not found.everything if departments else found.everything
        # Each tab's figure is the inbox's count of that tab.
        for t in found.tabs:
            assert t.count == len(inbox.cases(user, tab=t.tab.key)), t.tab.key
    assert dashboard.figures(world.clerk, today).mine == 1
    assert dashboard.figures(world.reviewer, today).mine == 1
    assert dashboard.figures(world.other_clerk, today).lights == {"red": 0, "yellow": 1, "green": 0}


def test_turning_red_soonest(world):
    today = timezone.localdate()
    made, other = populate(world, today)
    soonest = dashboard.figures(world.clerk, today).soonest
    not_red_running = [c for c in made if c.status in states.CLOCK_RUNNING
                       and clocks.light_of(c, today) and clocks.light_of(c, today).light != "red"
                       and (c.acceptance_due if c.status in clocks.ACCEPTANCE_STATUSES else c.statutory_due)]
    assert {c.pk for c in soonest} == {c.pk for c in not_red_running}
    dates = [c.red_date for c in soonest]
    assert dates == sorted(dates) and dates[0] == today + datetime.timedelta(days=1)
    assert other not in soonest


def test_figures_are_counted_in_sql_never_loaded(world, django_assert_max_num_queries):
    today = timezone.localdate()
    populate(world, today)
    user = type(world.clerk).objects.get(pk=world.clerk.pk)
    dashboard.figures(user, today)  # warm the calendar and the user's roles
    # Tallies, parallel grants and parents by status (every tab at once); the lights' three
    # filtered counts (with the items' limits, and the grants again); my cases; the soonest ten.
    with django_assert_max_num_queries(10):
        dashboard.figures(user, today)


def test_extra_figures(world):
    dashboard.add_figures("orders_waiting", lambda user, today: 7)
    try:
        assert dashboard.figures(world.lead).extra == {"orders_waiting": 7}
    finally:
        dashboard._EXTRA.pop("orders_waiting")


def test_a_bundles_parent_is_not_in_to_accept(bundle_world, client):
    parent = submit_bundle(bundle_world)
    assert parent.status == Status.SUBMITTED and parent.department == bundle_world.department
    child = parent.children.get(department=bundle_world.department)
    for user in (bundle_world.clerk, bundle_world.supervisor):
        listing = inbox.cases(user, tab="submitted")
        assert parent not in list(listing) and child in list(listing)
        rows = CaseFile.objects.filter(status=Status.SUBMITTED, is_bundle=False)
        if user == bundle_world.clerk:
            rows = rows.filter(department=bundle_world.department)
        assert listing.count() == rows.count() == len(list(listing))
        assert parent in list(inbox.cases(user, tab="all"))  # still the lead department's coordinating view
    client.force_login(bundle_world.clerk)
    response = client.get(reverse("casefiles_workbench:inbox"), {"tab": "submitted"})
    assert response.context["page"].paginator.count == 1
    assert [row.case for row in response.context["rows"]] == [child]
    found = dashboard.figures(bundle_world.clerk)
    assert next(t.count for t in found.tabs if t.tab.key == "submitted") == 1
    assert CaseFile.objects.filter(Q(status=Status.SUBMITTED), department=bundle_world.department).count() == 2


def test_the_home_page_shows_my_work(world, client):
    today = timezone.localdate()
    made, _other = populate(world, today)
    handlers.claim(made[1], Stage.ACCEPTANCE, world.clerk)
    client.force_login(world.clerk)
    response = client.get(reverse("wagtailadmin_home"))
    text = response.content.decode()
    assert response.status_code == 200 and 'id="my-work-lights"' in text
    assert 'id="my-work-soonest"' in text and made[1].number in text
    assert reverse("casefiles_workbench:inbox") + "?tab=mine" in text
    client.force_login(world.applicant)
    assert 'id="my-work-lights"' not in client.get(reverse("wagtailadmin_home")).content.decode()
