"""A license issued from its case's data (casefiles.forms.licensing): every field of the
certificate has a value, or the guide cannot be saved, or the approval is refused."""

import pytest
from django.core.exceptions import ValidationError

from casefiles.cases.models import Status
from casefiles.errors import GuardFailed
from casefiles.handling import applications, workflow
from casefiles.licenses import certificates
from casefiles.licenses.models import License
from casefiles.materials import uploads
from cms.models import ServiceItemPage
from tests.casefiles.conftest import pdf_upload

FIELDS = [
    {"key": "legal_representative", "label": "法定代表人（负责人）"},
    {"key": "premises", "label": "经营场所"},
    {"key": "scope", "label": "经营项目"},
    {"key": "supervisor_agency", "label": "日常监督管理机构", "source": "department.name"},
]
FORM = [
    ("address", {"key": "premises", "label": "经营场所", "required": True}),
    ("choice", {"key": "food_scope", "label": "经营项目", "required": True, "multiple": True, "license_field": "scope",
                "options": [{"value": "hot", "label": "热食类食品制售"}, {"value": "cold", "label": "冷食类食品制售"}]}),
]


@pytest.fixture
def producing(world, license_type):
    license_type.data_fields = FIELDS
    license_type.save()
    item = ServiceItemPage.objects.get(pk=world.item.pk)
    item.result_license_type = license_type
    item.application_form = FORM
    item.save_revision().publish()
    world.item = ServiceItemPage.objects.get(pk=item.pk)
    return world


def approved(w, form_data):
    case = applications.start(w.applicant, w.item, w.enterprise, form_data=form_data)
    for requirement in w.requirements[:2]:
        uploads.add(case, requirement, pdf_upload(f"{requirement.name}.pdf"), w.applicant)
    workflow.perform(case, "submit", w.applicant)
    workflow.perform(case, "accept", w.clerk)
    workflow.perform(case, "start_review", w.reviewer)
    workflow.perform(case, "approve", w.decider)
    return case


def test_every_field_of_the_certificate_comes_from_the_form_the_record_or_the_decision(producing):
    w = producing
    case = approved(w, {"premises": "珠海市香洲区情侣中路47号首层", "food_scope": ["hot", "cold"]})
    license = License.objects.get(source_case=case)
    assert license.data["legal_representative"] == "林晓燕"  # the enterprise's record
    assert license.data["premises"] == "珠海市香洲区情侣中路47号首层"
    assert license.data["scope"] == "热食类食品制售；冷食类食品制售"  # the options' labels, not their values
    assert license.data["supervisor_agency"] == w.department.name
    rows = certificates.data_rows(license)
    assert {row.label for row in rows} >= {field["label"] for field in FIELDS}
    assert all(row.value and row.value != "—" for row in rows)


def test_a_license_field_with_no_source_stops_the_guide_being_saved(producing, license_type):
    license_type.data_fields = FIELDS + [{"key": "area", "label": "经营面积"}]
    license_type.save()
    item = ServiceItemPage.objects.get(pk=producing.item.pk)
    with pytest.raises(ValidationError) as refused:
        item.save_revision()
    assert "经营面积" in str(refused.value)


def test_a_filling_field_that_is_optional_is_refused_too(producing):
    item = ServiceItemPage.objects.get(pk=producing.item.pk)
    item.application_form = [FORM[0], ("choice", {**FORM[1][1], "required": False})]
    with pytest.raises(ValidationError) as refused:
        item.save_revision()
    assert "经营项目" in str(refused.value)


def test_an_approval_whose_license_would_miss_a_value_is_refused_and_nothing_is_approved(producing, license_type):
    w = producing
    license_type.data_fields = FIELDS + [{"key": "address", "label": "住所"}]  # from the record, which has none
    license_type.save()
    case = applications.start(w.applicant, w.item, w.enterprise,
                              form_data={"premises": "珠海市香洲区情侣中路47号首层", "food_scope": ["hot"]})
    for requirement in w.requirements[:2]:
        uploads.add(case, requirement, pdf_upload(f"{requirement.name}.pdf"), w.applicant)
    workflow.perform(case, "submit", w.applicant)
    workflow.perform(case, "accept", w.clerk)
    workflow.perform(case, "start_review", w.reviewer)
    with pytest.raises(GuardFailed) as refused:
        workflow.perform(case, "approve", w.decider)
    assert "住所" in str(refused.value)
    case.refresh_from_db()
    assert case.status == Status.UNDER_REVIEW
    assert not License.objects.filter(source_case=case).exists()


def test_a_submission_with_the_form_incomplete_is_refused_naming_the_fields(producing):
    w = producing
    case = applications.start(w.applicant, w.item, w.enterprise, form_data={"premises": "珠海市香洲区情侣中路47号首层"})
    for requirement in w.requirements[:2]:
        uploads.add(case, requirement, pdf_upload(f"{requirement.name}.pdf"), w.applicant)
    with pytest.raises(GuardFailed) as refused:
        workflow.perform(case, "submit", w.applicant)
    assert "经营项目" in str(refused.value)
