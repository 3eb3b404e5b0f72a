"""政策计算器 and 一键申报 through the real pages: an enterprise's member signs in, the calculator reads
the enterprise's file and shows a policy it meets with each condition's reason, and one click
makes the draft application, its form filled from the file (一企一档)."""

import datetime
from decimal import Decimal

import pytest

from tests.browser.test_case_journey import PASSWORD

ENTERPRISE = "珠海海湾餐饮管理有限公司"


@pytest.fixture
def catering(live_site, django_user_model):
    from django.utils import timezone

    from casefiles.demo.directory import demo_uscc
    from casefiles.directory.models import Department, Enterprise
    from casefiles.policies.models import Declaration
    from cms.models import Industry, PolicyCondition, PolicyPage, ServiceItemPage
    from cms.sitetree import ensure_department_page

    today = timezone.localdate()
    department = Department.objects.create(code="SCJGJ", name="珠海市市场监督管理局", region_code="440400")
    page = ensure_department_page(department)
    item = page.add_child(instance=ServiceItemPage(
        title="个体工商户开办补贴发放", slug="start-up-subsidy", item_code="11440400MB2C92390J5440111002000",
        item_type=ServiceItemPage.ItemType.BENEFIT, statutory_days=20, promised_days=10, online_depth=4,
        application_form=[
            ("text", {"key": "company", "label": "申请单位", "prefill": "applicant.name", "max_length": 100,
                      "required": True}),
            ("number", {"key": "staff", "label": "从业人数", "prefill": "file.employees", "min_value": "0",
                        "required": True}),
        ]))
    item.save_revision().publish()
    item = ServiceItemPage.objects.get(pk=item.pk)
    policy = page.add_child(instance=PolicyPage(
        title="餐饮个体户开办补贴", slug="catering-subsidy", department=department, document_number="珠市监〔2026〕1号",
        issuer=department.name, publish_date=today - datetime.timedelta(days=30),
        effective_date=today - datetime.timedelta(days=30), expiry_date=today + datetime.timedelta(days=365),
        benefit="一次性开办补贴", benefit_amount=Decimal("3000"), application_item=item, summary="开办补贴。"))
    PolicyCondition.objects.create(policy=policy, sort_order=0, kind="industry", industry=Industry.objects.get(code="H62"))
    PolicyCondition.objects.create(policy=policy, sort_order=1, kind="scale", checked_by="declared", scale="micro")
    PolicyCondition.objects.create(policy=policy, sort_order=2, kind="years", maximum=Decimal("3"))
    policy.save_revision().publish()

    enterprise = Enterprise.objects.create(
        uscc=demo_uscc("91440400MA55L8QJ2"), name=ENTERPRISE, legal_representative="林晓燕", region_code="440402",
        industry_code="H6210", scale="micro", established_on=today - datetime.timedelta(days=400),
        registered_capital=Decimal("50"))
    Declaration.objects.create(enterprise=enterprise, employees=12)
    member = django_user_model.objects.create_user("applicant", password=PASSWORD)
    enterprise.add_member(member)
    return {"policy": PolicyPage.objects.get(pk=policy.pk), "item": item, "enterprise": enterprise}


@pytest.mark.browser
def test_the_calculator_matches_and_one_click_applies(catering, browser_page, log_in):
    from casefiles.cases.models import CaseFile

    page = browser_page
    policy = catering["policy"]
    page.goto(policy.url)
    page.locator("#policy-calculator-link").click()
    page.wait_for_url("**/policies/calculator/**")
    page.goto("/accounts/login/?next=/policies/calculator/")
    log_in(page, "applicant", PASSWORD)
    page.wait_for_url("**/policies/calculator/")

    # From the enterprise's file: the policy is met, every condition with its reason.
    assert ENTERPRISE in page.locator("#calculator-mode").inner_text()
    result = page.locator(f"#policy-{policy.pk}")
    assert result.locator(".policy-badge").inner_text() == "符合"
    conditions = result.locator(".condition")
    assert conditions.count() == 3
    assert all(conditions.nth(i).get_attribute("data-state") == "met" for i in range(3))
    text = result.inner_text()
    assert "登记信息：H6210" in text and "行业：H62 餐饮业" in text

    # 一键申报: the draft's page, its form filled from the file.
    with page.expect_navigation(wait_until="load"):
        result.get_by_role("button", name="一键申报").click()
    page.wait_for_url("**/my/cases/*/")
    number = page.url.rstrip("/").rsplit("/", 1)[-1]
    case = CaseFile.objects.get(number=number)
    assert case.status == "draft" and case.enterprise_id == catering["enterprise"].pk
    assert page.locator("[name$='-company']").input_value() == ENTERPRISE
    assert page.locator("[name$='-staff']").input_value() == "12"
    assert "自主申报" in page.locator("#application-form").inner_text()  # says the number came from the declaration
