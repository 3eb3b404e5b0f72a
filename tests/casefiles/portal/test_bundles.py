"""The applicant's pages of a bundle: apply from the bundle page, one form, one set of
materials, the combined progress with each part's outcome, withdrawal; and 一照通行."""

import re

import pytest
from django.urls import reverse

from casefiles.bundles import applications as bundles
from casefiles.bundles.models import Activity
from casefiles.handling import workflow
from casefiles.cases.models import CaseFile, Status
from casefiles.materials.models import Material
from tests.casefiles.conftest import pdf_upload


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def key(name):
    from cms.bundles import material_key

    return material_key(name)


def page(parent):
    return reverse("casefiles:case", kwargs={"number": parent.number})


def test_from_the_bundle_page_to_one_draft_with_a_part_per_item(bundle_world, client):
    w = bundle_world
    url = w.bundle.apply_url
    assert url == "/apply/bundle/ZH-YJS-TEST/"
    assert f'href="{url}"' in client.get(w.bundle.url).content.decode()
    client.force_login(w.applicant)
    form = client.get(url)
    assert form.status_code == 200 and "食品经营许可" in text(form) and "建筑工程施工许可证核发" in text(form)
    response = client.post(url, {"applicant": f"enterprise:{w.enterprise.pk}", "contact_name": "林晓燕",
                                 "contact_phone": "13800000000", "contact_email": "a@example.org"})
    parent = CaseFile.objects.get(is_bundle=True)
    assert response.status_code == 302 and response["Location"] == page(parent)
    assert parent.children.count() == 2
    # 我的办件 lists the bundle once, not its parts.
    listing = text(client.get(reverse("casefiles:my_cases")))
    assert parent.number in listing
    assert all(child.number not in listing for child in parent.children.all())


def test_one_set_of_materials_then_submit_every_part(bundle_world, client):
    w = bundle_world
    parent = bundles.start(w.applicant, w.enterprise, bundle=w.bundle)
    client.force_login(w.applicant)
    draft = text(client.get(page(parent)))
    assert draft.count('name="files-') == 4  # 申请书, 营业执照 (shared), 管理制度, 施工许可申请表
    assert "Shared" in draft
    response = client.post(page(parent), {
        f"files-{key('营业执照')}": pdf_upload("营业执照.pdf"),
        f"files-{key('食品经营许可申请书')}": pdf_upload("申请书.pdf"),
        f"files-{key('施工许可申请表')}": pdf_upload("申请表.pdf"),
        "action": "save", "version": parent.version,
    })
    assert response.status_code == 302
    assert Material.objects.filter(case__parent=parent).count() == 4
    assert Material.objects.filter(case__parent=parent).values("file").distinct().count() == 3
    assert "used by 2 items" in text(client.get(page(parent)))
    parent.refresh_from_db()
    response = client.post(page(parent), {"action": "submit", "version": parent.version})
    assert response.status_code == 302
    parent.refresh_from_db()
    assert parent.status == Status.SUBMITTED
    shown = text(client.get(page(parent)))
    assert "0 of 2 parts granted, 0 not granted, 2 in progress." in shown
    child = parent.children.first()
    assert "Part of the bundle “我要开餐馆”" in text(client.get(page(child)))


def test_a_refused_file_is_named_and_the_rest_kept(bundle_world, client):
    w = bundle_world
    parent = bundles.start(w.applicant, w.enterprise, bundle=w.bundle)
    client.force_login(w.applicant)
    response = client.post(page(parent), {
        f"files-{key('营业执照')}": pdf_upload("licence.pdf"),
        f"files-{key('施工许可申请表')}": pdf_upload("evil.pdf", b"MZ\x90\x00 nope"),
        "action": "submit", "version": parent.version,
    })
    assert response.status_code == 400
    assert "evil.pdf" in text(response)
    assert Material.objects.filter(case__parent=parent, original_name="licence.pdf").count() == 2
    parent.refresh_from_db()
    assert parent.status == Status.DRAFT


def test_missing_materials_are_named_per_item(bundle_world, client):
    w = bundle_world
    parent = bundles.start(w.applicant, w.enterprise, bundle=w.bundle)
    client.force_login(w.applicant)
    response = client.post(page(parent), {"action": "submit", "version": parent.version})
    assert response.status_code == 400
    assert "建筑工程施工许可证核发: Required materials are missing" in text(response)


def test_each_parts_outcome_is_clear_and_strangers_get_404(bundle_world, client):
    w = bundle_world
    parent = bundles.start(w.applicant, w.enterprise, bundle=w.bundle)
    for name in ("营业执照", "食品经营许可申请书", "施工许可申请表"):
        bundles.add_shared(parent, key(name), pdf_upload(), w.applicant)
    bundles.submit(parent, w.applicant)
    food, construction = parent.children.order_by("pk")
    workflow.perform(food, "propose_non_acceptance", w.clerk, reason="不属于本部门受理范围")
    workflow.perform(food, "confirm_non_acceptance", w.decider)
    client.force_login(w.applicant)
    shown = text(client.get(page(parent)))
    assert "0 of 2 parts granted, 1 not granted, 1 in progress." in shown
    assert "Not granted" in shown
    client.force_login(w.stranger)
    assert client.get(page(parent)).status_code == 404


def test_withdrawing_the_bundle_from_its_page(bundle_world, client):
    w = bundle_world
    parent = bundles.start(w.applicant, w.enterprise, bundle=w.bundle)
    for name in ("营业执照", "食品经营许可申请书", "施工许可申请表"):
        bundles.add_shared(parent, key(name), pdf_upload(), w.applicant)
    bundles.submit(parent, w.applicant)
    parent.refresh_from_db()
    client.force_login(w.applicant)
    url = reverse("casefiles:withdraw", kwargs={"number": parent.number})
    confirm = text(client.get(url))
    assert "These parts will be withdrawn:" in confirm and "建筑工程施工许可证核发" in confirm
    response = client.post(url, {"confirm": "on", "reason": "改期", "version": parent.version})
    assert response.status_code == 302
    assert set(CaseFile.objects.filter(pk=parent.pk).values_list("status", flat=True)) == {Status.WITHDRAWN}
    assert set(parent.children.values_list("status", flat=True)) == {Status.WITHDRAWN}


def test_activities_propose_items_and_file_them_as_one_bundle(bundle_world, client, settings):
    w = bundle_world
    settings.YIWANG_BUSINESS_REGISTRATION_ITEM = w.item2.item_code
    Activity.objects.create(code="catering", name="餐饮服务").items.set([w.item])
    client.force_login(w.applicant)
    url = reverse("casefiles:apply_activities")
    assert "餐饮服务" in text(client.get(url))
    proposed = client.post(url, {"step": "propose", "activity": ["catering"], "new_business": "on"})
    shown = text(proposed)
    assert proposed.status_code == 200
    assert "食品经营许可" in shown and "needed for 餐饮服务" in shown and "建筑工程施工许可证核发" in shown
    response = client.post(url, {"step": "apply", "activity": ["catering"], "new_business": "on",
                                 "applicant": f"enterprise:{w.enterprise.pk}", "contact_name": "林晓燕",
                                 "contact_phone": "13800000000"})
    assert response.status_code == 302
    parent = CaseFile.objects.get(is_bundle=True)
    assert sorted(parent.children.values_list("item_id", flat=True)) == sorted([w.item.pk, w.item2.pk])
    nothing = client.post(url, {"step": "propose"})
    assert nothing.status_code == 400 and "Choose at least one business activity." in text(nothing)
