"""收藏: adding, removing and toggling a favourite; only guides, bundles and policies; an
unpublished page's favourite kept but not listed."""

import pytest

from casefiles.favourites import favourites
from casefiles.favourites.models import Favourite


def test_toggling_adds_then_removes(world):
    assert favourites.toggle(world.citizen, world.item) is True
    assert favourites.is_favourite(world.citizen, world.item)
    assert [f.page.pk for f in favourites.listed(world.citizen)] == [world.item.pk]
    assert favourites.toggle(world.citizen, world.item) is False
    assert favourites.listed(world.citizen) == []


def test_adding_twice_keeps_one(world):
    favourites.add(world.citizen, world.item)
    favourites.add(world.citizen, world.item)
    assert Favourite.objects.filter(user=world.citizen).count() == 1


def test_a_page_that_is_not_a_guide_bundle_or_policy_is_refused(world):
    department_page = world.item.get_parent().specific
    with pytest.raises(ValueError):
        favourites.add(world.citizen, department_page)


def test_favourites_are_each_users_own(world):
    favourites.add(world.citizen, world.item)
    assert favourites.listed(world.stranger) == []
    assert not favourites.is_favourite(world.stranger, world.item)


def test_an_unpublished_page_is_not_listed_and_comes_back_when_published(world):
    favourites.add(world.citizen, world.item)
    world.item.unpublish()
    assert favourites.listed(world.citizen) == []
    world.item.save_revision().publish()
    assert [f.page.pk for f in favourites.listed(world.citizen)] == [world.item.pk]
