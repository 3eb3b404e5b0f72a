"""Importing a provincial catalog export: what lands where, what is refused, what a re-import does."""

import copy
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from casefiles.directory.models import Department
from casefiles.licenses.models import LicenseType
from cms import catalog
from cms.bundles import combined_materials
from cms.models import BundlePage, DepartmentIndexPage, DepartmentPage, MaterialRequirement, ServiceItemPage


@pytest.fixture(autouse=True)
def in_english():
    """Messages are compared in their English source; the pages' Chinese is tested elsewhere."""
    from django.utils import translation

    with translation.override("en"):
        yield


BUSINESS_LICENSE = "11100000000013338W011"
FOOD_LICENSE = "11100000000013338W025"
ID_CARD = "11100000000013013Y001"
SETUP = "11440400MB2C9136X101000010100000"
FOOD = "11440400MB2C9136X101000020100000"
HYGIENE = "11440400MB2C8F1P6101000010100000"


def sample():
    """A small but complete export: two departments, three guides, one bundle."""
    return copy.deepcopy({
        "departments": [
            {"code": "SCJGJ", "name": "珠海市市场监督管理局", "parent": None},
            # The child comes before its parent on purpose: the import orders them.
            {"code": "XZ-WJJ", "name": "珠海市香洲区卫生健康局", "parent": "WJJ", "level": "区", "region_code": "440402"},
            {"code": "WJJ", "name": "珠海市卫生健康局", "parent": None},
        ],
        "license_types": [
            {"code": BUSINESS_LICENSE, "name": "营业执照", "issuing_department": "SCJGJ"},
        ],
        "items": [
            {
                "code": SETUP, "name": "企业设立登记", "type": "行政许可", "department": "SCJGJ",
                "statutory_days": 3, "promised_days": 1,
                "conditions": "（一）申请人具有相应的主体资格；\n（二）登记事项符合法律规定。",
                "legal_basis": "《中华人民共和国市场主体登记管理条例》第十九条",
                "fees": "不收费", "online_depth": "全程网办", "tolerant_acceptance": False, "notify_commit": "是",
                "materials": [
                    {"name": "公司登记（备案）申请书", "form": "电子", "copies": 1, "required": True, "deferrable": False,
                     "license_types": []},
                    {"name": "法定代表人身份证件", "form": "原件", "copies": 1, "required": True, "deferrable": False,
                     "license_types": [ID_CARD]},
                ],
                "result_name": "营业执照", "result_type": "证照", "result_license_type": BUSINESS_LICENSE,
            },
            {
                "code": FOOD, "name": "食品经营许可（新办）", "type": "licensing", "department": "SCJGJ",
                "statutory_days": 10, "promised_days": 3, "conditions": "", "online_depth": 4,
                "legal_basis": [{"law": "《中华人民共和国食品安全法》", "article": "第三十五条"},
                                "《食品经营许可和备案管理办法》"],
                "fees": [], "tolerant_acceptance": True, "notify_commit": True,
                "materials": [
                    {"name": "食品经营许可申请书", "form": "electronic", "copies": 1, "required": True,
                     "deferrable": False, "license_types": []},
                    {"name": "营业执照", "form": "复印件", "copies": 1, "required": True, "deferrable": True,
                     "license_types": [BUSINESS_LICENSE]},
                    {"name": "法定代表人身份证件", "form": "original", "copies": 1, "required": True,
                     "deferrable": False, "license_types": [ID_CARD]},
                ],
                "result_name": "食品经营许可证", "result_license_type": FOOD_LICENSE,
            },
            {
                "code": HYGIENE, "name": "公共场所卫生许可", "type": "行政许可", "department": "XZ-WJJ",
                "statutory_days": 20, "promised_days": 5, "conditions": "<p>场所符合<b>卫生标准</b></p><script>x</script>",
                "legal_basis": ["《公共场所卫生管理条例》第八条"], "fees": "不收费", "online_depth": 3,
                "tolerant_acceptance": True, "notify_commit": True,
                "materials": [
                    {"name": "营业执照", "form": "copy", "copies": 1, "required": True, "deferrable": True,
                     "license_types": [BUSINESS_LICENSE]},
                ],
            },
        ],
        "bundles": [
            {"code": "YJS-KCG", "name": "我要开餐馆", "items": [SETUP, FOOD]},
        ],
        "policies": [{"ignored": "policies are not part of the catalog format"}],
    })


