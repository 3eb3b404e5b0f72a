"""认领: which record a registration may claim (casefiles.registration.claims)."""

import datetime

import pytest
from django.utils import timezone

from casefiles.directory.models import Person
from casefiles.realname import levels
from casefiles.registration import claims
from tests.casefiles.registration.conftest import ID_NUMBER, MOBILE, NAME

pytestmark = pytest.mark.django_db

LATER = claims.STALE_AFTER + datetime.timedelta(minutes=1)


def record(**fields):
    return Person.objects.create(**{"name": NAME, "id_number": ID_NUMBER, **fields})


def test_a_record_without_an_account_is_claimed_with_its_own_mobile_or_none():
    assert claims.claimable(record(), MOBILE, name=NAME)
    Person.objects.all().delete()
    assert claims.claimable(record(phone=MOBILE), MOBILE, name=NAME)
    assert not claims.claimable(Person.objects.get(), "13700137000", name=NAME)  # the clerk noted another


def test_the_name_must_be_the_records():
    person = record()
    assert claims.claimable(person, MOBILE, name=f" {NAME} ")
    assert not claims.claimable(person, MOBILE, name="陈晓敏")


def test_an_account_that_stands_is_never_claimed(make_user):
    proven = record(phone=MOBILE, user=make_user("someone"))
    levels.record(proven, levels.REGISTERED, method=levels.MOBILE)
    assert not claims.claimable(proven, MOBILE, name=NAME, now=timezone.now() + LATER)


def test_an_abandoned_registration_is_claimed_after_a_while(make_user):
    abandoned = record(phone="13700137000", user=make_user("user"))
    assert not claims.claimable(abandoned, MOBILE, name=NAME)  # a registration under way
    assert claims.claimable(abandoned, MOBILE, name=NAME, now=timezone.now() + LATER)


@pytest.mark.parametrize("fields", [{"last_login": timezone.now()}, {"is_staff": True}])
def test_an_account_that_signed_in_or_a_staff_account_is_never_claimed(make_user, fields):
    """An administrator's account of the person, from before the levels, was used: it is theirs."""
    person = record(user=make_user("citizen", **fields))
    assert not claims.claimable(person, MOBILE, name=NAME, now=timezone.now() + LATER)


def test_attaching_takes_over_the_abandoned_account_and_its_old_proof(make_user):
    old_account = make_user("user")
    person = record(user=None, phone=MOBILE)
    proof = levels.record(person, levels.REGISTERED, method=levels.MOBILE)  # of an account deleted since
    new_account = make_user("user2")
    attached = claims.attach(new_account, name=NAME, id_number=ID_NUMBER, mobile=MOBILE)
    assert attached.pk == person.pk and attached.user == new_account
    proof.refresh_from_db()
    assert proof.revoked_at is not None  # the new account proves the number itself

    person.user = old_account
    person.save()
    claims.attach(new_account, name=NAME, id_number=ID_NUMBER, mobile=MOBILE)
    old_account.refresh_from_db()
    assert not old_account.is_active
