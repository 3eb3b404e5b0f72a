"""A small published site with one page of every type, for the rendering and browser tests.

Zhuhai content: two guides of a restaurant opening that share the business licence, a
bundle of them, a person's guide, two policies (one expired), topics for both audiences.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone


@dataclass
class Site:
    home: object
    sections: dict
    departments: dict
    department_pages: dict
    food_licence: object
    hygiene_licence: object
    employment: object
    sole_trader: object
    bundle: object
    policy_in_force: object
    policy_expired: object
    enterprise_topic: object
    person_topic: object
    licence_types: dict


def _document(title, name):
    from wagtail.documents.models import Document

    return Document.objects.create(title=title, file=ContentFile(b"%PDF-1.4\n% yiwang test\n", name=name))


def _department(code, name, phone):
    from casefiles.directory.models import Department

    department, _created = Department.objects.update_or_create(
        code=code, defaults={"name": name, "region_code": "440400", "phone": phone, "address": "珠海市香洲区人民东路"}
    )
    return department


def _materials(guide, rows):
    from cms.models import MaterialRequirement

    for position, row in enumerate(rows):
        licence_types = row.pop("license_types", [])
        requirement = MaterialRequirement.objects.create(page=guide, sort_order=position, **row)
        if licence_types:
            requirement.license_types.set(licence_types)
            requirement.save()


def build_site() -> Site:
    from casefiles.licenses.models import LicenseType
    from cms.models import (
        BundleItem,
        BundlePage,
        PolicyCondition,
        Industry,
        PolicyPage,
        PolicyRelatedItem,
        ServiceItemPage,
        TopicItem,
        TopicPage,
    )
    from cms.sitetree import ensure_department_page, ensure_sections, home_page

    sections = ensure_sections()
    departments = {
        "SCJGJ": _department("SCJGJ", "珠海市市场监督管理局", "0756-2121315"),
        "WJJ": _department("WJJ", "珠海市卫生健康局", "0756-2217700"),
        "RSJ": _department("RSJ", "珠海市人力资源和社会保障局", "0756-12333"),
    }
    pages = {code: ensure_department_page(department) for code, department in departments.items()}
    pages["SCJGJ"].hours = "周一至周五 上午9:00-12:00，下午14:30-17:30（法定节假日除外）"
    pages["SCJGJ"].intro = "<p>负责全市市场主体登记注册、食品安全监督管理等工作。</p>"
    pages["SCJGJ"].save()

    licence_types = {
        "YYZZ": LicenseType.objects.create(code="YYZZ", name="营业执照", issuing_department=departments["SCJGJ"]),
        "SPJY": LicenseType.objects.create(code="SPJYXKZ", name="食品经营许可证", issuing_department=departments["SCJGJ"], validity_years=5),
        "GGCS": LicenseType.objects.create(code="GGCSWSXKZ", name="公共场所卫生许可证", issuing_department=departments["WJJ"], validity_years=4),
    }

    food_licence = pages["SCJGJ"].add_child(instance=ServiceItemPage(
        title="食品经营许可（新办）",
        slug="food-business-licence",
        department=departments["SCJGJ"],
        item_code="11440400MB2C90355D4442011007000",
        item_type=ServiceItemPage.ItemType.LICENSING,
        exercise_level=ServiceItemPage.ExerciseLevel.CITY,
        power_source=ServiceItemPage.PowerSource.STATUTORY,
        service_object="enterprise",
        summary="在珠海市从事食品销售和餐饮服务活动，应当依法取得食品经营许可。",
        legal_basis=[("basis", {"law": "《中华人民共和国食品安全法》", "article": "第三十五条",
                                "text": "国家对食品生产经营实行许可制度。从事食品生产、食品销售、餐饮服务，应当依法取得许可。"})],
        conditions="<ul><li>具有与经营的食品品种、数量相适应的经营场所；</li><li>有专职或者兼职的食品安全管理人员。</li></ul>",
        process=[
            ("step", {"name": "申请", "actor": "申请人", "description": "通过广东政务服务网或窗口提交申请材料。", "days": None}),
            ("step", {"name": "受理", "actor": "综合窗口", "description": "材料齐全、符合法定形式的，当场受理。", "days": 0}),
            ("step", {"name": "审查", "actor": "市市场监管局", "description": "必要时进行现场核查。", "days": 3}),
            ("step", {"name": "决定", "actor": "市市场监管局", "description": "作出准予或不予许可的决定。", "days": 2}),
        ],
        statutory_days=20,
        statutory_days_note="自受理之日起计算",
        promised_days=5,
        promised_days_note="不含现场核查整改时间",
        charges_fee=False,
        place="珠海市政务服务中心一楼综合窗口（珠海市香洲区红山路288号）",
        hours="周一至周五 上午9:00-12:00，下午14:30-17:30（法定节假日除外）",
        consultation_phone="0756-2121315",
        complaint_phone="0756-12345",
        online_depth=ServiceItemPage.OnlineDepth.FULL,
        visits_needed=0,
        tolerant_acceptance=True,
        notify_commit=True,
        tongban_scope=ServiceItemPage.TongbanScope.CITY,
        result_name="食品经营许可证",
        result_type=ServiceItemPage.ResultType.LICENSE,
        result_license_type=licence_types["SPJY"],
        faq=[{"type": "qa", "value": {"question": "网上申请后还需要到现场吗？", "answer": "<p>全程网办，许可证可选择邮寄或电子证照。</p>"}}],
    ))
    _materials(food_licence, [
        {"name": "食品经营许可申请书", "form": "original", "copies": 1, "blank_form": _document("食品经营许可申请书", "application.pdf"),
         "sample": _document("食品经营许可申请书（示范文本）", "application-sample.pdf")},
        {"name": "营业执照（副本）", "form": "copy", "copies": 1, "license_types": [licence_types["YYZZ"]],
         "notes": "已领取电子营业执照的，无需提交。"},
        {"name": "食品安全管理制度文本", "form": "electronic", "copies": 1, "deferrable": True},
        {"name": "经营场所平面布局图", "form": "original", "copies": 1, "required": False, "deferrable": True},
    ])

    hygiene_licence = pages["WJJ"].add_child(instance=ServiceItemPage(
        title="公共场所卫生许可",
        slug="public-place-hygiene-licence",
        department=departments["WJJ"],
        item_code="11440400007217727X4442011002000",
        item_type=ServiceItemPage.ItemType.LICENSING,
        service_object="enterprise",
        summary="饭馆、理发店、宾馆等公共场所开业前应取得公共场所卫生许可证。",
        statutory_days=20,
        promised_days=7,
        charges_fee=True,
        fees=[("fee", {"item": "卫生检测费", "standard": "按检测项目收费", "basis": "粤价〔2003〕160号", "waivable": True})],
        place="珠海市政务服务中心二楼卫生健康窗口",
        consultation_phone="0756-2217700",
        online_depth=ServiceItemPage.OnlineDepth.ACCEPTANCE,
        visits_needed=1,
        result_name="公共场所卫生许可证",
        result_type=ServiceItemPage.ResultType.LICENSE,
        result_license_type=licence_types["GGCS"],
    ))
    _materials(hygiene_licence, [
        {"name": "公共场所卫生许可申请表", "form": "original", "copies": 1},
        {"name": "营业执照(副本)", "form": "copy", "copies": 2, "license_types": [licence_types["YYZZ"]]},
        {"name": "从业人员健康合格证明", "form": "copy", "copies": 1, "deferrable": True},
    ])

    employment = pages["RSJ"].add_child(instance=ServiceItemPage(
        title="就业登记",
        slug="employment-registration",
        department=departments["RSJ"],
        item_code="11440400MB2C3947XJ4442011012000",
        item_type=ServiceItemPage.ItemType.PUBLIC_SERVICE,
        service_object="person",
        summary="在珠海市就业的劳动者办理就业登记。",
        statutory_days=None,
        promised_days=0,
        place="各区人力资源和社会保障局服务窗口",
        hours="周一至周五 9:00-17:00",
        consultation_phone="0756-12333",
        online_depth=ServiceItemPage.OnlineDepth.OFFLINE,
        visits_needed=1,
        tongban_scope=ServiceItemPage.TongbanScope.PROVINCE,
        result_type=ServiceItemPage.ResultType.NONE,
    ))
    _materials(employment, [{"name": "居民身份证", "form": "original", "copies": 1}])

    sole_trader = pages["SCJGJ"].add_child(instance=ServiceItemPage(
        title="个体工商户设立登记",
        slug="sole-trader-registration",
        department=departments["SCJGJ"],
        item_code="11440400MB2C90355D4442011001000",
        item_type=ServiceItemPage.ItemType.CONFIRMATION,
        service_object="both",
        statutory_days=15,
        promised_days=1,
        online_depth=ServiceItemPage.OnlineDepth.FULL,
        result_name="营业执照",
        result_type=ServiceItemPage.ResultType.LICENSE,
        result_license_type=licence_types["YYZZ"],
    ))

    bundle = pages["SCJGJ"].add_child(instance=BundlePage(
        title="我要开餐馆",
        slug="open-a-restaurant",
        department=departments["SCJGJ"],
        bundle_code="YJS-440400-0001",
        summary="开办餐馆所需的食品经营许可和公共场所卫生许可，一次申请、一套材料、并联审批。",
        process=[("step", {"name": "一表申请", "actor": "申请人", "description": "填写一张表单，材料只交一次。", "days": None}),
                 ("step", {"name": "并联审批", "actor": "市市场监管局、市卫健局", "description": "", "days": 5})],
        faq=[{"type": "qa", "value": {"question": "可以只办其中一项吗？", "answer": "<p>可以，请分别查看各事项的办事指南。</p>"}}],
    ))
    BundleItem.objects.create(bundle=bundle, item=food_licence, sort_order=0)
    BundleItem.objects.create(bundle=bundle, item=hygiene_licence, sort_order=1)

    today = timezone.localdate()
    policy_in_force = pages["SCJGJ"].add_child(instance=PolicyPage(
        title="珠海市促进个体工商户发展若干措施",
        slug="sole-trader-measures",
        department=departments["SCJGJ"],
        document_number="珠市监〔2025〕12号",
        issuer="珠海市市场监督管理局",
        publish_date=today - timedelta(days=400),
        effective_date=today - timedelta(days=380),
        expiry_date=today + timedelta(days=700),
        category=PolicyPage.Category.SUBSIDY,
        region="珠海市",
        free_to_enjoy=True,
        summary="对新开办的餐饮类个体工商户给予一次性开办补贴。",
        body="<p>第一条 对在本市新登记的餐饮类个体工商户，给予一次性开办补贴3000元。</p>",
        interpretation="<p>符合条件的个体工商户无需申请，补贴将直接拨付至登记的银行账户。</p>",
        attachments=[{"type": "attachment", "value": {"title": "补贴对象名单（第一批）", "document": _document("补贴对象名单", "list.pdf").pk}}],
    ))
    _conditions(policy_in_force, industries=["H", "F"], scales=["small", "micro"])
    PolicyRelatedItem.objects.create(policy=policy_in_force, item=sole_trader, sort_order=0)

    policy_expired = pages["RSJ"].add_child(instance=PolicyPage(
        title="珠海市稳岗返还实施办法",
        slug="job-retention-refund",
        department=departments["RSJ"],
        document_number="珠人社〔2021〕8号",
        issuer="珠海市人力资源和社会保障局",
        publish_date=today - timedelta(days=1500),
        effective_date=today - timedelta(days=1490),
        expiry_date=today - timedelta(days=300),
        category=PolicyPage.Category.EMPLOYMENT,
        summary="对不裁员或少裁员的参保企业返还部分失业保险费。",
        body="<p>参保企业上年度未裁员或裁员率不高于全国城镇调查失业率控制目标的，可申请稳岗返还。</p>",
    ))
    _conditions(policy_expired, industries=["C"], scales=["large", "medium"])

    topics = sections["TopicIndexPage"]
    enterprise_topic = topics.add_child(instance=TopicPage(
        title="企业开办", slug="starting-a-business", audience="enterprise", life_event="starting",
        intro="<p>从领取营业执照到开门营业，需要办理的事项都在这里。</p>",
    ))
    TopicItem.objects.create(topic=enterprise_topic, page=sole_trader, sort_order=0)
    TopicItem.objects.create(topic=enterprise_topic, page=bundle, sort_order=1)
    person_topic = topics.add_child(instance=TopicPage(
        title="就业创业", slug="work", audience="person", life_event="employment",
    ))
    TopicItem.objects.create(topic=person_topic, page=employment, sort_order=0)

    return Site(
        home=home_page(), sections=sections, departments=departments, department_pages=pages,
        food_licence=food_licence, hygiene_licence=hygiene_licence, employment=employment, sole_trader=sole_trader,
        bundle=bundle, policy_in_force=policy_in_force, policy_expired=policy_expired,
        enterprise_topic=enterprise_topic, person_topic=person_topic, licence_types=licence_types,
    )


def _conditions(policy, *, industries, scales):
    """Eligibility conditions from verified data: any of ``industries``, any of ``scales``."""
    from cms.models import Industry, PolicyCondition

    order = 0
    for code in industries:
        PolicyCondition.objects.create(policy=policy, kind="industry", industry=Industry.objects.get(code=code),
                                       sort_order=order)
        order += 1
    for code in scales:
        PolicyCondition.objects.create(policy=policy, kind="scale", scale=code, sort_order=order)
        order += 1
