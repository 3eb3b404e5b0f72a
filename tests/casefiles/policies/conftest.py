"""A catalogue of policies and enterprises with files: the benefit's item (行政给付, no materials),
a 免申即享 policy proven from verified data, an ordinary one with declarable conditions."""

import datetime
from decimal import Decimal

import pytest
from freezegun import freeze_time

from casefiles.directory.models import Enterprise
from casefiles.policies.models import Qualification
from casefiles.demo.directory import demo_uscc

TODAY = datetime.date(2026, 6, 15)  # a Monday


@pytest.fixture(autouse=True)
def _today():
    """Every test of the policies runs on TODAY, 10:00 in Beijing."""
    with freeze_time(f"{TODAY.isoformat()} 02:00:00"):
        yield


@pytest.fixture
def policy_world(world):
    from cms.models import Industry, PolicyCondition, PolicyPage, ServiceItemPage
    from cms.sitetree import ensure_department_page

    w = world
    w.today = TODAY
    page = ensure_department_page(w.department)
    w.benefit_item = page.add_child(instance=ServiceItemPage(
        title="个体工商户开办补贴发放", slug="start-up-subsidy", item_code="11440400MB2C92390J5440111002000",
        item_type=ServiceItemPage.ItemType.BENEFIT, statutory_days=20, promised_days=10, online_depth=4))
    w.benefit_item.save_revision().publish()
    w.benefit_item = ServiceItemPage.objects.get(pk=w.benefit_item.pk)
    w.high_tech = Qualification.objects.create(code="high-tech", name="高新技术企业")

    w.enterprise.industry_code = "H6210"
    w.enterprise.scale = "micro"
    w.enterprise.established_on = datetime.date(2024, 3, 1)
    w.enterprise.registered_capital = Decimal("50")
    w.enterprise.save()
    w.other_enterprise.industry_code = "I6513"
    w.other_enterprise.scale = "small"
    w.other_enterprise.established_on = datetime.date(2015, 1, 1)
    w.other_enterprise.save()

    def policy(title, conditions, *, free_to_enjoy=False, amount=None, number="珠市监〔2026〕1号"):
        found = page.add_child(instance=PolicyPage(
            title=title, slug=f"policy-{PolicyPage.objects.count() + 1}", department=w.department,
            document_number=number, issuer=w.department.name, publish_date=TODAY - datetime.timedelta(days=30),
            effective_date=TODAY - datetime.timedelta(days=30), expiry_date=TODAY + datetime.timedelta(days=365),
            free_to_enjoy=free_to_enjoy, benefit="一次性开办补贴", benefit_amount=amount, application_item=w.benefit_item,
            summary=f"{title}的摘要。"))
        for order, values in enumerate(conditions):
            values = dict(values)
            if "industry" in values:
                values["industry"] = Industry.objects.get(code=values["industry"])
            PolicyCondition.objects.create(policy=found, sort_order=order, **values)
        found.save_revision().publish()
        return PolicyPage.objects.get(pk=found.pk)

    w.make_policy = policy
    w.catering = policy("餐饮个体户开办补贴", [
        {"kind": "industry", "industry": "H62"},
        {"kind": "scale", "checked_by": "declared", "scale": "micro"},
        {"kind": "years", "maximum": Decimal("3")},
    ], free_to_enjoy=True, amount=Decimal("3000"))
    w.innovation = policy("科技型中小企业研发补助", [
        {"kind": "industry", "industry": "I65"},
        {"kind": "employees", "checked_by": "declared", "minimum": Decimal("10")},
        {"kind": "qualification", "checked_by": "declared", "qualification": w.high_tech},
    ], amount=Decimal("200000"), number="珠科〔2026〕2号")
    return w


def enterprise(name, uscc_stem, **registry):
    return Enterprise.objects.create(uscc=demo_uscc(uscc_stem), name=name, legal_representative="王五",
                                     region_code=registry.pop("region_code", "440402"), **registry)
