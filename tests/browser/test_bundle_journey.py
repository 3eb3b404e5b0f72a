"""企业开办一件事 through the real pages: an enterprise files the bundle as one application with
one set of materials, and two departments act on their parts at the same time."""

import pytest

from tests.casefiles.conftest import PDF  # a real one-page PDF: uploads are parsed whole

PASSWORD = "pw-for-tests-only"


def pdf(name):
    return {"name": name, "mimeType": "application/pdf", "buffer": PDF}


@pytest.fixture
def bundle(live_site, django_user_model):
    from casefiles.demo.directory import demo_uscc
    from casefiles.directory import roles
    from casefiles.directory.models import Department, Enterprise
    from cms.models import BundleItem, BundlePage, MaterialRequirement, ServiceItemPage
    from cms.sitetree import ensure_department_page

    def item(department, title, slug, code, names):
        page = ensure_department_page(department).add_child(instance=ServiceItemPage(
            title=title, slug=slug, item_code=code, statutory_days=15, promised_days=3, online_depth=4))
        for name in names:
            page.material_requirements.add(MaterialRequirement(name=name, required=True))
        page.save_revision().publish()
        return ServiceItemPage.objects.get(pk=page.pk)

    market = Department.objects.create(code="SCJGJ", name="珠海市市场监督管理局", region_code="440400")
    police = Department.objects.create(code="GAJ", name="珠海市公安局", region_code="440400")
    registration = item(market, "企业设立登记", "registration", "11440400MB2C9136XA0101000101000",
                        ["公司登记（备案）申请书", "法定代表人身份证件", "住所使用相关文件"])
    seal = item(police, "公章刻制备案", "seal", "11440400007195009F0904000101000", ["法定代表人身份证件", "经办人身份证件"])
    page = ensure_department_page(market).add_child(instance=BundlePage(
        title="企业开办一件事", slug="qykb", bundle_code="ZH-YJS-QYKB", department=market,
        bundle_items=[BundleItem(item=registration, sort_order=0), BundleItem(item=seal, sort_order=1)],
    ))
    page.save_revision().publish()

    def user(name, *groups):
        u = django_user_model.objects.create_user(name, password=PASSWORD)
        u.groups.add(*groups)
        return u

    user("market-clerk", market.group("clerk"))
    user("police-clerk", police.group("clerk"))
    roles.allow_admin(market.group("clerk"), police.group("clerk"))
    enterprise = Enterprise.objects.create(uscc=demo_uscc("91440400MA55L8QJ2"), name="珠海金湾新能源储能有限公司",
                                           legal_representative="周海峰", region_code="440404")
    enterprise.add_member(user("founder"))
    return BundlePage.objects.get(pk=page.pk)


def staff_page(browser, live_site, log_in, username):
    context = browser.new_context(base_url=live_site.url, locale="zh-CN")
    page = context.new_page()
    log_in(page, username, PASSWORD)
    return context, page


@pytest.mark.browser
def test_an_enterprise_files_a_bundle_and_two_departments_act_in_parallel(bundle, browser, browser_page, live_site, log_in,
                                                                          accessibility_violations):
    from casefiles.cases.models import CaseFile
    from casefiles.materials.models import Material

    page = browser_page
    page.goto(bundle.url)
    page.locator("a[href*='/apply/bundle/ZH-YJS-QYKB/']").first.click()
    log_in(page, "founder", PASSWORD)
    assert page.locator("#bundle-items li").count() == 2
    page.locator("input[type=radio]").first.check()
    page.fill("input[name=contact_name]", "周海峰")
    page.fill("input[name=contact_phone]", "0756-7711234")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/my/cases/*/")
    number = page.url.rstrip("/").rsplit("/", 1)[-1]

    violations, report = accessibility_violations(page)
    assert not violations, report
    # One set of materials: the identity card both items ask for has one upload.
    inputs = page.locator("#materials-form input[type=file]")
    assert inputs.count() == 4
    for name in ("公司登记（备案）申请书", "法定代表人身份证件", "住所使用相关文件", "经办人身份证件"):
        page.set_input_files(f"input[data-material='{name}']", [pdf(f"{name}.pdf")])
    with page.expect_navigation(wait_until="load"):  # the POST's answer, not the page before it
        page.locator("button[name=action][value=submit]").click()
    parent = CaseFile.objects.get(number=number)
    assert parent.is_bundle and parent.status == "submitted"
    shared = Material.objects.filter(case__parent=parent, requirement_name="法定代表人身份证件")
    assert shared.count() == 2 and shared.values("file").distinct().count() == 1
    registration, seal = parent.children.order_by("pk")

    # Both departments open their part before either acts, then each accepts its own.
    market, market_page = staff_page(browser, live_site, log_in, "market-clerk")
    police, police_page = staff_page(browser, live_site, log_in, "police-clerk")
    market_page.goto(f"/admin/cases/{registration.number}/")
    police_page.goto(f"/admin/cases/{seal.number}/")
    assert police_page.locator("#bundle-link").count() == 1
    for staff in (market_page, police_page):
        with staff.expect_navigation(wait_until="load"):  # the POST's answer, not the page before it
            staff.locator("#step-accept button[type=submit]").click()
    registration.refresh_from_db()
    seal.refresh_from_db()
    parent.refresh_from_db()
    assert (registration.status, seal.status, parent.status) == ("accepted", "accepted", "accepted")

    # The combined view: each department sees both parts, and opens only its own.
    police_page.goto(f"/admin/cases/bundles/{number}/")
    rows = police_page.locator("#bundle-parts tbody tr")
    assert rows.count() == 2
    assert police_page.locator(f"#bundle-parts a[href*='{seal.number}']").count() == 1
    assert police_page.locator(f"#bundle-parts a[href*='{registration.number}']").count() == 0
    response = police_page.goto(f"/admin/cases/{registration.number}/")
    assert response.status == 404
    market.close()
    police.close()

    # The applicant follows the parts on the bundle's page.
    page.goto(f"/my/cases/{number}/")
    assert page.locator("#bundle-parts tbody tr").count() == 2
    violations, report = accessibility_violations(page)
    assert not violations, report
