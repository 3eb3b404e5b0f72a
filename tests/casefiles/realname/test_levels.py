"""实名认证等级: a person's level, recording it (idempotently, journaled), revoking it, what a
guide needs and what someone short of it is told."""

import io

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import translation

from casefiles.demo.directory import demo_resident_id
from casefiles.directory.models import Person
from casefiles.errors import Conflict, Invalid
from casefiles.journal import records
from casefiles.realname import levels
from casefiles.realname.models import Level, Verification, VerificationEvent, highest


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


def test_the_levels_rank_registration_below_the_provider_below_a_check_in_person():
    assert Level.values == ["registered", "identity_provider", "in_person"]
    assert highest(["in_person", "registered", "identity_provider"]) == "in_person"
    assert highest([]) is None
    assert levels.meets("in_person", "identity_provider") and not levels.meets("identity_provider", "in_person")
    assert not levels.meets(None, "registered")


def test_a_persons_level_is_the_highest_verification_not_revoked(world):
    person = world.person
    assert levels.level(person) is None
    levels.record(person, levels.REGISTERED, method=levels.MOBILE, evidence="手机号码已验证")
    assert levels.level(person) == "registered"
    provider = levels.record(person, levels.IDENTITY_PROVIDER, method=levels.OIDC, evidence="https://tyrz.example sub-1")
    window = levels.record(person, levels.IN_PERSON, by=world.window, method=levels.WINDOW, evidence="居民身份证")
    assert levels.level(person) == "in_person"
    assert window.verified_by == world.window and provider.verified_by is None

    levels.revoke(window, by=world.window, reason="证件系冒用")
    assert levels.level(person) == "identity_provider"
    levels.revoke(provider, reason="统一身份认证账号已注销")
    assert levels.level(person) == "registered"
    assert levels.level(None) is None


def test_recording_what_stands_again_writes_nothing(world):
    """Registration and every sign-in with the provider call record: one row, one journal event."""
    person = world.person
    first = levels.record(person, levels.IDENTITY_PROVIDER, method=levels.OIDC, evidence="https://tyrz.example sub-1")
    for _ in range(3):
        again = levels.record(person, levels.IDENTITY_PROVIDER, method=levels.OIDC, evidence="https://tyrz.example sub-1")
        assert again.pk == first.pk
    registered = levels.record(person, levels.REGISTERED, method=levels.MOBILE)
    assert levels.record(person, levels.REGISTERED, method=levels.MOBILE).pk == registered.pk
    assert Verification.objects.filter(person=person).count() == 2
    assert VerificationEvent.objects.filter(verification=first).count() == 1


def test_the_database_keeps_one_standing_verification_per_level_and_method(world):
    levels.record(world.person, levels.REGISTERED, method=levels.MOBILE)
    with pytest.raises(DatabaseError), transaction.atomic():
        Verification.objects.create(person=world.person, level=levels.REGISTERED, method=levels.MOBILE)


def test_after_a_revocation_the_same_verification_is_recorded_anew(world):
    old = levels.record(world.person, levels.REGISTERED, method=levels.MOBILE, evidence="13800000000")
    levels.revoke(old, reason="手机号码已停用")
    new = levels.record(world.person, levels.REGISTERED, method=levels.MOBILE, evidence="13900000000")
    assert new.pk != old.pk and levels.level(world.person) == "registered"
    with pytest.raises(Conflict, match="already revoked"):
        levels.revoke(old, reason="again")
    with pytest.raises(Invalid, match="reason"):
        levels.revoke(new, reason=" ")


def test_a_check_in_person_names_its_clerk_and_a_method_is_one_of_the_known(world):
    with pytest.raises(ValueError):
        levels.record(world.person, levels.IN_PERSON, method=levels.WINDOW)
    with pytest.raises(ValueError):
        levels.record(world.person, levels.REGISTERED, method="carrier-pigeon")
    with pytest.raises(Invalid):
        levels.record(world.person, levels.REGISTERED, method=levels.MOBILE, evidence="x" * 301)
    assert not Verification.objects.exists()


