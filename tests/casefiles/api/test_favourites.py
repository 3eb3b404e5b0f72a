"""/api/v1/favourites/: list, add and remove the caller's own favourites."""

from rest_framework.test import APIClient

from casefiles.favourites import favourites
from tests.casefiles.conftest import fresh

LIST = "/api/v1/favourites/"


def api(user):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(fresh(user))
    return client


def test_add_list_and_remove(world):
    client = api(world.citizen)
    added = client.post(LIST, {"page": world.item.pk}, format="json")
    assert added.status_code == 201
    assert added.json()["kind"] == "guide" and added.json()["title"] == world.item.title
    listed = client.get(LIST).json()
    assert [row["page"] for row in listed["results"]] == [world.item.pk]
    assert client.delete(f"{LIST}{world.item.pk}/").status_code == 204
    assert client.get(LIST).json()["results"] == []
    assert client.delete(f"{LIST}{world.item.pk}/").status_code == 404


def test_only_guides_bundles_and_policies(world):
    response = api(world.citizen).post(LIST, {"page": world.item.get_parent().pk}, format="json")
    assert response.status_code == 404


def test_someone_elses_favourites_are_not_shown(world):
    favourites.add(world.stranger, world.item)
    assert api(world.citizen).get(LIST).json()["results"] == []


def test_not_signed_in_is_refused(db):
    assert APIClient().get(LIST).status_code in (401, 403)


def test_keeping_a_page_twice_keeps_one_and_answers_the_first(world):
    client = api(world.citizen)
    first = client.post(LIST, {"page": world.item.pk}, format="json").json()
    again = client.post(LIST, {"page": world.item.pk}, format="json")
    assert again.status_code == 201 and again.json() == first
    assert client.get(LIST).json()["count"] == 1
    assert first["url"].startswith("http://testserver/") and first["url"].endswith(world.item.url)


def test_the_refusals_say_why(world):
    client = api(world.citizen)
    missing = client.post(LIST, {}, format="json")
    assert missing.status_code == 400 and "page" in missing.json()
    assert client.post(LIST, {"page": "abc"}, format="json").status_code == 400
    nowhere = client.post(LIST, {"page": 999_999}, format="json")
    assert nowhere.status_code == 404
    assert nowhere.json()["code"] == "not_found"
    assert nowhere.json()["detail"] == "There is no such guide, bundle or policy."
    not_kept = client.delete(f"{LIST}{world.item.pk}/")
    assert not_kept.status_code == 404 and not_kept.json()["detail"] == "That page is not among your favourites."


def test_someone_elses_favourite_cannot_be_removed(world):
    favourites.add(world.stranger, world.item)
    assert api(world.citizen).delete(f"{LIST}{world.item.pk}/").status_code == 404
    assert favourites.is_favourite(world.stranger, world.item)


def test_an_unpublished_page_cannot_be_kept_and_its_favourite_is_not_listed(world):
    client = api(world.citizen)
    client.post(LIST, {"page": world.item.pk}, format="json")
    world.item.unpublish()
    assert client.get(LIST).json()["results"] == []
    assert client.post(LIST, {"page": world.item.pk}, format="json").status_code == 404
