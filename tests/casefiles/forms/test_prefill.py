"""少填: what a form starts with and where each value came from (casefiles.forms.prefill)."""

import pytest
from django.utils import translation

from casefiles.cases.models import CaseFile
from casefiles.forms import definition
from casefiles.forms.prefill import prefill, values
from casefiles.handling import applications
from casefiles.licenses import lifecycle
from tests.casefiles.forms.samples import give_form


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


BLOCKS = [
    ("text", {"key": "name", "label": "名称", "prefill": "applicant.name"}),
    ("identifier", {"key": "code", "label": "代码", "kind": "uscc", "prefill": "applicant.code", "locked": True}),
    ("text", {"key": "rep", "label": "法定代表人", "prefill": "enterprise.legal_representative"}),
    ("text", {"key": "person_only", "label": "个人住址", "prefill": "person.address", "required": False}),
    ("address", {"key": "site", "label": "住所", "prefill": "license", "prefill_license_type": "11100000MB0143028X041",
                 "prefill_license_field": "address", "locked": True}),
    ("text", {"key": "license_number", "label": "许可证号", "prefill": "license",
              "prefill_license_type": "11100000MB0143028X041", "prefill_license_field": "number"}),
    ("text", {"key": "scope", "label": "经营范围"}),
    ("commitment", {"key": "commitment", "label": "承诺", "text": "承诺"}),
]


@pytest.fixture
def item(world):
    return give_form(world.item, BLOCKS)


@pytest.fixture
def held(world, license_type):
    return lifecycle.issue(license_type, issuer=world.department, holder=world.enterprise,
                           data={"address": "珠海市香洲区情侣中路1号"})


def test_an_enterprises_record_fills_its_fields_and_says_so(world, item):
    found = prefill(definition.of_item(item), world.enterprise, item_code=item.item_code)
    assert found["name"].value == world.enterprise.name and found["name"].source == "profile"
    assert str(found["name"].label) == "From your enterprise's record"
    assert found["code"].value == world.enterprise.uscc and found["code"].locked
    assert found["rep"].value == "林晓燕" and not found["rep"].locked
    assert "person_only" not in found and "commitment" not in found and "scope" not in found


def test_a_person_is_filled_from_their_record(world, item):
    found = prefill(definition.of_item(item), world.person, item_code=item.item_code)
    assert found["name"].value == "张伟" and str(found["name"].label) == "From your record"
    assert "rep" not in found
    assert "code" not in found  # a resident identity number does not fit a USCC field: not offered


def test_a_held_license_fills_its_fields(world, item, held):
    found = prefill(definition.of_item(item), world.enterprise, item_code=item.item_code)
    assert found["site"].value == "珠海市香洲区情侣中路1号"
    assert found["site"].source == "license" and found["site"].locked and found["site"].reference == held.identifier
    assert held.number in str(found["site"].label)
    assert found["license_number"].value == held.number


def test_a_license_no_longer_valid_fills_nothing(world, item, held):
    lifecycle.suspend(held, world.decider, "监督检查发现问题")
    found = prefill(definition.of_item(item), world.enterprise, item_code=item.item_code)
    assert "site" not in found


def test_an_earlier_application_fills_what_nothing_else_does_never_locked(world, item):
    earlier = applications.start(world.applicant, item, world.enterprise, form_data={"scope": "预包装食品销售", "site": "旧址路1号"})
    CaseFile.objects.filter(pk=earlier.pk).update(submitted_at=earlier.created_at)
    found = prefill(definition.of_item(item), world.enterprise, item_code=item.item_code)
    assert found["scope"].value == "预包装食品销售" and found["scope"].source == "earlier"
    assert found["scope"].reference == earlier.number and earlier.number in str(found["scope"].label)
    assert found["site"].source == "earlier" and not found["site"].locked  # no license: the earlier answer, unlocked
    assert values(found)["scope"] == "预包装食品销售"
    # the application itself is not its own earlier one
    assert "scope" not in prefill(definition.of_item(item), world.enterprise, item_code=item.item_code, exclude_case=earlier)


def test_a_draft_never_submitted_is_not_an_earlier_application(world, item):
    applications.start(world.applicant, item, world.enterprise, form_data={"scope": "草稿"})
    assert "scope" not in prefill(definition.of_item(item), world.enterprise, item_code=item.item_code)


def test_another_applicants_cases_fill_nothing(world, item):
    theirs = applications.start(world.stranger, item, world.other_enterprise, form_data={"scope": "别人的"})
    CaseFile.objects.filter(pk=theirs.pk).update(submitted_at=theirs.created_at)
    assert "scope" not in prefill(definition.of_item(item), world.enterprise, item_code=item.item_code)