def page(code):
    return ServiceItemPage.objects.get(item_code=code)


def revisions(code):
    return page(code).revisions.count()


def write(tmp_path, data, name="catalog.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


# --- A valid file -----------------------------------------------------------------------------


def test_a_catalog_builds_departments_guides_and_bundles_on_a_fresh_database(db):
    assert not Department.objects.exists() and not DepartmentIndexPage.objects.exists()

    result = catalog.import_catalog(sample())

    assert result.ok
    assert result.codes("created", "item") == [SETUP, FOOD, HYGIENE]
    assert result.codes("created", "department") == ["SCJGJ", "WJJ", "XZ-WJJ"]
    assert result.codes("created", "bundle") == ["YJS-KCG"]

    district = Department.objects.get(code="XZ-WJJ")
    assert (district.parent.code, district.level, district.region_code) == ("WJJ", "district", "440402")
    city = Department.objects.get(code="SCJGJ")
    assert (city.level, city.region_code) == ("city", "440400")

    setup = page(SETUP)
    assert setup.live and not setup.has_unpublished_changes
    parent = setup.get_parent().specific
    assert isinstance(parent, DepartmentPage) and parent.department.code == "SCJGJ"
    assert isinstance(parent.get_parent().specific, DepartmentIndexPage)
    assert page(HYGIENE).get_parent().specific.department.code == "XZ-WJJ"
    assert page(HYGIENE).department.code == "XZ-WJJ"


def test_guide_fields_materials_and_license_types(db):
    catalog.import_catalog(sample())

    setup = page(SETUP)
    assert setup.title == "企业设立登记"
    assert setup.item_type == "licensing"
    assert (setup.statutory_days, setup.promised_days) == (3, 1)
    assert setup.online_depth == ServiceItemPage.OnlineDepth.FULL
    assert setup.notify_commit and not setup.tolerant_acceptance
    assert setup.conditions == "<p>（一）申请人具有相应的主体资格；</p><p>（二）登记事项符合法律规定。</p>"
    assert [block.value["law"] for block in setup.legal_basis] == ["《中华人民共和国市场主体登记管理条例》第十九条"]
    assert not setup.charges_fee and len(setup.fees) == 0
    assert setup.result_license_type.code == BUSINESS_LICENSE
    assert setup.result_type == "license"

    food = page(FOOD)
    assert [(m.name, m.form, m.deferrable) for m in food.material_requirements.all()] == [
        ("食品经营许可申请书", "electronic", False),
        ("营业执照", "copy", True),
        ("法定代表人身份证件", "original", False),
    ]
    licensed = food.material_requirements.get(name="营业执照")
    assert [t.code for t in licensed.license_types.all()] == [BUSINESS_LICENSE]
    assert [(b.value["law"], b.value["article"]) for b in food.legal_basis] == [
        ("《中华人民共和国食品安全法》", "第三十五条"), ("《食品经营许可和备案管理办法》", ""),
    ]
    # License types: named from the catalog's own list, else from the result they are, else their code.
    assert LicenseType.objects.get(code=BUSINESS_LICENSE).name == "营业执照"
    assert LicenseType.objects.get(code=BUSINESS_LICENSE).issuing_department.code == "SCJGJ"
    produced = LicenseType.objects.get(code=FOOD_LICENSE)
    assert (produced.name, produced.issuing_department.code) == ("食品经营许可证", "SCJGJ")
    assert LicenseType.objects.get(code=ID_CARD).name == ID_CARD

    # HTML in the catalog is cut down to what the field allows.
    assert page(HYGIENE).conditions == "<p>场所符合<b>卫生标准</b></p>x"


def test_bundle_lists_its_items_in_order_and_asks_a_shared_material_once(db):
    catalog.import_catalog(sample())

    bundle = BundlePage.objects.get(bundle_code="YJS-KCG")
    assert bundle.live
    assert [item.item_code for item in bundle.items()] == [SETUP, FOOD]
    assert bundle.department.code == "SCJGJ"  # the department of its first item
    assert bundle.get_parent().specific.department.code == "SCJGJ"
    names = [row.name for row in combined_materials(bundle)]
    assert names.count("法定代表人身份证件") == 1
    shared = next(row for row in combined_materials(bundle) if row.name == "法定代表人身份证件")
    assert shared.shared and len(shared.items) == 2


def test_a_bundle_may_name_its_department(db):
    data = sample()
    data["bundles"][0]["department"] = "WJJ"
    catalog.import_catalog(data)
    assert BundlePage.objects.get(bundle_code="YJS-KCG").get_parent().specific.department.code == "WJJ"


def test_choice_fields_accept_values_and_chinese_labels(db):
    data = sample()
    data["items"][0].update(type="公共服务", exercise_level="区级", service_object="个人", tongban_scope="跨省通办",
                            online_depth="三星", power_source="上级下放")
    data["items"][1].update(type="confirmation", exercise_level="provincial", service_object="both",
                            tongban_scope="province", online_depth=0)
    catalog.import_catalog(data)

    setup = page(SETUP)
    assert (setup.item_type, setup.exercise_level, setup.service_object, setup.tongban_scope, setup.online_depth,
            setup.power_source) == ("public_service", "county", "person", "cross_province", 3, "delegated")
    food = page(FOOD)
    assert (food.item_type, food.exercise_level, food.service_object, food.tongban_scope, food.online_depth) == (
        "confirmation", "provincial", "both", "province", 0)


def test_extra_keys_fill_the_fields_that_fit_and_the_rest_is_kept(db):
    data = sample()
    data["items"][0].update({
        "summary": "设立公司申领营业执照。",
        "place": "珠海市民服务中心",
        "hours": "工作日 9:00-17:30",
        "consultation_phone": "0756-2121315",
        "complaint_phone": "12345",
        "visits_needed": 0,
        "statutory_days_note": "自受理之日起3个工作日",
        "process": ["申请", {"name": "受理", "actor": "综合窗口", "days": 0}],
        "faq": [{"question": "要多久？", "answer": "当天办结。"}],
        "basic_code": "0100000101",
        "handling_kind": "承诺件",
    })
    data["items"][0]["materials"][0]["sample_url"] = "https://example.gov.cn/sample.pdf"
    catalog.import_catalog(data)

    setup = page(SETUP)
    assert setup.summary == "设立公司申领营业执照。"
    assert (setup.place, setup.hours, setup.consultation_phone, setup.complaint_phone) == (
        "珠海市民服务中心", "工作日 9:00-17:30", "0756-2121315", "12345")
    assert setup.statutory_days_note == "自受理之日起3个工作日"
    assert [(s.value["name"], s.value["actor"]) for s in setup.process] == [("申请", ""), ("受理", "综合窗口")]
    assert [q.value["question"] for q in setup.faq] == ["要多久？"]
    assert setup.catalog_data == {
        "basic_code": "0100000101",
        "handling_kind": "承诺件",
        "material_extras": {"公司登记（备案）申请书": {"sample_url": "https://example.gov.cn/sample.pdf"}},
    }


def test_fees_as_text_or_as_a_list(db):
    data = sample()
    data["items"][0]["fees"] = "工本费每本10元"
    data["items"][1]["fees"] = [{"item": "登记费", "standard": "80元/件", "basis": "发改价格规〔2016〕2559号"}]
    data["items"][2]["fees"] = "免费"
    catalog.import_catalog(data)

    assert page(SETUP).charges_fee
    assert [(f.value["item"], f.value["standard"]) for f in page(SETUP).fees] == [("Fee", "工本费每本10元")]
    assert [(f.value["item"], f.value["basis"]) for f in page(FOOD).fees] == [("登记费", "发改价格规〔2016〕2559号")]
    assert not page(HYGIENE).charges_fee and len(page(HYGIENE).fees) == 0


# --- Invalid records --------------------------------------------------------------------------


def _break(section, index, change):
    def apply(data):
        record = data[section][index]
        change(record)
    return apply


INVALID = [
    ("unknown department", "items", 0, lambda r: r.update(department="NOPE"), SETUP, "department"),
    ("unknown item type", "items", 0, lambda r: r.update(type="行政魔法"), SETUP, "type"),
    ("days not a number", "items", 0, lambda r: r.update(statutory_days="三天"), SETUP, "statutory_days"),
    ("days not whole", "items", 0, lambda r: r.update(promised_days=1.5), SETUP, "promised_days"),
    ("promise past the law", "items", 0, lambda r: r.update(promised_days=5), SETUP, "promised_days"),
    ("missing name", "items", 0, lambda r: r.pop("name"), SETUP, "name"),
    ("missing code", "items", 0, lambda r: r.pop("code"), "items[0]", "code"),
    ("material without name", "items", 0, lambda r: r["materials"][1].pop("name"), SETUP, "materials[1].name"),
    ("unknown material form", "items", 0, lambda r: r["materials"][0].update(form="口述"), SETUP, "materials[0].form"),
    ("title too long", "items", 0, lambda r: r.update(name="长" * 300), SETUP, "name"),
    ("bundle of an unknown item", "bundles", 0, lambda r: r["items"].append("NO-SUCH-ITEM"), "YJS-KCG", "items[2]"),
    ("department without name", "departments", 0, lambda r: r.update(name=""), "SCJGJ", "name"),
    ("department with a bad region", "departments", 2, lambda r: r.update(region_code="44"), "WJJ", "region_code"),
]


@pytest.mark.parametrize("section,index,change,code,field", [case[1:] for case in INVALID],
                         ids=[case[0] for case in INVALID])
def test_an_invalid_record_is_reported_and_skipped_while_the_others_import(db, section, index, change, code, field):
    data = sample()
    _break(section, index, change)(data)

    result = catalog.import_catalog(data)

    assert [(f.code, f.field) for f in result.failed if f.code == code] == [(code, field)], result.failed
    assert str(result.failed[0]).startswith(f"{code}: {field}: ")
    if section == "items":
        assert not ServiceItemPage.objects.filter(item_code=SETUP).exists()
        assert page(HYGIENE).live
    if section == "bundles":
        assert not BundlePage.objects.exists()
        assert ServiceItemPage.objects.count() == 3


def test_a_failing_record_writes_nothing_at_all(db):
    data = sample()
    # The first material would create a license type; the second fails the record.
    data["items"][0]["materials"][0]["license_types"] = ["NEW-TYPE-CODE"]
    data["items"][0]["materials"][1]["form"] = "口述"
    result = catalog.import_catalog(data)

    assert result.codes("created", "item") == [FOOD, HYGIENE]
    assert not LicenseType.objects.filter(code="NEW-TYPE-CODE").exists()
    assert not ServiceItemPage.objects.filter(item_code=SETUP).exists()
    # The bundle names the item that failed, so it fails in turn, with a reason.
    assert [(f.code, f.field) for f in result.failed] == [(SETUP, "materials[1].form"), ("YJS-KCG", "items[0]")]


def test_an_invalid_update_leaves_the_published_page_as_it_was(db):
    catalog.import_catalog(sample())
    before = revisions(SETUP)
    data = sample()
    data["items"][0].update(name="改名了", promised_days=9)
    result = catalog.import_catalog(data)

    assert result.failed[0].field == "promised_days"
    assert page(SETUP).title == "企业设立登记"
    assert revisions(SETUP) == before


def test_a_code_listed_twice_is_refused_the_second_time(db):
    data = sample()
    data["items"].append(dict(data["items"][0], name="重复"))
    result = catalog.import_catalog(data)
    assert [(f.code, f.field) for f in result.failed] == [(SETUP, "code")]
    assert page(SETUP).title == "企业设立登记"


def test_records_that_are_not_objects_are_reported(db):
    data = sample()
    data["items"].insert(0, "not a record")
    result = catalog.import_catalog(data)
    assert [(f.code, f.field) for f in result.failed] == [("items[0]", "(record)")]
    assert len(result.codes("created", "item")) == 3


# --- Re-import --------------------------------------------------------------------------------


def test_reimporting_the_same_file_changes_nothing(db):
    catalog.import_catalog(sample())
    pages = {p.item_code: p.pk for p in ServiceItemPage.objects.all()}
    material_ids = list(MaterialRequirement.objects.order_by("pk").values_list("pk", flat=True))
    revision_counts = {code: revisions(code) for code in pages}

    result = catalog.import_catalog(sample())

    assert not result.created and not result.updated and not result.failed
    assert set(result.codes("unchanged", "item")) == set(pages)
    assert {p.item_code: p.pk for p in ServiceItemPage.objects.all()} == pages
    assert list(MaterialRequirement.objects.order_by("pk").values_list("pk", flat=True)) == material_ids
    assert {code: revisions(code) for code in pages} == revision_counts
    assert BundlePage.objects.count() == 1 and Department.objects.count() == 3


def test_a_changed_record_becomes_a_new_revision_of_the_same_page(db):
    catalog.import_catalog(sample())
    food = page(FOOD)
    kept = food.material_requirements.get(name="法定代表人身份证件").pk
    dropped = food.material_requirements.get(name="食品经营许可申请书").pk
    before = revisions(FOOD)

    data = sample()
    record = data["items"][1]
    record["promised_days"] = 2
    record["materials"] = [
        record["materials"][2] | {"copies": 2},  # moved to the front, one more copy
        {"name": "食品安全管理制度", "form": "电子", "required": False, "deferrable": True, "license_types": []},
        record["materials"][1],
    ]
    result = catalog.import_catalog(data)

    assert result.codes("updated", "item") == [FOOD]
    assert set(result.codes("unchanged", "item")) == {SETUP, HYGIENE}
    food = page(FOOD)
    assert food.pk == page(FOOD).pk and ServiceItemPage.objects.filter(item_code=FOOD).count() == 1
    assert revisions(FOOD) == before + 1
    assert food.promised_days == 2 and food.live and not food.has_unpublished_changes
    rows = list(food.material_requirements.all())
    assert [(row.name, row.copies) for row in rows] == [("法定代表人身份证件", 2), ("食品安全管理制度", 1), ("营业执照", 1)]
    assert rows[0].pk == kept  # a case file pointing at it still does
    assert not MaterialRequirement.objects.filter(pk=dropped).exists()


def test_a_renamed_bundle_and_reordered_items_update_the_bundle(db):
    catalog.import_catalog(sample())
    bundle = BundlePage.objects.get(bundle_code="YJS-KCG")
    data = sample()
    data["bundles"][0].update(name="开餐馆一件事", items=[FOOD, SETUP, HYGIENE])
    result = catalog.import_catalog(data)

    assert result.codes("updated", "bundle") == ["YJS-KCG"]
    bundle = BundlePage.objects.get(pk=bundle.pk)
    assert bundle.title == "开餐馆一件事"
    assert [item.item_code for item in bundle.items()] == [FOOD, SETUP, HYGIENE]


def test_a_guide_that_changes_department_moves_there(db):
    catalog.import_catalog(sample())
    pk = page(FOOD).pk
    data = sample()
    data["items"][1]["department"] = "WJJ"
    catalog.import_catalog(data)

    food = page(FOOD)
    assert food.pk == pk
    assert food.department.code == "WJJ"
    assert food.get_parent().specific.department.code == "WJJ"


# --- Drafts -----------------------------------------------------------------------------------


def test_draft_import_leaves_new_pages_unpublished(db):
    result = catalog.import_catalog(sample(), draft=True)

    assert result.codes("created", "item") == [SETUP, FOOD, HYGIENE]
    assert not ServiceItemPage.objects.live().exists()
    assert not BundlePage.objects.live().exists()
    assert page(SETUP).revisions.count() == 1

    # Importing the same file for real publishes what the draft saved, without a new revision.
    result = catalog.import_catalog(sample())
    assert set(result.codes("updated", "item")) == {SETUP, FOOD, HYGIENE}
    assert page(SETUP).live and page(SETUP).revisions.count() == 1


def test_draft_import_keeps_the_live_version_of_an_existing_page(db):
    catalog.import_catalog(sample())
    data = sample()
    data["items"][0]["name"] = "企业设立登记（新）"
    data["items"][0]["promised_days"] = 2

    catalog.import_catalog(data, draft=True)

    setup = page(SETUP)
    assert setup.live and setup.has_unpublished_changes
    assert (setup.title, setup.promised_days) == ("企业设立登记", 1)
    latest = setup.get_latest_revision_as_object()
    assert (latest.title, latest.promised_days) == ("企业设立登记（新）", 2)

    # The same draft again is no news: no third revision.
    assert catalog.import_catalog(data, draft=True).codes("unchanged", "item") == [SETUP, FOOD, HYGIENE]
    assert revisions(SETUP) == 2


# --- The command ------------------------------------------------------------------------------


def test_the_command_imports_a_file_and_prints_a_summary(db, tmp_path):
    out = io.StringIO()
    call_command("import_catalog", str(write(tmp_path, sample())), stdout=out, stderr=io.StringIO())
    # 3 departments, 1 license type, 3 guides, 1 bundle
    assert "8 created, 0 updated, 0 unchanged, 0 failed" in out.getvalue()
    assert page(SETUP).live


def test_the_command_lists_each_failure_and_exits_non_zero(db, tmp_path):
    data = sample()
    data["items"][0]["department"] = "NOPE"
    data["items"][1]["statutory_days"] = "十"
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_catalog", str(write(tmp_path, data)), stdout=io.StringIO(), stderr=err)
    lines = err.getvalue().splitlines()
    assert any(line.startswith(f"{SETUP}: department: ") and "NOPE" in line for line in lines)
    assert any(line.startswith(f"{FOOD}: statutory_days: ") for line in lines)
    assert page(HYGIENE).live  # the valid record went in all the same


def test_the_command_draft_option(db, tmp_path):
    call_command("import_catalog", str(write(tmp_path, sample())), "--draft", stdout=io.StringIO(),
                 stderr=io.StringIO())
    assert ServiceItemPage.objects.count() == 3 and not ServiceItemPage.objects.live().exists()


@pytest.mark.parametrize("content,message", [
    ("{not json", "is not JSON"),
    ("[1, 2, 3]", "JSON object"),
    ('{"items": {"code": "x"}}', '"items" must be a list'),
    ('{"name": "a catalog without records"}', "JSON object"),
])
def test_the_command_refuses_a_file_that_is_not_a_catalog(db, tmp_path, content, message):
    path = tmp_path / "broken.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        call_command("import_catalog", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert not Department.objects.exists()


def test_the_command_refuses_a_missing_file(db, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_catalog", str(tmp_path / "missing.json"), stdout=io.StringIO(), stderr=io.StringIO())


def test_the_command_shows_progress_on_a_large_file(db, tmp_path):
    data = {"departments": [], "license_types": [
        {"code": f"1110000000001333{n:02d}W011", "name": f"证照{n}"} for n in range(120)
    ]}
    err = io.StringIO()
    call_command("import_catalog", str(write(tmp_path, data)), stdout=io.StringIO(), stderr=err)
    assert "50/120" in err.getvalue() and "120/120" in err.getvalue()
    assert LicenseType.objects.count() == 120
