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
