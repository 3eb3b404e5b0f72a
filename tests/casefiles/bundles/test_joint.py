"""一件事's one form and 证照联办 (casefiles.bundles.joint)."""

import pytest

from casefiles.bundles import applications as bundles
from casefiles.bundles import joint
from casefiles.cases.models import Status
from casefiles.errors import GuardFailed
from casefiles.forms.validation import FormInvalid
from casefiles.handling import workflow
from casefiles.licenses.models import License, LicenseType
from cms.bundles import material_key
from tests.casefiles.conftest import pdf_upload


def text(key, label, **extra):
    return ("text", {"key": key, "label": label, "required": True, "max_length": 100, **extra})


@pytest.fixture
def joint_world(world):
    """A bundle of 企业设立登记 (which issues the 营业执照) and the food license (which asks for it)."""
    from cms.models import BundleItem, BundlePage, MaterialRequirement, ServiceItemPage
    from cms.sitetree import ensure_department_page

    w = world
    w.department.uscc = "11440400MB2C92390J"
    w.department.save()
    w.business_license = LicenseType.objects.create(code="11100000000013338W011", name="营业执照",
                                                    issuing_department=w.department)
    page = ensure_department_page(w.department)
    w.registration = page.add_child(instance=ServiceItemPage(
        title="企业设立登记", slug="register", item_code="11440400MB2C9136XA0101000101000", online_depth=4,
        result_license_type=w.business_license, promised_days=1,
    ))
    w.registration.material_requirements.add(MaterialRequirement(name="设立登记申请书", required=True))
    w.registration.application_form = [text("premises", "住所"), text("capital", "注册资本")]
    w.registration.save_revision().publish()
    w.registration = ServiceItemPage.objects.get(pk=w.registration.pk)
    food = ServiceItemPage.objects.get(pk=w.item.pk)
    licence = food.material_requirements.get(name="营业执照")
    licence.license_types.add(w.business_license)
    licence.save()
    food.application_form = [text("premises", "经营场所"), text("food_scope", "经营项目")]
    food.save_revision().publish()
    w.item = ServiceItemPage.objects.get(pk=w.item.pk)
    w.bundle = page.add_child(instance=BundlePage(
        title="我要开餐馆", slug="restaurant", bundle_code="ZH-YJS-JOINT", department=w.department,
        bundle_items=[BundleItem(item=w.registration, sort_order=0), BundleItem(item=w.item, sort_order=1)],
    ))
    w.bundle.save_revision().publish()
    return w


def started(w, **typed):
    return bundles.start(w.applicant, w.enterprise, bundle=w.bundle, form_data=typed or None)


def parts(parent):
    registration, food = sorted(parent.children.all(), key=lambda c: c.item_title != "企业设立登记")
    return registration, food


def test_a_field_both_parts_ask_is_asked_once_and_reaches_both(joint_world):
    w = joint_world
    parent = started(w)
    assert [f.key for f in joint.form(parent)] == ["premises", "capital", "food_scope"]

    joint.save_form(parent, {"premises": "珠海市香洲区情侣中路47号", "capital": "100", "food_scope": "热食类食品制售"},
                    w.applicant)

    registration, food = parts(parent)
    registration.refresh_from_db()
    food.refresh_from_db()
    assert registration.form_data == {"premises": "珠海市香洲区情侣中路47号", "capital": "100"}
    assert food.form_data == {"premises": "珠海市香洲区情侣中路47号", "food_scope": "热食类食品制售"}
    assert joint.values(parent)["premises"] == "珠海市香洲区情侣中路47号"


def test_values_typed_at_the_start_go_to_every_part_that_asks_them(joint_world):
    parent = started(joint_world, premises="珠海市香洲区情侣中路47号")
    registration, food = parts(parent)
    assert registration.form_data["premises"] == food.form_data["premises"] == "珠海市香洲区情侣中路47号"


def test_a_bad_value_refuses_the_whole_form_and_writes_nothing(joint_world):
    w = joint_world
    parent = started(w)
    with pytest.raises(FormInvalid) as refused:
        joint.save_form(parent, {"premises": "好" * 101, "capital": "100"}, w.applicant)
    assert list(refused.value.errors) == ["premises"]
    assert all(not part.form_data.get("capital") for part in parent.children.all())


def test_a_part_waits_for_the_license_its_sibling_issues_then_uses_it(joint_world):
    w = joint_world
    parent = started(w, premises="珠海市香洲区情侣中路47号", capital="100", food_scope="热食类食品制售")
    # No 营业执照 is uploaded: the registration part will issue it.
    bundles.add_shared(parent, material_key("设立登记申请书"), pdf_upload("申请书.pdf"), w.applicant)
    bundles.add_shared(parent, material_key("食品经营许可申请书"), pdf_upload("申请书.pdf"), w.applicant)
    registration, food = parts(parent)
    assert [wait.license_type.name for wait in joint.waiting(food)] == ["营业执照"]

    bundles.submit(parent, w.applicant)  # the awaited material does not count as missing
    registration.refresh_from_db()
    food.refresh_from_db()
    assert registration.status == food.status == Status.SUBMITTED
    for case in (registration, food):
        workflow.perform(case, "accept", w.clerk)
        workflow.perform(case, "start_review", w.reviewer)

    with pytest.raises(GuardFailed) as waiting:
        workflow.perform(food, "approve", w.decider)
    assert "营业执照" in str(waiting.value) and "企业设立登记" in str(waiting.value)

    workflow.perform(registration, "approve", w.decider)
    issued = License.objects.get(source_case=registration)
    assert list(food.license_uses.values_list("license", flat=True)) == [issued.pk]
    assert joint.waiting(food) == []
    assert food.events.filter(action="use_license").exists()

    workflow.perform(food, "approve", w.decider)
    food.refresh_from_db()
    assert food.status == Status.APPROVED


def test_the_bundle_page_says_what_waits_and_what_a_held_license_supplies(joint_world):
    from casefiles.licenses import lifecycle

    w = joint_world
    parent = started(w)
    waiting_slot = next(slot for slot in bundles.slots(parent) if slot.material.name == "营业执照")
    assert [(t.name, part.item_title) for t, part in waiting_slot.waits_for] == [("营业执照", "企业设立登记")]

    held = lifecycle.issue(w.business_license, issuer=w.department, holder=w.enterprise)
    parent = started(w)  # an enterprise that holds one: used at once, nothing waits
    slot = next(slot for slot in bundles.slots(parent) if slot.material.name == "营业执照")
    assert slot.licenses == [held] and slot.waits_for == []
    _registration, food = parts(parent)
    assert list(food.license_uses.values_list("license", flat=True)) == [held.pk]
