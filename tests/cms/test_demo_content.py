"""The demo's published content: real Zhuhai guides, bundles, policies and topics, loaded idempotently."""

import io
import json

import pytest
from django.core.management import call_command
from django.db import transaction
from wagtail.models import Page, Revision

from casefiles.demo.directory import DEPARTMENTS
from casefiles.licenses.models import LicenseType
from cms import demo
from cms.bundles import combined_materials
from cms.models import (
    BundlePage,
    DepartmentPage,
    HomePage,
    MaterialRequirement,
    PolicyPage,
    ServiceItemPage,
    TopicIndexPage,
    TopicPage,
)


@pytest.fixture(scope="module")
def loaded_demo(django_db_setup, django_db_blocker):
    """load_demo once for the module, inside a transaction rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def site(loaded_demo, db):
    return None


def catalog_file():
    return json.loads(demo.CATALOG_FILE.read_text(encoding="utf-8"))


def test_the_demo_catalog_names_the_departments_as_the_demo_does():
    """Importing the catalog on the demo must not rename a department, nor move one."""
    demo_departments = {d.code: (d.name, d.parent) for d in DEPARTMENTS}
    for record in catalog_file()["departments"]:
        assert demo_departments[record["code"]] == (record["name"], record["parent"]), record["code"]


def test_the_demo_catalog_is_a_catalog_of_real_items():
    items = catalog_file()["items"]
    codes = [item["code"] for item in items]
    assert len(codes) == len(set(codes)) >= 30
    for item in items:
        assert item["legal_basis"] and all(basis["law"].startswith("《") for basis in item["legal_basis"]), item["name"]
        assert item["materials"], item["name"]
        if item["statutory_days"] is not None and item["promised_days"] is not None:
            assert item["promised_days"] <= item["statutory_days"], item["name"]


def test_at_least_thirty_live_guides_across_the_departments(site):
    guides = ServiceItemPage.objects.live()
    assert guides.count() >= 30
    assert not ServiceItemPage.objects.not_live().exists()
    departments = set(guides.values_list("department__code", flat=True))
    assert {"SCJGJ", "ZJJ", "ZRZYJ", "STHJJ", "WJJ", "RSJ", "GAJ", "SWJ", "GJJ", "BDCDJ"} <= departments
    for guide in guides:
        parent = guide.get_parent().specific
        assert isinstance(parent, DepartmentPage) and parent.department_id == guide.department_id
    titles = set(guides.values_list("title", flat=True))
    assert {"企业设立登记", "食品经营许可（新办）", "公共场所卫生许可", "建筑工程施工许可证核发", "排污许可证核发",
            "特种行业许可证核发（旅馆业）", "住房公积金提取", "发票领用"} <= titles
    assert {"enterprise", "person"} <= set(guides.values_list("service_object", flat=True))


def test_guides_produce_licenses_and_accept_licenses_for_materials(site):
    food = ServiceItemPage.objects.get(title="食品经营许可（新办）")
    produced = food.result_license_type
    assert produced.name == "食品经营许可证" and len(produced.code) == 21
    assert produced.issuing_department.code == "SCJGJ"
    business_license = LicenseType.objects.get(name="营业执照")
    assert business_license.code == "11100000000013338W011"
    material = food.material_requirements.get(name="营业执照")
    assert list(material.license_types.all()) == [business_license]
    assert food.tolerant_acceptance and food.notify_commit
    assert MaterialRequirement.objects.filter(deferrable=True).exists()
    assert all(len(code) == 21 for code in LicenseType.objects.values_list("code", flat=True))


def test_five_bundles_with_enterprise_setup_asking_shared_materials_once(site):
    bundles = BundlePage.objects.live()
    assert bundles.count() == 5
    setup = bundles.get(title="企业开办一件事")
    assert [item.title for item in setup.items()] == [
        "企业设立登记", "公章刻制备案", "发票领用", "社会保险登记（单位参保登记）", "住房公积金单位缴存登记",
    ]
    rows = combined_materials(setup)
    names = [row.name for row in rows]
    assert names.count("法定代表人身份证件") == 1
    shared = next(row for row in rows if row.name == "法定代表人身份证件")
    assert len(shared.items) >= 4
    assert sum(len(item.material_requirements.all()) for item in setup.items()) > len(rows)
    assert set(bundles.values_list("title", flat=True)) >= {"新生儿出生一件事", "我要开餐馆", "我要开旅馆"}


def test_ten_policies_some_expired_some_free_to_enjoy(site):
    policies = PolicyPage.objects.live()
    assert policies.count() == 10
    in_force = [p for p in policies if p.is_in_force()]
    assert 2 <= len(policies) - len(in_force) < len(in_force)
    assert policies.filter(free_to_enjoy=True).exists() and policies.filter(free_to_enjoy=False).exists()
    assert all("〔" in p.document_number or "公告" in p.document_number for p in policies)
    assert policies.filter(conditions__kind="industry", conditions__industry__code="C").exists()
    assert policies.filter(conditions__kind="scale", conditions__scale="micro").exists()
    smes = policies.get(document_number="珠府办〔2024〕12号")
    assert smes.department.code == "GXJ" and "<h2>" in smes.body and smes.interpretation
    assert [entry.item.title for entry in smes.related_items.all()] == ["工业企业技术改造投资项目备案"]


def test_topics_for_enterprises_and_persons(site):
    index = TopicIndexPage.objects.get()
    topics = TopicPage.objects.child_of(index).live()
    assert {"starting", "operating", "building", "closing"} <= set(topics.values_list("life_event", flat=True))
    assert {"retirement", "family", "employment"} <= set(topics.values_list("life_event", flat=True))
    starting = topics.get(life_event="starting")
    entries = starting.entries()
    assert entries[0].title == "企业开办一件事" and isinstance(entries[0], BundlePage)
    assert any(isinstance(entry, ServiceItemPage) for entry in entries)
    assert topics.get(life_event="retirement").audience == "person"


def test_the_home_page_has_words(site):
    home = HomePage.objects.get()
    assert home.headline and home.intro


def _state():
    return (
        Page.objects.count(),
        Revision.objects.count(),
        list(MaterialRequirement.objects.order_by("pk").values_list("pk", flat=True)),
        LicenseType.objects.count(),
        list(Page.objects.filter(live=True).order_by("pk").values_list("pk", "title")),
    )


def test_loading_the_demo_twice_creates_nothing_twice_and_no_new_revisions(site):
    before = _state()
    call_command("load_demo", stdout=io.StringIO())
    assert _state() == before
