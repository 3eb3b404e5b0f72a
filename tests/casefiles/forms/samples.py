"""Guides with application forms, as editors build them on the guide's Form tab."""

from cms.models import ServiceItemPage


def give_form(page, blocks, **attributes):
    """Publish ``blocks`` ([(block type, value)]) as ``page``'s form; returns the page read again."""
    page.application_form = blocks
    for name, value in attributes.items():
        setattr(page, name, value)
    page.save_revision().publish()
    return ServiceItemPage.objects.get(pk=page.pk)


SAMPLE = [
    ("text", {"key": "shop_name", "label": "店铺名称", "prefill": "applicant.name", "max_length": 30}),
    ("identifier", {"key": "uscc", "label": "统一社会信用代码", "kind": "uscc", "prefill": "applicant.code", "locked": True}),
    ("text", {"key": "legal_rep", "label": "法定代表人", "prefill": "enterprise.legal_representative"}),
    ("money", {"key": "capital", "label": "注册资本", "min_value": "0", "max_value": "100000000"}),
    ("number", {"key": "area", "label": "经营面积", "unit": "m²", "decimal_places": 1, "required": False}),
    ("date", {"key": "opening", "label": "开业日期", "when": "future", "required": False}),
    ("choice", {"key": "kind", "label": "经营类别", "options": [{"value": "food", "label": "食品销售"},
                                                          {"value": "catering", "label": "餐饮服务"}]}),
    ("text", {"key": "kitchen", "label": "厨房面积说明", "required": True,
              "condition_field": "kind", "condition_operator": "eq", "condition_value": "catering"}),
    ("mobile", {"key": "mobile", "label": "负责人手机", "required": False}),
    ("address", {"key": "address", "label": "经营场所", "required": False}),
    ("table", {"key": "staff", "label": "从业人员", "required": False, "min_rows": 0, "max_rows": 5, "columns": [
        {"key": "name", "label": "姓名", "type": "text", "required": True},
        {"key": "id_number", "label": "身份证号", "type": "resident_id", "required": True},
        {"key": "phone", "label": "电话", "type": "mobile", "required": False},
    ]}),
    ("commitment", {"key": "commitment", "label": "告知承诺", "text": "本人承诺所填信息真实。"}),
]
