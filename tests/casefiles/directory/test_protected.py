"""Identity numbers and mobile numbers are encrypted at rest and found by their digests."""

import pytest
from django.core.exceptions import FieldError, ValidationError
from django.db import IntegrityError, connection, transaction

from casefiles.demo.directory import demo_resident_id, demo_uscc
from casefiles.directory import lookup, protected
from casefiles.directory.models import Person

NUMBER = demo_resident_id("44040219900101123")
MOBILE = "13800138000"
NEW_KEY = "rotated-personal-data-key-" + "Mz3Qw8Lr1Kv6Xt4Hb9Pc2Jn7Dy5Gs0Fa" * 2


def raw(table, pk, *columns):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()


@pytest.fixture
def person(db):
    return Person.objects.create(name="张伟", id_number=NUMBER, phone=MOBILE)


def test_the_table_holds_tokens_and_the_model_reads_the_numbers(person):
    id_number, phone, id_hash, phone_hash = raw("casefiles_person", person.pk, "id_number", "phone", "id_number_hash",
                                                "phone_hash")
    assert id_number.startswith(protected.PREFIX) and phone.startswith(protected.PREFIX)
    assert NUMBER not in id_number + phone + id_hash + phone_hash and MOBILE not in id_number + phone
    assert NUMBER[-8:] not in id_number  # nothing of it in clear
    again = Person.objects.get(pk=person.pk)
    assert (again.id_number, again.phone) == (NUMBER, MOBILE)


def test_the_same_number_encrypts_differently_each_time_but_has_one_digest(person):
    other = Person.objects.create(name="李娜", id_number=demo_resident_id("44040219880808123"), phone=MOBILE)
    assert raw("casefiles_person", person.pk, "phone") != raw("casefiles_person", other.pk, "phone")
    assert raw("casefiles_person", person.pk, "phone_hash") == raw("casefiles_person", other.pk, "phone_hash")


def test_a_person_is_found_by_the_number_however_it_is_typed(person):
    assert lookup.person_with_id_number(NUMBER) == person
    assert lookup.person_with_id_number(f" {NUMBER[:6]} {NUMBER[6:14]} {NUMBER[14:]} ") == person
    assert lookup.person_with_mobile("+86 138-0013-8000") == person
    assert lookup.person_with_mobile("13800138001") is None
    assert lookup.person_with_id_number("") is None
    assert lookup.registered_applicant(NUMBER) == person


def test_a_filter_on_the_encrypted_column_is_refused_not_silently_empty(person):
    with pytest.raises(FieldError, match="encrypted"):
        Person.objects.filter(id_number=NUMBER).first()
    with pytest.raises(FieldError):
        Person.objects.filter(phone__icontains="1380").first()
    assert Person.objects.filter(phone="").count() == 0  # blank or not is no secret
    assert Person.objects.exclude(phone="").get() == person


def test_changing_only_the_phone_saves_its_digest_too(person):
    person.phone = "13900139000"
    person.save(update_fields=["phone"])
    assert lookup.person_with_mobile("13900139000") == person
    assert lookup.person_with_mobile(MOBILE) is None
    person.phone = ""
    person.save(update_fields=["phone"])
    assert raw("casefiles_person", person.pk, "phone", "phone_hash") == ("", "")


def test_one_identity_number_one_person(person):
    duplicate = Person(name="张伟", id_number=NUMBER.lower().replace("X", "x"))
    with pytest.raises(ValidationError) as refused:
        duplicate.full_clean()
    assert "id_number" in refused.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_after_a_rotation_old_rows_are_read_and_found_and_rekey_moves_them(person, settings):
    old = list(settings.YIWANG_PII_KEYS)
    settings.YIWANG_PII_KEYS = [NEW_KEY, *old]
    assert Person.objects.get(pk=person.pk).id_number == NUMBER
    assert lookup.person_with_id_number(NUMBER) == person  # its digest is still the old key's
    duplicate = Person(name="张伟", id_number=NUMBER)
    with pytest.raises(ValidationError):  # uniqueness holds across the keys
        duplicate.full_clean()

    stale = {(r.table, r.column): r for r in protected.check()}
    assert stale[("casefiles_person", "id_number")].counts == {protected.OLD_KEY: 1}
    assert stale[("casefiles_person", "id_number_hash")].counts == {protected.STALE_DIGEST: 1}
    assert stale[("casefiles_person", "id_number")].examples == {protected.OLD_KEY: [person.pk]}

    rewritten, unreadable = protected.rekey()
    assert rewritten >= 1 and unreadable == []
    assert all(report.problems == 0 for report in protected.check())
    assert protected.rekey() == (0, [])  # nothing left to do

    settings.YIWANG_PII_KEYS = [NEW_KEY]  # the old key retired: nothing needed it any more
    assert Person.objects.get(pk=person.pk).phone == MOBILE
    assert lookup.person_with_mobile(MOBILE) == person


def test_a_token_no_key_reads_is_reported_and_never_read_as_something_else(person, settings):
    settings.YIWANG_PII_KEYS = [NEW_KEY]
    reports = {(r.table, r.column): r for r in protected.check()}
    assert reports[("casefiles_person", "id_number")].counts == {protected.UNREADABLE: 1}
    with pytest.raises(protected.Unreadable):
        Person.objects.get(pk=person.pk)
    assert protected.rekey()[1] == [f"casefiles_person:{person.pk}"]


