"""clocks: light_of is the one rule of a case's light, light_condition the same rule as a query
(compared case by case, the acceptance stage's five working days included); the inbox and the
case page show it."""

import datetime

from freezegun import freeze_time
from django.urls import reverse
from django.utils import timezone

from casefiles.access import permissions
from casefiles.cases import numbers
from casefiles.cases.models import CaseFile, Status
from casefiles.deadlines import working_days
from casefiles.supervision import clocks
from casefiles.supervision.models import Stage
from casefiles.workbench import inbox
from cms.models import ServiceItemPage
from tests.casefiles.conftest import submit_application


def make_case(world, *, status=Status.SUBMITTED, item=None, **fields):
    item = item or world.item
    defaults = dict(
        number=numbers.next_case_number(item.department), item=item, item_code=item.item_code, item_title=item.title,
        department=item.department, enterprise=world.enterprise, applicant_name=world.enterprise.name,
        applicant_code=world.enterprise.uscc, status=status, submitted_at=timezone.now(),
    )
    defaults.update(fields)
    case = CaseFile.objects.create(**defaults)
    permissions.grant_department(case, case.department)  # as a submission grants it: `can` asks the grants
    return case


def test_the_query_agrees_with_light_of_case_by_case(world):
    """Moved from the workbench's tests: now with cases waiting for acceptance."""
    long_item = world.item.get_parent().add_child(instance=ServiceItemPage(
        title="医疗机构执业登记", slug="clinic", item_code="11440400MB2C92390J4440111003000", statutory_days=45,
        promised_days=20,
    ))
    calendar = working_days.get_calendar()
    today = timezone.localdate()
    made = []
    for item in (world.item, long_item):
        for offset in (-3, 0, 1, 2, 3, 4, 5, 8):
            promised = calendar.add_working_days(today, offset) if offset >= 0 else today - datetime.timedelta(days=-offset)
            for statutory in (promised + datetime.timedelta(days=20), today - datetime.timedelta(days=1)):
                made.append(make_case(world, item=item, status=Status.UNDER_REVIEW, promised_due=promised,
                                      statutory_due=statutory))
    # The acceptance stage: five working days from receipt, whatever the item's limits.
    for offset in (-2, 0, 1, 2, 3, 5, 6):
        due = calendar.add_working_days(today, offset) if offset >= 0 else today - datetime.timedelta(days=-offset)
        for status in (Status.SUBMITTED, Status.NON_ACCEPTANCE_PENDING):
            made.append(make_case(world, status=status, acceptance_due=due))
    made.append(make_case(world, status=Status.SUBMITTED, acceptance_due=None))  # before the clock existed
    made.append(make_case(world, status=Status.ACCEPTED, promised_due=None, statutory_due=None))
    made.append(make_case(world, status=Status.APPROVED, promised_due=today - datetime.timedelta(days=30)))
    expected = {}
    for case in CaseFile.objects.select_related("item"):
        reading = clocks.light_of(case, today, limit_working_days=case.item.promised_days, calendar=calendar)
        if reading:
            expected.setdefault(reading.light, set()).add(case.pk)
    for colour in working_days.Light.values:
        found = set(clocks.filter_by_light(CaseFile.objects.all(), colour, today, calendar).values_list("pk", flat=True))
        assert found == expected.get(colour, set()), colour
        assert found, f"the cases above should give some {colour} lights"
    accepting = {c.pk for c in made if c.status in clocks.ACCEPTANCE_STATUSES and c.acceptance_due}
    assert accepting & expected["red"] and accepting & expected["yellow"] and accepting & expected["green"]
    assert made[-1].pk not in set().union(*expected.values())  # a decided case has no light


def test_a_submitted_case_shows_its_acceptance_light(world, client):
    """Yellow within the five days' window, red once acceptance_due has passed — no longer
    "green, no deadline"."""
    with freeze_time(datetime.datetime(2026, 3, 2, 2, tzinfo=datetime.timezone.utc)):  # 10:00 in Zhuhai
        case = submit_application(world, world.applicant, world.enterprise)  # a Monday
        assert case.acceptance_due == datetime.date(2026, 3, 9)
        assert clocks.light_of(case).light == working_days.Light.GREEN
    for day, light in ((datetime.date(2026, 3, 6), "yellow"), (datetime.date(2026, 3, 9), "yellow"),
                       (datetime.date(2026, 3, 10), "red")):
        assert clocks.light_of(case, day).light == light, day
        assert list(clocks.filter_by_light(CaseFile.objects.all(), light, day)) == [case]
    client.force_login(world.clerk)
    with freeze_time(datetime.datetime(2026, 3, 10, 1, tzinfo=datetime.timezone.utc)):  # 09:00
        response = client.get(reverse("casefiles_workbench:inbox"), {"tab": "submitted"})
        assert [row.light.light for row in response.context["rows"]] == ["red"]
        page = client.get(reverse("casefiles_workbench:case", args=[case.number]))
        assert page.context["light"].light == "red"
        acceptance = next(e for e in page.context["handling_stages"] if e["stage"] == Stage.ACCEPTANCE)
        assert acceptance["clock"].due == datetime.date(2026, 3, 9) and acceptance["clock"].light.light == "red"
        assert acceptance["is_current"] and acceptance["handler"] is None
        assert 'id="stage-acceptance"' in page.content.decode()


def test_the_inbox_rows_use_light_of(world):
    case = make_case(world, acceptance_due=timezone.localdate() - datetime.timedelta(days=1))
    [row] = inbox.rows(inbox.cases(world.supervisor, tab="all"))
    assert row.case == case and row.light.light == "red" and row.stage == Stage.ACCEPTANCE and row.handler is None
