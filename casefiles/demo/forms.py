"""The demo items' application forms (申请表), and what the demo applicants type into them.

The forms are those of the items that produce a license with a layout (casefiles.demo.licenses):
every field of the certificate comes from the form, the applicant's record or the decision, so
approving a demo case issues a certificate with every field filled. Pre-filled fields name
their source (the enterprise's record, its 营业执照); the rest are typed by the demo's applicants
(``SAMPLES``), as the demo cases file them.

``load_forms`` is idempotent: a guide whose form is already the one below is left alone; one
that differs gets it and a new published revision (the cases filed after it are asked it).
"""

from casefiles.forms import definition
from cms.models import ServiceItemPage


def _field(key, label, *, required=True, help_text="", prefill="", license_type="", license_field="", locked=False,
           condition=None, **extra):
    value = {"key": key, "label": label, "required": required, "help_text": help_text, "prefill": prefill,
             "prefill_license_type": license_type, "prefill_license_field": license_field, "locked": locked,
             "condition_field": "", "condition_operator": "", "condition_value": "", "license_field": license_field}
    if condition:
        value["condition_field"], value["condition_operator"], value["condition_value"] = condition
    value.update(extra)
    return value


def text(key, label, *, max_length=100, multiline=False, **kw):
    return ("text", _field(key, label, max_length=max_length, multiline=multiline, **kw))


def address(key, label, **kw):
    return ("address", _field(key, label, **kw))


def number(key, label, *, unit="", decimal_places=0, min_value=None, max_value=None, **kw):
    return ("number", _field(key, label, unit=unit, decimal_places=decimal_places, min_value=min_value,
                             max_value=max_value, **kw))


def money(key, label, *, unit="wan", **kw):
    return ("money", _field(key, label, unit=unit, min_value="0", max_value=None, **kw))


def choice(key, label, options=(), *, multiple=False, options_list=(), **kw):
    options = list(options) or list(options_list)
    return ("choice", _field(key, label, options=[{"value": o, "label": o} for o in options], multiple=multiple, **kw))


def table(key, label, columns, *, min_rows=1, max_rows=20, **kw):
    return ("table", _field(key, label, min_rows=min_rows, max_rows=max_rows, columns=[
        {"key": k, "label": lab, "type": kind, "required": True} for k, lab, kind in columns], **kw))


LEGAL_REPRESENTATIVE = text("legal_representative", "法定代表人（负责人）", max_length=50, prefill="enterprise.legal_representative")
USCC = ("identifier", _field("uscc", "统一社会信用代码", prefill="applicant.code", locked=True, kind="uscc"))
PLACE_AREA = number("area", "经营场所面积", unit="m²", decimal_places=2, min_value="1", max_value="100000")

FOOD_FORMS = ["食品销售经营者", "餐饮服务经营者（小型餐馆）", "餐饮服务经营者（中型餐馆）", "餐饮服务经营者（大型餐馆）", "单位食堂"]
FOOD_SCOPE = ["预包装食品销售（含冷藏冷冻食品）", "预包装食品销售（不含冷藏冷冻食品）", "散装食品销售", "热食类食品制售",
              "冷食类食品制售", "自制饮品制售（不含自酿酒）", "糕点类食品制售"]

