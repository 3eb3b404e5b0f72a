"""The demo's self-registered citizen, and every demo mobile proven (casefiles.demo.registration)."""

import pytest

from casefiles.directory import protected
from casefiles.demo.directory import DEMO_PASSWORD, load_departments, load_people
from casefiles.demo.members import load_members
from casefiles.demo.realname import load_levels
from casefiles.demo.registration import load_self_registered
from casefiles.directory.models import Person
from casefiles.realname import levels
from casefiles.registration import claims

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_people():
    users = load_people(load_departments())
    load_levels(users)
    load_members()
    load_self_registered()
    load_self_registered()  # idempotent


def test_chen_xiaoming_registered_herself_by_mobile(demo_people, client):
    chen = Person.objects.get(protected.matches("phone", "13800138000"))
    assert chen.name == "陈晓明" and chen.user.username == "citizen3"
    assert levels.level(chen) == levels.REGISTERED and claims.mobile_proven(chen)
    assert chen.verifications.count() == 1
    assert client.post("/accounts/login/", {"login": "13800138000", "password": DEMO_PASSWORD}).status_code == 302
    assert client.session["_auth_user_id"] == str(chen.user_id)


def test_every_demo_person_with_an_account_and_a_mobile_has_proven_it(demo_people):
    people = Person.objects.filter(user__isnull=False).exclude(phone="")
    assert {p.user.username for p in people} >= {"citizen1", "citizen2", "citizen3", "enterprise2-handler"}
    assert all(claims.mobile_proven(p) for p in people)


@pytest.mark.parametrize("login", ["enterprise2-handler", "13800138002", "citizen2", "13800138012"])
def test_their_password_sign_in_is_not_stopped_at_the_code_page(demo_people, client, login):
    answer = client.post("/accounts/login/", {"login": login, "password": DEMO_PASSWORD})
    assert answer.status_code == 302 and answer["Location"] == "/"
