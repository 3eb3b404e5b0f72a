"""An editor sets a policy's eligibility conditions in the admin; a condition that cannot be
checked the way it says is refused with the reason, and nothing is saved."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from casefiles.directory.models import Department
from cms.models import Industry, PolicyCondition, PolicyPage
from cms.sitetree import ensure_department_page
from tests.cms.test_editing import edit_form, edit_url


@pytest.fixture
def policy(db):
    department = Department.objects.create(code="SCJGJ", name="珠海市市场监督管理局", region_code="440400")
    page = ensure_department_page(department).add_child(instance=PolicyPage(
        title="餐饮个体户开办补贴", slug="catering", department=department, document_number="珠市监〔2026〕1号",
        issuer=department.name, publish_date=datetime.date(2026, 1, 1), effective_date=datetime.date(2026, 1, 1)))
    return page


@pytest.fixture
def editor(make_user, policy):
    user = make_user("scjgj-editor", is_staff=True)
    user.groups.add(policy.department.group("editor"))
    return user


def with_conditions(data, *rows):
    data["conditions-TOTAL_FORMS"] = str(len(rows))
    data["conditions-INITIAL_FORMS"] = "0"
    for n, row in enumerate(rows):
        for name, value in {"kind": "", "checked_by": "verified", "industry": "", "scale": "", "region_code": "",
                            "minimum": "", "maximum": "", "license_type": "", "qualification": "", "item": "",
                            "text": "", "document": "", "ORDER": str(n + 1), "id": "", "DELETE": "", **row}.items():
            data[f"conditions-{n}-{name}"] = value
    return data


def test_an_editor_sets_the_conditions_and_they_are_kept_with_the_revision(client, editor, policy):
    client.force_login(editor)
    division = Industry.objects.get(code="H62")
    data = with_conditions(edit_form(client, policy), {"kind": "industry", "industry": str(division.pk)},
                           {"kind": "employees", "checked_by": "declared", "minimum": "10"})
    response = client.post(edit_url(policy), data)
    assert response.status_code == 302
    draft = PolicyPage.objects.get(pk=policy.pk).get_latest_revision_as_object()
    assert [(c.kind, c.checked_by) for c in draft.conditions.all()] == [("industry", "verified"), ("employees", "declared")]
    assert [c.describe() for c in draft.conditions.all()][0].endswith("餐饮业")


def test_a_condition_that_cannot_be_checked_that_way_is_refused(client, editor, policy):
    client.force_login(editor)
    data = with_conditions(edit_form(client, policy), {"kind": "employees", "checked_by": "verified", "minimum": "10"})
    response = client.post(edit_url(policy), data)
    assert response.status_code == 200
    assert "This kind of condition cannot be checked that way." in response.content.decode() or \
        "该类条件不能这样核验" in response.content.decode()
    assert not PolicyCondition.objects.exists()
    assert PolicyPage.objects.get(pk=policy.pk).get_latest_revision_as_object().conditions.count() == 0


@pytest.mark.parametrize("row, field", [
    ({"kind": "industry"}, "industry"),
    ({"kind": "years", "minimum": "5", "maximum": "2"}, "maximum"),
    ({"kind": "capital"}, "minimum"),
    ({"kind": "region", "region_code": "4404"}, "region_code"),
    ({"kind": "free", "checked_by": "person", "text": "无重大违法记录"}, "document"),
])
def test_each_kind_asks_for_what_it_needs(row, field, db):
    condition = PolicyCondition(**{"checked_by": "verified", **row})
    with pytest.raises(ValidationError) as refused:
        condition.clean()
    assert field in refused.value.message_dict