FORMS = {
    "企业设立登记": [
        USCC,
        choice("type", "企业类型", ["有限责任公司（自然人投资或控股）", "有限责任公司（自然人独资）", "其他有限责任公司",
                                   "股份有限公司", "个人独资企业", "合伙企业"]),
        money("capital", "注册资本", help_text="单位：万元"),
        LEGAL_REPRESENTATIVE,
        address("address", "住所", prefill="enterprise.address"),
        text("scope", "经营范围", max_length=1000, multiline=True),
        table("shareholders", "股东（发起人）", [("name", "姓名或名称", "text"), ("share", "认缴出资额（万元）", "money")],
              max_rows=50),
    ],
    "企业变更登记": [
        USCC,
        choice("changes", "变更事项", ["住所", "经营范围", "法定代表人", "注册资本"], multiple=True),
        address("address", "变更后住所", prefill="license", license_type="business_license", license_field="address",
                condition=("changes", "eq", "住所")),
        text("scope", "变更后经营范围", max_length=1000, multiline=True, condition=("changes", "eq", "经营范围")),
        text("legal_representative", "变更后法定代表人", max_length=50, condition=("changes", "eq", "法定代表人")),
        money("capital", "变更后注册资本", help_text="单位：万元", condition=("changes", "eq", "注册资本")),
    ],
    "食品经营许可（新办）": [
        USCC,
        LEGAL_REPRESENTATIVE,
        address("address", "住所", prefill="license", license_type="business_license", license_field="address",
                help_text="与营业执照一致"),
        address("premises", "经营场所"),
        PLACE_AREA,
        choice("business_form", "主体业态", FOOD_FORMS),
        choice("food_scope", "经营项目", FOOD_SCOPE, multiple=True, license_field="scope"),
        ("mobile", _field("safety_officer_mobile", "食品安全管理人员手机号码")),
    ],
    "公共场所卫生许可": [
        USCC,
        LEGAL_REPRESENTATIVE,
        address("address", "地址", prefill="enterprise.address"),
        choice("health_scope", "许可项目", license_field="scope", multiple=True, options_list=["住宿业", "沐浴场所", "美容美发场所", "游泳场所", "商场（店）、书店"]),
        PLACE_AREA,
        table("staff", "从业人员", [("name", "姓名", "text"), ("id_number", "居民身份证号码", "resident_id")],
              max_rows=100),
    ],
    "建筑工程施工许可证核发": [
        USCC,
        text("project", "工程名称", max_length=200),
        address("site", "建设地址"),
        text("scale", "建设规模", max_length=200, help_text="如：建筑面积86,420平方米（地上18层，地下2层）"),
        text("contract_price", "合同价格", max_length=60),
        text("surveyor", "勘察单位", max_length=200),
        text("designer", "设计单位", max_length=200),
        text("builder", "施工单位", max_length=200),
        text("supervisor", "监理单位", max_length=200),
        text("duration", "合同工期", max_length=100),
    ],
}

# What the demo applicants type where nothing is pre-filled for them, by item title.
SAMPLES = {
    "企业设立登记": {"address": "珠海市香洲区唐家湾镇大学路101号", "type": "有限责任公司（自然人投资或控股）", "capital": "500", "scope": "一般项目：技术服务、技术开发。",
                     "shareholders": [{"name": "李明", "share": "300"}, {"name": "王芳", "share": "200"}]},
    "企业变更登记": {"changes": ["经营范围"], "scope": "一般项目：技术服务、技术开发、技术咨询；工业机器人销售。"},
    "食品经营许可（新办）": {"address": "珠海市香洲区情侣中路47号首层", "premises": "珠海市香洲区情侣中路47号首层", "area": "180", "business_form": "餐饮服务经营者（中型餐馆）",
                          "food_scope": ["热食类食品制售", "冷食类食品制售"], "safety_officer_mobile": "13926901234"},
    "公共场所卫生许可": {"address": "珠海市香洲区拱北夏湾路226号102铺", "health_scope": ["美容美发场所"], "area": "45",
                         "staff": [{"name": "周敏", "id_number": "440402199001011236"}]},
    "建筑工程施工许可证核发": {
        "project": "金湾航空新城储能研发中心", "site": "珠海市金湾区三灶镇机场东路288号", "scale": "建筑面积12,600平方米（地上6层）",
        "contract_price": "人民币4,800万元", "surveyor": "广东省地质工程勘察院", "designer": "珠海市建筑设计院有限公司",
        "builder": "广东华粤建设集团有限公司", "supervisor": "珠海市建设监理有限公司", "duration": "共540日历天"},
}


def sample_values(item) -> dict:
    return dict(SAMPLES.get(item.title, {}))


def load_forms(stdout=None) -> int:
    """Give each demo item its form; returns how many guides were changed."""
    changed = 0
    for title, blocks in FORMS.items():
        for page in ServiceItemPage.objects.filter(title=title):
            page = page.specific
            before = definition.of_page(page)
            page.application_form = blocks
            if definition.of_page(page) == before and definition.of_item(page) == before:
                continue
            page.save_revision().publish()
            changed += 1
    if stdout is not None:
        stdout.write(f"Demo forms: {changed} guides given their application form.")
    return changed

