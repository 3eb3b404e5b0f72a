import pytest
from django.core.exceptions import ValidationError

from casefiles.demo.directory import demo_resident_id, demo_uscc
from casefiles.directory.models import Enterprise, Person


def test_an_enterprise_has_a_members_group(db, make_user):
    enterprise = Enterprise.objects.create(
        uscc=demo_uscc("91440400MA4WB3K1X"), name="珠海格创智能科技有限公司", legal_representative="陈思远", region_code="440402"
    )
    member = make_user("member")
    enterprise.add_member(member)
    assert list(enterprise.members) == [member]
    assert enterprise.members_group.name == f"enterprise:{enterprise.uscc}"
    enterprise.remove_member(member)
    assert not enterprise.members.exists()


def test_an_invalid_uscc_is_a_form_error_and_nothing_is_stored(db):
    enterprise = Enterprise(uscc="91440400MA4WB3K1XZ", name="X", legal_representative="Y", region_code="440402")
    with pytest.raises(ValidationError) as caught:
        enterprise.full_clean()
    assert "uscc" in caught.value.message_dict
    assert not Enterprise.objects.exists()


def test_a_person_is_shown_masked(db):
    number = demo_resident_id("44040219900101123")
    person = Person.objects.create(name="张伟", id_number=number.lower())
    assert person.id_number == number  # stored in full, normalised, for case work
    assert person.masked_id_number == "4404**********" + number[-4:]
    assert number not in str(person)


def test_person_admin_listing_does_not_show_full_numbers(client, db, django_user_model):
    number = demo_resident_id("44040219900101123")
    Person.objects.create(name="张伟", id_number=number, phone="13800138000")
    Person.objects.create(name="李娜", id_number=demo_resident_id("44040219880808123"), phone="13900139000")
    client.force_login(django_user_model.objects.create_superuser("root", password="pw-for-tests-only"))
    page = client.get("/admin/persons/").content.decode()
    assert "张伟" in page and "138****8000" in page
    assert number not in page and "13800138000" not in page
    # Found by name, or by a whole number (the encrypted columns' digests), the others not.
    for query in ("张", number, "138 0013 8000"):
        found = client.get("/admin/persons/", {"q": query}).content.decode()
        assert "张伟" in found and "李娜" not in found, query
    assert "张伟" not in client.get("/admin/persons/", {"q": "1380013"}).content.decode()  # no part of a number


def test_a_person_registered_twice_in_the_admin_is_told_so(client, db, django_user_model):
    number = demo_resident_id("44040219900101123")
    Person.objects.create(name="张伟", id_number=number)
    client.force_login(django_user_model.objects.create_superuser("root", password="pw-for-tests-only"))
    form = client.get("/admin/persons/new/").content.decode()
    assert 'type="text" name="id_number"' in form  # one line, as a number is typed
    answer = client.post("/admin/persons/new/", {"name": "张伟", "id_number": number.lower(), "phone": "", "address": ""})
    assert answer.status_code == 200  # the form again, not a server error
    assert "registered already" in answer.content.decode() or "已登记" in answer.content.decode()
    assert Person.objects.count() == 1
