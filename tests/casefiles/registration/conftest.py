"""Registration, sign-in by code and password reset by SMS, through allauth's pages with the
locmem SMS backend (config/settings/test.py): codes are read from ``casefiles.accounts.sms.outbox``."""

import re

import pytest

from casefiles.directory import protected
from casefiles.demo.directory import demo_resident_id

PASSWORD = "Zhuhai-2027-spring"
MOBILE = "13900139000"
ID_NUMBER = demo_resident_id("44040219880808123")  # a right check character
NAME = "陈晓明"


@pytest.fixture
def outbox():
    from casefiles.accounts import sms

    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture(autouse=True)
def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def texts_to(outbox, number):
    return [sent.text for sent in outbox if sent.number == number]


def code_in(outbox, number) -> str | None:
    """The six-digit code of the newest text to ``number`` (None: it carried none)."""
    texts = texts_to(outbox, number)
    found = re.search(r"(?<!\d)(\d{6})(?!\d)", texts[-1]) if texts else None  # (\b fails beside 汉字)
    return found.group(1) if found else None


def register(client, **fields):
    data = {"name": NAME, "id_number": ID_NUMBER, "phone": MOBILE, "password1": PASSWORD, "password2": PASSWORD}
    data.update(fields)
    return client.post("/accounts/signup/", data)


def verify(client, code):
    return client.post("/accounts/phone/verify/", {"code": code})


def page_text(response) -> str:
    """What the visitor sees, without what differs on every answer (CSRF tokens)."""
    body = response.content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)


@pytest.fixture
def citizen(db, outbox, client):
    """A citizen who registered (and proved the mobile number), signed out again."""
    from django.core.cache import cache

    from casefiles.directory.models import Person

    register(client)
    verify(client, code_in(outbox, MOBILE))
    client.post("/accounts/logout/")
    client.cookies.clear()  # a visitor of another day: no session, no messages left
    outbox.clear()
    cache.clear()  # some time ago: the texts' limits (per minute, per hour) have forgotten it
    return Person.objects.get(protected.matches("id_number", ID_NUMBER))


def request_sign_in_code(client, mobile=MOBILE):
    return client.post("/accounts/login/code/", {"phone": mobile})


def confirm_sign_in_code(client, code):
    return client.post("/accounts/login/code/confirm/", {"code": code})


def request_reset_code(client, mobile=MOBILE):
    return client.post("/accounts/password/reset/sms/", {"phone": mobile})


def confirm_reset_code(client, code):
    return client.post("/accounts/password/reset/sms/code/", {"code": code})
