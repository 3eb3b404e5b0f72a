"""Demo electronic licenses: the departments' agency codes, the certificate layouts of the
demo license types, and licenses for the demo enterprises.

``load_licenses`` is idempotent: a department that has a USCC keeps it, a license type's
layout is set to the same values again, and a holder that already has a license of a type
from its issuer is not issued another. Licenses are issued through ``lifecycle.issue``, so
they are signed and numbered as any other. It runs after the demo catalog (which creates the
license types) and before the demo cases (whose approvals issue licenses in turn).
"""

import datetime
import hashlib

from django.core.exceptions import ValidationError

from casefiles.demo.directory import demo_uscc
from casefiles.directory import protected
from casefiles.directory.identifiers import uscc_validator
from casefiles.directory.models import Department, Enterprise
from casefiles.licenses import lifecycle
from casefiles.licenses.models import License, LicenseType
from cms.models import ServiceItemPage

Template = LicenseType.Template

# The demo license types by name (their codes come from the catalog): layout and data fields.
# A field filled not by the applicant's form but at the decision has its source (casefiles.forms.licensing):
# the date of the decision, the deciding department or the person who decides.
TYPE_LAYOUTS = {
    "营业执照": (Template.BUSINESS_LICENSE, [
        ("type", "类　　型"), ("legal_representative", "法定代表人"), ("capital", "注册资本"),
        ("established", "成立日期", "decision.date"), ("term", "营业期限", "decision.long_term"), ("address", "住　　所"),
        ("scope", "经营范围"),
    ]),
    "食品经营许可证": (Template.FOOD_BUSINESS, [
        ("legal_representative", "法定代表人（负责人）"), ("address", "住所"), ("premises", "经营场所"),
        ("business_form", "主体业态"), ("scope", "经营项目"), ("supervisor_agency", "日常监督管理机构", "department.name"),
        ("supervisor", "日常监督管理人员", "decider.name"),
    ]),
    "公共场所卫生许可证": (Template.PUBLIC_HEALTH, [
        ("legal_representative", "法定代表人（负责人）"), ("address", "地址"), ("scope", "许可项目"), ("area", "经营面积"),
    ]),
    "建筑工程施工许可证": (Template.CONSTRUCTION, [
        ("project", "工程名称"), ("site", "建设地址"), ("scale", "建设规模"), ("contract_price", "合同价格"),
        ("surveyor", "勘察单位"), ("designer", "设计单位"), ("builder", "施工单位"), ("supervisor", "监理单位"),
        ("duration", "合同工期"),
    ]),
}

# 营业执照 of the enterprises registered by market regulation (USCC starting 9: a social
# organisation, starting 5, is registered by civil affairs and holds no business license).
BUSINESS_LICENSES = {
    "91440400MA4WB3K1X": (datetime.date(2019, 6, 18), {
        "type": "有限责任公司（自然人投资或控股）", "capital": "人民币伍佰万元",
        "address": "珠海市香洲区唐家湾镇大学路101号清华科技园创业大楼B座3层",
        "scope": "一般项目：技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广；智能控制系统集成；人工智能应用软件开发；"
                 "工业机器人销售。（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）",
    }),
    "91440400MA55L8QJ2": (datetime.date(2021, 3, 9), {
        "type": "有限责任公司（自然人独资）", "capital": "人民币壹佰万元",
        "address": "珠海市香洲区情侣中路47号首层",
        "scope": "许可项目：餐饮服务；食品销售。一般项目：餐饮管理；外卖递送服务。"
                 "（依法须经批准的项目，经相关部门批准后方可开展经营活动）",
    }),
    "91440404MA51TY0C7": (datetime.date(2020, 11, 20), {
        "type": "其他有限责任公司", "capital": "人民币伍仟万元",
        "address": "珠海市金湾区三灶镇机场东路288号",
        "scope": "一般项目：储能技术服务；电池制造；电池销售；新兴能源技术研发；输配电及控制设备制造。"
                 "（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）",
    }),
    "92440402MA5AR7KP4": (datetime.date(2018, 4, 2), {
        "type": "个体工商户", "capital": "—",
        "address": "珠海市香洲区拱北夏湾路226号102铺",
        "scope": "许可项目：小餐饮；食品销售（仅销售预包装食品）。",
    }),
    "91440400MA4X2Q8N9": (datetime.date(2016, 8, 1), {
        "type": "其他有限责任公司", "capital": "人民币壹亿元",
        "address": "珠海市横琴新区环岛东路3000号横琴国际商务中心18楼",
        "scope": "许可项目：建设工程施工；建筑劳务分包；住宅室内装饰装修。一般项目：土石方工程施工；园林绿化工程施工；"
                 "建筑材料销售。（依法须经批准的项目，经相关部门批准后方可开展经营活动）",
    }),
}

