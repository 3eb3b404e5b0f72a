"""A person registers with name, resident identity number, a mobile number proven by a code, and
a password; a record the service centre made earlier is claimed, not duplicated; nothing on the
page tells whether a mobile or an identity number is registered."""

import re

import pytest
from django.contrib.auth import get_user_model

from casefiles.directory import protected
from casefiles.demo.directory import demo_resident_id
from casefiles.directory.models import Person
from casefiles.realname import levels
from tests.casefiles.registration.conftest import (
    ID_NUMBER, MOBILE, NAME, PASSWORD, code_in, page_text, register, texts_to, verify,
)

pytestmark = pytest.mark.django_db

OTHER_MOBILE = "13700137000"


def signed_in(client):
    return client.session.get("_auth_user_id")


def test_a_new_citizen_registers_proves_the_mobile_and_is_signed_in(client, outbox):
    answer = register(client)
    assert answer.status_code == 302 and answer["Location"] == "/accounts/phone/verify/"
    assert not signed_in(client)  # not before the code

    page = client.get(answer["Location"])
    assert page.status_code == 200 and MOBILE in page_text(page)
    answer = verify(client, code_in(outbox, MOBILE))
    assert answer.status_code == 302 and signed_in(client)

    person = Person.objects.get(protected.matches("id_number", ID_NUMBER))
    assert person.name == NAME and person.phone == MOBILE
    assert person.user_id == int(signed_in(client)) and person.user.first_name == NAME  # the header names her
    assert levels.level(person) == levels.REGISTERED
    assert levels.standing_by(person, levels.REGISTERED, levels.MOBILE).evidence == "mobile ****9000"

    # She signs in again with the mobile number and the password.
    client.post("/accounts/logout/")
    assert client.post("/accounts/login/", {"login": MOBILE, "password": PASSWORD}).status_code == 302
    assert signed_in(client) == str(person.user_id)


