"""秒批 and 告知承诺制 in the demo (casefiles.expedited).

- 公共场所卫生许可 (卫健局, an item already under 告知承诺制) is approved at submission when the
  applicant holds a valid 营业执照 and its premises are smaller than 50 m² (a form field ``area``,
  added to the item's form when it has none, with the address and the permitted activities its
  license prints); a new revision of the guide is published.
- 拱北好味道小吃店 applies for it with 36 m²: approved at once, its license issued, and the check
  after the approval (核查) opened — the demo 告知承诺 case with one open check.
- 海湾餐饮 applies with 120 m²: the rules are not met, the case waits for the clerk, whose case
  page says why 秒批 was not applied.

Run after the cases (``loader.py``); idempotent: the guide is published again only when its
rules change, and a story already told is not told again.
"""

from casefiles.cases.models import CaseFile
from casefiles.demo.cases import HAIWAN, HAOWEIDAO, HYGIENE, Story, _Teller, step
from casefiles.forms import definition
from casefiles.licenses.models import LicenseType
from cms.models import ServiceItemPage

AREA_RULE = "经营场所面积小于50平方米"
LICENSE_RULE = "持有有效的营业执照"
AREA_FIELD = {"key": "area", "label": "经营场所面积", "required": True, "decimal_places": 0, "unit": "m²",
              "help_text": "实际用于经营的场所面积（平方米）"}
# The license (公共场所卫生许可证) prints the premises' address and the permitted activities, which the
# demo's records do not hold: asked when the form does not ask them yet.
ADDRESS_FIELD = {"key": "address", "label": "经营地址", "required": True}
SCOPE_FIELD = {"key": "scope", "label": "许可项目", "required": True, "max_length": 100}

STORIES = (
    Story("wjj-hygiene-instant", HYGIENE, HAOWEIDAO, (step("file", 0, "09:10"), step("submit", 0, "09:18"))),
    Story("wjj-hygiene-instant-not-met", HYGIENE, HAIWAN, (step("file", 0, "11:02"), step("submit", 0, "11:09"))),
)
FORM_VALUES = {
    "wjj-hygiene-instant": {"commitment": True, "area": 36, "address": "珠海市香洲区拱北夏湾路226号102铺",
                            "scope": "饭馆、小吃店"},
    "wjj-hygiene-instant-not-met": {"commitment": True, "area": 120, "address": "珠海市香洲区情侣中路47号首层",
                                    "scope": "饭馆、餐厅"},
}


def _rules(license_code: str) -> list:
    return [
        ("holds_license", {"license_type": license_code, "label": LICENSE_RULE}),
        ("field", {"field": "area", "operator": "lt", "value": "50", "label": AREA_RULE}),
    ]


def configure_instant_approval() -> ServiceItemPage | None:
    """公共场所卫生许可: 秒批 with its two rules, its form asking for the area; None when the
    catalog (the guide, the 营业执照 type) is not loaded."""
    item = ServiceItemPage.objects.filter(title__startswith=HYGIENE).first()
    business_license = LicenseType.objects.filter(name="营业执照").first()
    if item is None or business_license is None:
        return None
    rules = _rules(business_license.code)
    blocks = [(block.block_type, dict(block.value)) for block in item.application_form]
    keys = {value.get("key") for _type, value in blocks} | {value.get("license_field") for _type, value in blocks}
    missing = [(kind, value) for kind, value in (("number", AREA_FIELD), ("address", ADDRESS_FIELD), ("text", SCOPE_FIELD))
               if value["key"] not in keys]
    current = [(block.block_type, dict(block.value)) for block in item.instant_rules]
    if item.instant_approval and not missing and current == [(kind, dict(value)) for kind, value in rules]:
        return item
    if missing:
        item.application_form = [*blocks, *missing]
    item.instant_approval = True
    item.instant_rules = rules
    item.save_revision().publish()
    return ServiceItemPage.objects.get(pk=item.pk)


class _FormTeller(_Teller):
    """The demo cases' teller, filling in the form values 秒批 judges."""

    def take(self, step, story, item, applicant, actors, case, moment):
        case = super().take(step, story, item, applicant, actors, case, moment)
        if step.action == "file" and story.key in FORM_VALUES:
            asked = definition.of_case(case)
            typed = {key: value for key, value in FORM_VALUES[story.key].items() if asked.get(key) is not None}
            case.form_data = {**(case.form_data or {}), **typed}
            CaseFile.objects.filter(pk=case.pk).update(form_data=case.form_data)
        return case


def load_expedited(stdout=None) -> dict:
    counts = {"told": 0, "present": 0, "skipped": 0}
    if configure_instant_approval() is None:
        if stdout is not None:
            stdout.write("秒批 demo skipped: the demo catalog is not loaded.")
        return counts
    teller = _FormTeller(stdout)
    told = set(CaseFile.objects.filter(form_data__has_key="demo").values_list("form_data__demo", flat=True))
    for story in STORIES:
        if story.key in told:
            counts["present"] += 1
        elif teller.tell(story) is None:
            counts["told"] += 1
        else:
            counts["skipped"] += 1
    teller.say(f"秒批 and 告知承诺 demo: {counts['told']} cases added, {counts['present']} already there.")
    return counts
