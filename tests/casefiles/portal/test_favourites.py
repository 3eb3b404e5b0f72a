"""收藏 on the portal: the ♡ button on a guide (POST, toggles), 我的收藏, and the sign-in detour."""

from django.urls import reverse

from casefiles.favourites import favourites

MINE = reverse("casefiles:my_favourites")


def toggle_url(page):
    return reverse("casefiles:favourite_toggle", args=[page.pk])


def test_the_button_toggles_and_returns_to_the_page(client, world):
    client.force_login(world.citizen)
    response = client.post(toggle_url(world.item), {"next": world.item.url})
    assert response.status_code == 302 and response["Location"] == world.item.url
    assert favourites.is_favourite(world.citizen, world.item)
    page = client.get(world.item.url)
    assert 'aria-pressed="true"' in page.content.decode()
    client.post(toggle_url(world.item), {"next": world.item.url})
    assert not favourites.is_favourite(world.citizen, world.item)


def test_someone_not_signed_in_is_sent_to_sign_in_and_back_to_the_page(client, world):
    response = client.post(toggle_url(world.item), {"next": world.item.url})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "next=" + world.item.url.replace("/", "%2F") in response["Location"]


def test_a_foreign_next_is_ignored(client, world):
    client.force_login(world.citizen)
    response = client.post(toggle_url(world.item), {"next": "//evil.example/"})
    assert response["Location"] == world.item.url


def test_a_get_is_refused(client, world):
    client.force_login(world.citizen)
    assert client.get(toggle_url(world.item)).status_code == 405


def test_a_page_that_cannot_be_a_favourite_is_not_found(client, world):
    client.force_login(world.citizen)
    assert client.post(toggle_url(world.item.get_parent())).status_code == 404


def test_my_favourites_lists_live_pages_only(client, world):
    favourites.add(world.citizen, world.item)
    client.force_login(world.citizen)
    assert world.item.title in client.get(MINE).content.decode()
    world.item.unpublish()
    assert world.item.title not in client.get(MINE).content.decode()


def test_my_favourites_asks_to_sign_in(client, world):
    response = client.get(MINE)
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
