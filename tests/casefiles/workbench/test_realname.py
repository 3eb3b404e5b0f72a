"""Verify in person (实名核验), under the front desk: a window clerk finds a person by identity
number, sees their level, and records the document checked."""

import pytest
from django.urls import reverse

from casefiles.demo.directory import demo_resident_id
from casefiles.realname import levels, window

URL = "/admin/cases/frontdesk/real-name/"


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def text(response) -> str:
    return " ".join(response.content.decode().split())


def test_the_clerk_finds_the_person_sees_them_masked_and_records_the_check(world, client):
    assert reverse("casefiles_workbench:verify_in_person") == URL
    client.force_login(world.window)
    assert client.get(URL).status_code == 200
    found = client.post(URL, {"action": "find", "id_number": world.person.id_number})
    assert found.status_code == 200
    page = text(found)
    assert world.person.name in page and world.person.masked_id_number in page
    assert world.person.id_number not in page.replace(f'value="{world.person.id_number}"', "")  # only in the form's field
    assert "None yet" in page

    recorded = client.post(URL, {"action": "verify", "id_number": world.person.id_number,
                                 "document": window.Document.RESIDENT_ID_CARD})
    assert recorded.status_code == 302 and recorded["Location"] == URL
    verification = world.person.verifications.get()
    assert (verification.level, verification.verified_by) == ("in_person", world.window)
    assert verification.events.get().action == "verify"
    assert "is verified in person" in text(client.get(URL))

    again = client.post(URL, {"action": "verify", "id_number": world.person.id_number,
                              "document": window.Document.RESIDENT_ID_CARD}, follow=True)
    assert "already verified in person" in text(again) and world.person.verifications.count() == 1
    shown = text(client.post(URL, {"action": "find", "id_number": world.person.id_number}))
    assert "Real-name check in person (线下核验)" in shown and "居民身份证" in shown


@pytest.mark.parametrize("number, status, message", [
    ("4404021990", 400, "18"),
    ("440402199001011239", 400, "check character"),
    (demo_resident_id("11010519491231002"), 404, "register them first"),
])
def test_a_number_that_names_nobody_is_answered_on_the_form(world, client, number, status, message):
    client.force_login(world.window)
    response = client.post(URL, {"action": "find", "id_number": number})
    assert response.status_code == status and message in text(response)
    assert 'name="document"' not in text(response)


def test_a_check_needs_its_document(world, client):
    client.force_login(world.window)
    response = client.post(URL, {"action": "verify", "id_number": world.person.id_number, "document": "library-card"})
    assert response.status_code == 400 and not world.person.verifications.exists()


def test_only_window_clerks_see_the_page(world, client):
    for user in (world.clerk, world.supervisor):
        client.force_login(user)
        # Wagtail answers a refusal with the dashboard.
        assert client.get(URL).status_code == 302
        assert client.post(URL, {"action": "verify", "id_number": world.person.id_number,
                                 "document": window.Document.RESIDENT_ID_CARD}).status_code == 302
    assert levels.level(world.person) is None
