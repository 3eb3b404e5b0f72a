"""一照通行: from the business activities an applicant picks to the items they apply for.

The applicant picks activities of their business scope (经营范围: selling food, catering,
running a hotel …); ``propose`` answers with the business registration (for a new business)
and every permit those activities need, each once, in a stable order: the registration first,
then the permits in the order of the activities that need them. The mapping is data
(``Activity.items``) that administrators keep in the Wagtail admin; ``seed`` fills in a few
real activities for the demo catalogue. The applicant then files the proposal as one bundle
(``bundle_applications.start(items=…)``).
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction

from casefiles.bundles.models import Activity
from cms.models import ServiceItemPage


@dataclass
class Proposal:
    activities: list  # the Activity rows picked
    items: list = field(default_factory=list)  # ServiceItemPages, the registration first
    reasons: dict = field(default_factory=dict)  # item pk → names of the activities that need it
    unknown: list = field(default_factory=list)  # codes asked for that are not offered


def business_registration_item():
    code = getattr(settings, "YIWANG_BUSINESS_REGISTRATION_ITEM", "")
    return ServiceItemPage.objects.filter(item_code=code).first() if code else None


def offered():
    return Activity.objects.filter(is_active=True).prefetch_related("items")


def propose(codes, *, new_business: bool = True) -> Proposal:
    codes = list(dict.fromkeys(str(c).strip() for c in codes if str(c).strip()))
    by_code = {a.code: a for a in offered().filter(code__in=codes)}
    proposal = Proposal([by_code[c] for c in codes if c in by_code], unknown=[c for c in codes if c not in by_code])
    if new_business:
        registration = business_registration_item()
        if registration is not None:
            proposal.items.append(registration)
            proposal.reasons[registration.pk] = []
    for activity in proposal.activities:
        for item in sorted(activity.items.all(), key=lambda i: i.pk):
            if item.pk not in proposal.reasons:
                proposal.items.append(item)
                proposal.reasons[item.pk] = []
            proposal.reasons[item.pk].append(activity.name)
    return proposal


# Real activities of a business scope and the demo catalogue's items they need (by title start).
SEED = (
    ("food-sales", "食品销售", "预包装食品、散装食品的销售", "卖食品 便利店 超市 零食", ("食品经营许可",)),
    ("catering", "餐饮服务", "热食类、冷食类食品制售", "开餐馆 开饭店 小吃店 奶茶店 餐厅", ("食品经营许可",)),
    ("hotel", "住宿服务（旅馆）", "旅馆、酒店、民宿经营", "开旅馆 开酒店 民宿 宾馆", ("特种行业许可证核发", "公共场所卫生许可")),
    ("drug-retail", "药品零售", "处方药、非处方药零售", "开药店 药房", ("药品零售企业许可",)),
    ("entertainment", "娱乐场所经营", "歌舞、游艺娱乐场所", "KTV 歌厅 游戏厅", ("娱乐场所经营许可",)),
    ("hairdressing", "美容美发", "理发、美容服务", "开理发店 美容院 美发", ("公共场所卫生许可",)),
    ("road-freight", "道路货物运输", "普通货运（不含危险货物）", "货运 物流 运输", ("道路货物运输经营许可",)),
    ("hr-services", "人力资源服务", "职业中介、人才招聘", "职业介绍 猎头 劳务", ("人力资源服务许可",)),
)


@transaction.atomic
def seed() -> int:
    """The demo activities, added where missing (an administrator's edits are left alone)."""
    added = 0
    for order, (code, name, description, keywords, titles) in enumerate(SEED):
        items = [item for title in titles for item in ServiceItemPage.objects.filter(title__startswith=title)[:1]]
        if not items:
            continue
        activity, created = Activity.objects.get_or_create(
            code=code, defaults={"name": name, "description": description, "keywords": keywords, "sort_order": order * 10},
        )
        if created:
            activity.items.set(items)
            added += 1
    return added
