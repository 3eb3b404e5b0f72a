"""一键申报: a draft of the policy's item for the enterprise, its form filled from its file."""

import pytest

from casefiles.cases.models import Status
from casefiles.errors import Conflict, NotFound, NotPermitted
from casefiles.policies import applying
from casefiles.policies.models import Declaration
from tests.casefiles.forms.samples import give_form

BLOCKS = [
    ("text", {"key": "name", "label": "企业名称", "prefill": "applicant.name"}),
    ("number", {"key": "employees", "label": "从业人数", "prefill": "file.employees"}),
    ("date", {"key": "established", "label": "成立日期", "prefill": "file.established_on"}),
    ("text", {"key": "industry", "label": "行业代码", "prefill": "file.industry_code"}),
    ("text", {"key": "bank_account", "label": "收款账号"}),
]


@pytest.fixture
def with_form(policy_world):
    policy_world.benefit_item = give_form(policy_world.benefit_item, BLOCKS)
    return policy_world


def test_one_click_opens_a_draft_filled_from_the_registry_and_the_declaration(with_form):
    w = with_form
    Declaration.objects.create(enterprise=w.enterprise, employees=7)
    case = applying.apply(w.applicant, w.innovation.pk, w.enterprise)
    assert case.status == Status.DRAFT and case.item_id == w.benefit_item.pk and case.enterprise == w.enterprise
    assert case.form_data["name"] == w.enterprise.name
    assert case.form_data["employees"] == 7  # declared
    assert case.form_data["established"] == "2024-03-01" and case.form_data["industry"] == "H6210"  # registry
    assert "bank_account" not in case.form_data


def test_the_file_says_where_each_value_came_from(with_form):
    from casefiles.forms import definition

    w = with_form
    Declaration.objects.create(enterprise=w.enterprise, employees=7)
    found = applying.from_file(definition.of_page(w.benefit_item), w.enterprise)
    assert "declared" in str(found["employees"][1]).lower() or "申报" in str(found["employees"][1])
    assert found["industry"][0] == "H6210"


def test_one_click_is_refused_for_a_stranger_an_unpublished_policy_or_one_out_of_force(with_form):
    w = with_form
    with pytest.raises(NotPermitted):
        applying.apply(w.stranger, w.innovation.pk, w.enterprise)
    with pytest.raises(NotFound):
        applying.apply(w.applicant, 999999, w.enterprise)
    w.innovation.expiry_date = w.today.replace(year=2026, month=1, day=1)
    w.innovation.effective_date = w.today.replace(year=2025)
    w.innovation.save_revision().publish()
    with pytest.raises(Conflict):
        applying.apply(w.applicant, w.innovation.pk, w.enterprise)