def test_the_registration_page_says_three_steps_and_links_sign_in(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    text = page_text(client.get("/accounts/signup/"))
    assert "注册一网通办" in text and "三步" in text
    assert 'href="/accounts/login/"' in text
    assert "Wagtail" not in text
    for field in ("id_name", "id_id_number", "id_phone", "id_password1", "id_password2"):
        assert f'id="{field}"' in text


def test_a_wrong_check_digit_is_refused_on_the_form(client, outbox):
    wrong = ID_NUMBER[:17] + ("0" if ID_NUMBER[17] != "0" else "1")
    answer = register(client, id_number=wrong)
    assert answer.status_code == 200
    assert "The check character does not match" in page_text(answer)
    assert f'value="{NAME}"' in page_text(answer) and f'value="{MOBILE}"' in page_text(answer)  # kept as typed
    assert not Person.objects.exists() and not get_user_model().objects.exists() and outbox == []


@pytest.mark.parametrize("mobile, complaint", [("12345", "11 digits"), ("2380013800", "11 digits")])
def test_a_malformed_mobile_number_is_refused(client, outbox, mobile, complaint):
    answer = register(client, phone=mobile)
    assert answer.status_code == 200 and complaint in page_text(answer) and outbox == []


def test_a_staff_created_person_is_claimed_not_duplicated(client, outbox, make_user):
    clerk_made = Person.objects.create(name=NAME, id_number=ID_NUMBER, phone=MOBILE, address="珠海市香洲区")
    register(client, id_number=ID_NUMBER.lower() if ID_NUMBER.endswith("X") else ID_NUMBER)
    verify(client, code_in(outbox, MOBILE))
    assert signed_in(client)
    assert Person.objects.count() == 1
    claimed = Person.objects.get()
    assert claimed.pk == clerk_made.pk and claimed.address == "珠海市香洲区"
    assert claimed.user_id == int(signed_in(client))


def test_a_record_without_a_mobile_is_claimed_with_the_number_proven(client, outbox):
    clerk_made = Person.objects.create(name=NAME, id_number=ID_NUMBER)
    register(client)
    verify(client, code_in(outbox, MOBILE))
    assert Person.objects.get().pk == clerk_made.pk and Person.objects.get().phone == MOBILE


def seen(response, mobile) -> str:
    """The page as the visitor sees it, the number they typed (shown back to them) set aside."""
    return page_text(response).replace(mobile, "<the number typed>")


def registration_seen(client, mobile, **fields):
    """What a visitor sees of a registration: its answer, the code page, a guessed code's answer."""
    answer = register(client, phone=mobile, **fields)
    assert answer.status_code == 302
    pages = [answer["Location"], seen(client.get(answer["Location"]), mobile)]
    guessed = verify(client, "000000")
    pages += [guessed.status_code, seen(guessed, mobile)]
    client.logout()
    client.cookies.clear()
    return pages


def test_an_already_registered_mobile_gets_the_same_page_as_a_new_one(client, outbox, citizen):
    people, accounts = Person.objects.count(), get_user_model().objects.count()
    taken = registration_seen(client, MOBILE, name="林晓燕", id_number=demo_resident_id("44040219920303123"))
    assert Person.objects.count() == people and get_user_model().objects.count() == accounts  # nothing made
    assert code_in(outbox, MOBILE) is None and "already has an account" in texts_to(outbox, MOBILE)[-1]

    new = registration_seen(client, OTHER_MOBILE, name="何志强", id_number=demo_resident_id("44040219950505567"))
    assert code_in(outbox, OTHER_MOBILE) is not None
    assert taken[0] == new[0] and taken[2] == new[2]
    for one, other in ((taken[1], new[1]), (taken[3], new[3])):
        assert one.splitlines() == other.splitlines()


def test_an_already_registered_identity_number_gets_the_same_page_as_a_new_one(client, outbox, citizen):
    accounts = get_user_model().objects.count()
    taken = registration_seen(client, OTHER_MOBILE)  # 陈晓明's identity number, another mobile
    assert get_user_model().objects.count() == accounts
    assert Person.objects.get(protected.matches("id_number", ID_NUMBER)).phone == MOBILE  # her record untouched
    text = texts_to(outbox, OTHER_MOBILE)[-1]
    assert code_in(outbox, OTHER_MOBILE) is None and "service window" in text

    new = registration_seen(client, "13600136000", name="何志强", id_number=demo_resident_id("44040219950505567"))
    assert taken[0] == new[0] and taken[2] == new[2]
    for one, other in ((taken[1], new[1]), (taken[3], new[3])):
        assert one.splitlines() == other.splitlines()


def test_a_record_with_another_name_is_not_claimed(client, outbox):
    Person.objects.create(name="陈晓敏", id_number=ID_NUMBER, phone=MOBILE)
    answer = register(client)
    assert answer.status_code == 302  # the code page, as for anyone
    assert code_in(outbox, MOBILE) is None and Person.objects.get().user is None


def test_a_text_the_gateway_refuses_makes_nothing_and_keeps_what_was_typed(client, outbox, monkeypatch):
    from casefiles.accounts import sms

    def down(number, text):
        raise sms.TextNotSent("The text message could not be sent. Please try again in a minute.")

    monkeypatch.setitem(sms.BACKENDS, "locmem", down)
    answer = register(client)
    assert answer.status_code == 503
    text = page_text(answer)
    assert "could not be sent" in text
    assert f'value="{NAME}"' in text and f'value="{ID_NUMBER}"' in text and f'value="{MOBILE}"' in text
    assert not Person.objects.exists() and not get_user_model().objects.exists()

    monkeypatch.undo()
    assert register(client).status_code == 302 and code_in(outbox, MOBILE)  # once it is back, it goes through


def test_too_many_registrations_to_a_number_are_refused_with_429(client, outbox):
    assert register(client).status_code == 302
    client.post("/accounts/logout/")
    again = register(client, name="何志强", id_number=demo_resident_id("44040219950505567"))  # same number, a minute
    assert again.status_code == 429 and int(again["Retry-After"]) > 0
    assert "Too many text messages" in page_text(again)
    assert len(texts_to(outbox, MOBILE)) == 1


def test_a_registration_left_at_the_code_is_finished_at_the_next_sign_in(client, outbox):
    from django.core.cache import cache

    register(client)
    client.cookies.clear()
    cache.clear()  # another day
    answer = client.post("/accounts/login/", {"login": MOBILE, "password": PASSWORD})
    assert answer.status_code == 302 and answer["Location"] == "/accounts/phone/verify/" and not signed_in(client)
    verify(client, code_in(outbox, MOBILE))
    assert signed_in(client) and levels.level(Person.objects.get()) == levels.REGISTERED


def test_that_sign_in_texts_the_number_no_more_than_its_limit(client, outbox):
    register(client)
    client.cookies.clear()
    again = client.post("/accounts/login/", {"login": MOBILE, "password": PASSWORD})  # a minute has not passed
    assert again.status_code == 429 and 0 < int(again["Retry-After"]) <= 60
    assert "Too many text messages" in page_text(again) and not signed_in(client)
    assert len(texts_to(outbox, MOBILE)) == 1