# 食品经营许可证 of the catering enterprises.
FOOD_LICENSES = {
    "91440400MA55L8QJ2": (datetime.date(2023, 5, 16), {
        "premises": "珠海市香洲区情侣中路47号首层", "business_form": "餐饮服务经营者（中型餐馆）",
        "scope": "热食类食品制售；冷食类食品制售（含烧卤熟肉）；自制饮品制售（不含自酿酒）",
        "supervisor_agency": "珠海市香洲区市场监督管理局吉大市场监督管理所", "supervisor": "梁振华、吴婉婷",
    }),
    "92440402MA5AR7KP4": (datetime.date(2022, 8, 22), {
        "premises": "珠海市香洲区拱北夏湾路226号102铺", "business_form": "餐饮服务经营者（小型餐馆）",
        "scope": "热食类食品制售；预包装食品（不含冷藏冷冻食品）销售",
        "supervisor_agency": "珠海市香洲区市场监督管理局拱北市场监督管理所", "supervisor": "陈立新、黄敏",
    }),
}

# One 建筑工程施工许可证, so that every layout has a demo.
CONSTRUCTION_PERMITS = {
    "91440400MA4X2Q8N9": (datetime.date(2025, 9, 10), {
        "project": "横琴湾区建设总部大楼工程", "site": "珠海市横琴新区港澳大道以北、环岛东路以西",
        "scale": "建筑面积86,420平方米（地上18层，地下2层）", "contract_price": "人民币32,600万元",
        "surveyor": "广东省地质工程勘察院", "designer": "珠海市建筑设计院有限公司",
        "builder": "广东华粤建设集团有限公司", "supervisor": "珠海市建设监理有限公司",
        "duration": "2025年09月15日至2027年12月31日，共838日历天",
    }),
}


def _say(stdout, text):
    if stdout is not None:
        stdout.write(text)


def agency_uscc(department: Department) -> str:
    """The department's code: the start of its guides' item codes (实施编码) when they carry
    a valid one, else a demo code of a 机关 (11) in its region."""
    for code in ServiceItemPage.objects.filter(department=department).values_list("item_code", flat=True):
        try:
            uscc_validator(code[:18])
        except ValidationError:
            continue
        return code[:18]
    digits = str(int(hashlib.sha256(department.code.encode()).hexdigest(), 16))[:7]
    return demo_uscc(f"11{department.region_code[:6]}MB{digits}")


def give_departments_codes() -> int:
    """Every active department without a USCC gets one; returns how many did."""
    count = 0
    for department in Department.objects.filter(uscc=""):
        Department.objects.filter(pk=department.pk).update(uscc=agency_uscc(department))
        count += 1
    return count


def lay_out_types() -> dict[str, LicenseType]:
    """Template and data fields of the demo types that exist (the catalog creates them)."""
    found = {}
    for name, (template, fields) in TYPE_LAYOUTS.items():
        license_type = LicenseType.objects.filter(name=name).first()
        if license_type is None:
            continue
        data_fields = [{"key": key, "label": label, **({"source": source[0]} if source else {})}
                       for key, label, *source in fields]
        if license_type.template != template or license_type.data_fields != data_fields:
            license_type.template, license_type.data_fields = template, data_fields
            license_type.save(update_fields=["template", "data_fields"])
        found[name] = license_type
    return found


def _issue_once(license_type, enterprise, on, data) -> bool:
    issuer = license_type.issuing_department
    if issuer is None or License.objects.filter(
            protected.matches("holder_code", enterprise.uscc), license_type=license_type, issuer=issuer).exists():
        return False
    issuer.refresh_from_db(fields=["uscc"])
    lifecycle.issue(license_type, issuer=issuer, holder=enterprise, data=data, on=on)
    return True


def load_licenses(stdout=None) -> dict:
    """Codes, layouts and licenses; returns counts of what was added."""
    coded = give_departments_codes()
    types = lay_out_types()
    issued = 0
    enterprises = {enterprise.uscc[:17]: enterprise for enterprise in Enterprise.objects.all()}
    plan = [
        ("营业执照", BUSINESS_LICENSES),
        ("食品经营许可证", FOOD_LICENSES),
        ("建筑工程施工许可证", CONSTRUCTION_PERMITS),
    ]
    for type_name, licenses_of in plan:
        license_type = types.get(type_name)
        if license_type is None:
            continue
        for body, (on, extra) in licenses_of.items():
            enterprise = enterprises.get(body)
            if enterprise is None:
                continue
            day = f"{on.year}年{on.month:02d}月{on.day:02d}日"
            known = {
                "legal_representative": enterprise.legal_representative,
                "address": BUSINESS_LICENSES.get(body, (None, {}))[1].get("address") or enterprise.address,
                "established": day,
                "term": f"{day}至长期",
                **extra,
            }
            keys = [field["key"] for field in license_type.data_fields]
            data = {key: known[key] for key in keys if key in known}
            issued += _issue_once(license_type, enterprise, on, data)
    if not types:
        _say(stdout, "Demo licenses skipped: the demo catalog (its license types) is not loaded.")
    else:
        _say(stdout, f"Demo licenses: {issued} issued, {coded} departments given an agency code, "
                     f"{len(types)} license types laid out.")
    return {"issued": issued, "coded": coded, "types": len(types)}
