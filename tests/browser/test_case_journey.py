"""An application through the real pages: the enterprise applies with uploads, a clerk asks for
a correction, the enterprise corrects, the clerk accepts, a reviewer reviews and a decider approves."""

import pytest

from tests.casefiles.conftest import PDF  # a real one-page PDF: uploads are parsed whole

PASSWORD = "pw-for-tests-only"


def pdf(name):
    return {"name": name, "mimeType": "application/pdf", "buffer": PDF}


@pytest.fixture
def journey(live_site, django_user_model):
    from casefiles.demo.directory import demo_uscc
    from casefiles.directory import roles
    from casefiles.directory.models import Department, Enterprise
    from cms.models import MaterialRequirement, ServiceItemPage
    from cms.sitetree import ensure_department_page

    department = Department.objects.create(code="SCJGJ", name="珠海市市场监督管理局", region_code="440400")
    item = ensure_department_page(department).add_child(
        instance=ServiceItemPage(title="食品经营许可（新办）", slug="food", item_code="11440400MB2C90355D4442011007000",
                                 statutory_days=20, promised_days=10, online_depth=4)
    )
    item.material_requirements.add(MaterialRequirement(name="食品经营许可申请书", required=True))
    item.material_requirements.add(MaterialRequirement(name="营业执照", required=True))
    item.save_revision().publish()
    item = ServiceItemPage.objects.get(pk=item.pk)

    def user(name, *groups):
        u = django_user_model.objects.create_user(name, password=PASSWORD)
        u.groups.add(*groups)
        return u

    staff = {role: user(role, department.group(role)) for role in ("clerk", "reviewer", "decider")}
    roles.allow_admin(*(department.group(role) for role in ("clerk", "reviewer", "decider")))
    enterprise = Enterprise.objects.create(uscc=demo_uscc("91440400MA55L8QJ2"), name="珠海海湾餐饮管理有限公司",
                                           legal_representative="林晓燕", region_code="440402")
    applicant = user("applicant")
    enterprise.add_member(applicant)
    return {"item": item, "requirements": list(MaterialRequirement.objects.filter(page=item).order_by("sort_order", "pk")), **staff}


def staff_step(browser, live_site, log_in, username, number, step, fill=None, before=None):
    context = browser.new_context(base_url=live_site.url, locale="zh-CN")
    page = context.new_page()
    log_in(page, username, PASSWORD)
    page.goto(f"/admin/cases/{number}/")
    if before:
        before(page)
        page.goto(f"/admin/cases/{number}/")
    form = page.locator(f"#step-{step}")
    if fill:
        fill(form)
    with page.expect_navigation(wait_until="load"):  # the POST's answer, not the page before it
        form.locator("button[type=submit]").click()
    context.close()


@pytest.mark.browser
def test_apply_correct_accept_approve(journey, browser, browser_page, live_site, log_in):
    from casefiles.cases.models import CaseFile
    from casefiles.notices.models import Notice

    page = browser_page
    item, requirements = journey["item"], journey["requirements"]
    page.goto(item.url)
    page.locator(f"a[href*='/apply/{item.item_code}/']").first.click()
    log_in(page, "applicant", PASSWORD)  # the apply button asks the visitor to log in first
    page.locator("input[type=radio]").first.check()
    page.fill("input[name=contact_name]", "林晓燕")
    page.fill("input[name=contact_phone]", "0756-2121315")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/my/cases/*/")
    number = page.url.rstrip("/").rsplit("/", 1)[-1]
    for requirement in requirements:
        page.set_input_files(f"input[name='files-{requirement.pk}']", [pdf(f"{requirement.name}.pdf")])
    with page.expect_navigation(wait_until="load"):  # the POST's answer, not the page before it
        page.locator("button[name=action][value=submit]").click()
    assert CaseFile.objects.get(number=number).status == "submitted"

    case = CaseFile.objects.get(number=number)
    licence = case.materials.get(requirement=requirements[1], is_current=True)

    def mark_for_correction(staff_page):
        review = staff_page.locator(f"form[action$='/materials/{licence.pk}/review/']")
        review.locator("input[type=radio][value=rejected]").check()
        review.locator("input[type=text]").fill("复印件不清晰，请上传清晰的扫描件")
        with staff_page.expect_navigation(wait_until="load"):  # the POST's answer, not the page before it
            review.locator("button[type=submit]").click()

    def problems_prefilled(form):
        assert form.locator("input[name$='problems-0-problem']").input_value() == "复印件不清晰，请上传清晰的扫描件"

    staff_step(browser, live_site, log_in, "clerk", number, "request_correction", problems_prefilled, mark_for_correction)
    case.refresh_from_db()
    assert case.status == "correction_requested"
    assert Notice.objects.filter(case=case, kind="correction").exists()

    page.goto(f"/my/cases/{number}/")
    assert "复印件不清晰" in page.content()
    page.set_input_files(f"input[name='replace-{licence.pk}']", [pdf("营业执照-清晰.pdf")])
    with page.expect_navigation(wait_until="load"):  # the POST's answer, not the page before it
        page.locator("button[name=action][value=submit]").click()
    case.refresh_from_db()
    assert case.status == "submitted"
    assert case.materials.get(requirement=requirements[1], is_current=True).version == 2

    staff_step(browser, live_site, log_in, "clerk", number, "accept")
    staff_step(browser, live_site, log_in, "reviewer", number, "start_review")
    staff_step(browser, live_site, log_in, "decider", number, "approve")
    case.refresh_from_db()
    assert case.status == "approved"
    assert list(Notice.objects.filter(case=case).values_list("kind", flat=True)) == ["correction", "acceptance", "approval"]

    page.goto(f"/my/cases/{number}/")
    body = page.content()
    assert "准予" in body or "approval" in body.lower()
