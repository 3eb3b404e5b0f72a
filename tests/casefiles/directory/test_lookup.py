import pytest
from django.utils import translation

from casefiles.demo.directory import demo_resident_id, demo_uscc
from casefiles.directory import lookup
from casefiles.directory.models import Enterprise, Person
from casefiles.errors import Invalid


@pytest.fixture
def registered(db):
    enterprise = Enterprise.objects.create(
        uscc=demo_uscc("91440400MA4WB3K1X"), name="珠海格创智能科技有限公司", legal_representative="陈思远", region_code="440402"
    )
    person = Person.objects.create(name="张伟", id_number=demo_resident_id("44040219900101123"))
    return enterprise, person


def test_either_kind_of_code_finds_its_registered_applicant(registered):
    enterprise, person = registered
    assert lookup.registered_applicant(f" {enterprise.uscc.lower()} ") == enterprise
    assert lookup.registered_applicant(person.id_number) == person
    assert lookup.registered_applicant(person.id_number, lookup.RESIDENT_ID) == person


def test_a_well_formed_code_nobody_registered_is_none(db):
    assert lookup.registered_applicant(demo_uscc("91440400MA55L8QJ2")) is None


def test_a_malformed_code_says_what_is_wrong_with_the_kind_it_looks_like(db):
    with translation.override("en"):
        with pytest.raises(Invalid, match="identity number"):
            lookup.read_code("440402199001011230")
        with pytest.raises(Invalid, match="unified social credit code"):
            lookup.read_code("91440400MA4WB3K1XZ")
        with pytest.raises(Invalid, match="Enter the applicant"):
            lookup.read_code("  ")


def test_a_named_kind_is_checked_as_that_kind_only(registered):
    enterprise, person = registered
    with pytest.raises(Invalid):
        lookup.read_code(person.id_number, lookup.USCC)
    code = lookup.read_code(enterprise.uscc, lookup.USCC)
    assert code.names(enterprise) and not code.names(person)
