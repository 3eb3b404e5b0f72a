"""高频服务: the items with the most cases handed in over the last 12 months, the most first."""

import datetime

from django.core.cache import cache
from django.utils import timezone
from freezegun import freeze_time

from casefiles.cases import numbers, popular
from casefiles.cases.models import CaseFile, Status
from cms.models import ServiceItemPage


def _cases(world, item, count, *, status=Status.SUBMITTED, submitted_at=None):
    for _ in range(count):
        CaseFile.objects.create(
            number=numbers.next_case_number(item.department), item=item, item_code=item.item_code,
            item_title=item.title, department=item.department, enterprise=world.enterprise,
            applicant_name=world.enterprise.name, applicant_code=world.enterprise.uscc, status=status,
            submitted_at=submitted_at if submitted_at is not None else (None if status == Status.DRAFT else timezone.now()),
        )


def _second_item(world):
    return world.item.get_parent().add_child(instance=ServiceItemPage(
        title="公共场所卫生许可", slug="hygiene", item_code="11440400MB2C92390J4440111002000", statutory_days=20,
        promised_days=10,
    ))


@freeze_time("2026-11-20 10:00:00+08:00")
def test_the_most_applied_for_come_first_and_drafts_and_old_cases_do_not_count(world):
    hygiene = _second_item(world)
    _cases(world, world.item, 2)
    _cases(world, hygiene, 1)
    _cases(world, hygiene, 3, status=Status.DRAFT)
    _cases(world, hygiene, 4, submitted_at=timezone.now() - datetime.timedelta(days=400))
    cache.clear()
    assert [item.pk for item in popular.most_applied_for()] == [world.item.pk, hygiene.pk]


def test_nothing_applied_for_is_an_empty_list(world):
    cache.clear()
    assert popular.most_applied_for() == []


def test_an_unpublished_item_is_left_out(world):
    hygiene = _second_item(world)
    _cases(world, world.item, 2)
    _cases(world, hygiene, 1)
    world.item.unpublish()
    cache.clear()
    assert [item.pk for item in popular.most_applied_for()] == [hygiene.pk]


def test_the_ranking_is_cached(world):
    _cases(world, world.item, 1)
    cache.clear()
    popular.most_applied_for()
    _cases(world, _second_item(world), 5)
    assert [item.pk for item in popular.most_applied_for()] == [world.item.pk]