def test_a_value_written_before_encryption_is_read_and_reported(person):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE casefiles_person SET phone = %s WHERE id = %s", [MOBILE, person.pk])
    assert Person.objects.get(pk=person.pk).phone == MOBILE
    reports = {(r.table, r.column): r for r in protected.check()}
    assert reports[("casefiles_person", "phone")].counts == {protected.PLAIN: 1}
    protected.rekey()
    assert raw("casefiles_person", person.pk, "phone")[0].startswith(protected.PREFIX)


def test_the_digest_compacts_what_is_typed():
    assert protected.digest("440402 19900101 123x") == protected.digest("44040219900101123X")
    assert protected.digest("+86 138 0013 8000") == protected.digest("13800138000") == protected.digest("008613800138000")
    assert protected.digest(demo_uscc("91440400MA55L8QJ2").lower()) == protected.digest(demo_uscc("91440400MA55L8QJ2"))
    assert protected.digest("") == "" and protected.digests(None) == []


def test_without_keys_nothing_is_encrypted(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.YIWANG_PII_KEYS = []
    with pytest.raises(ImproperlyConfigured, match="YIWANG_PII_KEYS"):
        protected.encrypt(NUMBER)


# --- every protected column, and the commands -----------------------------------------------------

@pytest.fixture
def everything(world):
    """A person's case with its contact phone, a notice, a license, an invitation: a row in every
    protected table."""
    import datetime

    from django.utils import timezone

    from casefiles.cases.models import CaseFile
    from casefiles.handling import workflow
    from casefiles.licenses import lifecycle
    from casefiles.licenses.models import LicenseType
    from casefiles.members.models import Invitation
    from tests.casefiles.conftest import submit_application

    world.person.phone = MOBILE
    world.person.save()
    case = submit_application(world, world.citizen, world.person)
    CaseFile.objects.filter(pk=case.pk).update(contact_phone=MOBILE)
    workflow.perform(case, "accept", world.clerk)
    world.department.uscc = "11440400MB2C92390J"
    world.department.save()
    kind = LicenseType.objects.create(code="11100000000013338W025", name="食品经营许可证", issuing_department=world.department)
    lifecycle.issue(kind, issuer=world.department, holder=world.person)
    Invitation.objects.create(enterprise=world.enterprise, mobile=MOBILE, token_hash="0" * 64,
                              expires_at=timezone.now() + datetime.timedelta(days=7))
    return world


PROTECTED_COLUMNS = {
    ("casefiles_person", "id_number"), ("casefiles_person", "phone"), ("casefiles_casefile", "applicant_code"),
    ("casefiles_casefile", "contact_phone"), ("casefiles_license", "holder_code"), ("casefiles_notice", "content"),
    ("casefiles_invitation", "mobile"),
}


def test_no_protected_table_holds_a_whole_number(everything):
    number = everything.person.id_number
    for table, column in PROTECTED_COLUMNS:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {column} FROM {table}")
            stored = [row[0] for row in cursor.fetchall()]
        assert stored and all(value.startswith(protected.PREFIX) for value in stored), (table, column)
        assert not any(number in value or MOBILE in value for value in stored), (table, column)
    reports = protected.check()
    assert {(r.table, r.column) for r in reports} >= PROTECTED_COLUMNS
    assert all(r.problems == 0 for r in reports)


def test_the_commands_check_and_rekey_after_a_rotation(everything, settings, capsys):
    from django.core.management import CommandError, call_command

    call_command("personal_data", "check")
    assert "Every encrypted column is under the current key" in capsys.readouterr().out

    settings.YIWANG_PII_KEYS = [NEW_KEY, *settings.YIWANG_PII_KEYS]
    with pytest.raises(CommandError, match="personal_data rekey"):
        call_command("personal_data", "check")
    told = capsys.readouterr().out
    assert "casefiles_notice.content: 1 row(s) old key" in told and "casefiles_person.id_number_hash" in told

    call_command("personal_data", "rekey", "--batch-size", "1")
    assert "row(s) rewritten with the current key" in capsys.readouterr().out
    settings.YIWANG_PII_KEYS = [NEW_KEY]
    call_command("personal_data", "check")
    from casefiles.notices.models import Notice

    assert Notice.objects.get().content["applicant_code"] == everything.person.id_number
    assert lookup.person_with_mobile(MOBILE) == everything.person


def test_rekey_reports_what_no_key_reads(everything, settings):
    from django.core.management import CommandError, call_command

    settings.YIWANG_PII_KEYS = [NEW_KEY]
    with pytest.raises(CommandError, match="unreadable|no key"):
        call_command("personal_data", "check")
    with pytest.raises(CommandError, match="no key of YIWANG_PII_KEYS reads"):
        call_command("personal_data", "rekey")


def test_bulk_created_rows_are_encrypted_and_found(db):
    Person.objects.bulk_create([Person(name="甲", id_number=NUMBER, phone=MOBILE),
                                Person(name="乙", id_number=demo_resident_id("44040219880808123"))])
    assert lookup.person_with_id_number(NUMBER).name == "甲"
    assert lookup.person_with_mobile(MOBILE).name == "甲"
    assert all(report.problems == 0 for report in protected.check())