# --- the journal ----------------------------------------------------------------------------

def test_each_verification_is_journaled_and_the_audit_checks_it(world):
    verification = levels.record(world.person, levels.IN_PERSON, by=world.window, method=levels.WINDOW,
                                 evidence="居民身份证")
    levels.revoke(verification, by=world.window, reason="录入错误")
    made, revoked = verification.events.order_by("sequence")
    assert (made.action, made.actor, made.data) == ("verify", world.window, {
        "person": world.person.pk, "level": "in_person", "method": "window", "evidence": "居民身份证"})
    assert (revoked.action, revoked.data["reason"]) == ("revoke", "录入错误")
    assert records.named("realname") is levels.JOURNAL
    assert records.verify(journal=levels.JOURNAL) == []
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    assert "intact" in out.getvalue()


def test_an_altered_verification_event_is_found_and_the_database_refuses_changes(world):
    verification = levels.record(world.person, levels.REGISTERED, method=levels.MOBILE, evidence="13800000000")
    event = verification.events.get()
    table = VerificationEvent._meta.db_table
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET data = '{{}}' WHERE id = %s", [event.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [event.pk])
    # Someone who got past the triggers: the seal no longer matches.
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER casefiles_verificationevent_no_update")
            cursor.execute(f"UPDATE {table} SET data = '{{\"evidence\": \"13900000000\"}}' WHERE id = %s", [event.pk])
        problems = records.verify(journal=levels.JOURNAL)
        assert [(p.journal, p.owner, p.sequence) for p in problems] == [("realname", verification.reference, 1)]


# --- what a guide needs, and what falls short is told ------------------------------------------

def needing(item, level):
    type(item).objects.filter(pk=item.pk).update(real_name_level=level)
    item.refresh_from_db()
    return item


def test_a_guide_needs_registration_unless_its_editors_say_more(world):
    assert levels.needed(world.item) == "registered"
    assert levels.shortfall(None, world.item) is None  # registration is the floor: nothing to refuse
    assert levels.needed(needing(world.item, "in_person")) == "in_person"


def test_a_bundle_needs_the_highest_of_its_items(bundle_world):
    w = bundle_world
    assert levels.needed(w.bundle) == "registered"
    needing(w.item2, "identity_provider")
    assert levels.needed(w.bundle) == "identity_provider"
    needing(w.item, "in_person")
    assert levels.needed(w.bundle) == "in_person"
    assert levels.needed([w.item2]) == "identity_provider"


def test_who_falls_short_is_told_what_to_do(world):
    person = world.person
    item = needing(world.item, "in_person")
    assert "bring your resident identity card to a service window" in levels.shortfall(person, item)
    levels.record(person, levels.IDENTITY_PROVIDER, method=levels.OIDC, evidence="https://tyrz.example sub-1")
    assert "bring your resident identity card" in levels.shortfall(person, item)  # the provider is not enough
    assert "not linked to your own identity" in levels.shortfall(None, item)

    item = needing(world.item, "identity_provider")
    assert levels.shortfall(person, item) is None
    newcomer = Person.objects.create(name="王芳", id_number=demo_resident_id("44010419780308351"))
    levels.record(newcomer, levels.REGISTERED, method=levels.MOBILE)
    assert "sign in with the provincial unified identity" in levels.shortfall(newcomer, item)
    levels.record(newcomer, levels.IN_PERSON, by=world.window, method=levels.WINDOW, evidence="居民身份证")
    assert levels.shortfall(newcomer, item) is None  # in person ranks above the provider


def test_the_guide_page_wording_of_each_level(world):
    need = levels.need(world.item)
    assert need["level"] == "registered" and "registered account" in str(need["how"])
    need = levels.need(needing(world.item, "in_person"))
    assert str(need["label"]) == "Real-name check in person (线下核验)"
    with translation.override("zh-hans"):
        assert str(levels.need(world.item)["label"]) == "线下核验"
