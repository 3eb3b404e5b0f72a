"""One form, fill less, submit less — through the real pages: an enterprise applies for 食品经营许可
with the form pre-filled from its record and its 营业执照, uses the 营业执照 instead of uploading a
copy, the clerk sees the license in place of the file, and the certificate issued on approval has
every field filled."""

import datetime

import pytest

from tests.browser.test_case_journey import PASSWORD, pdf, staff_step

LICENSE_ADDRESS = "珠海市香洲区情侣中路47号首层"


@pytest.fixture
def journey(live_site, django_user_model):
    from casefiles.demo.directory import demo_uscc
    from casefiles.directory import roles
    from casefiles.directory.models import Department, Enterprise
    from casefiles.licenses import lifecycle
    from casefiles.licenses.models import LicenseType
    from cms.models import MaterialRequirement, ServiceItemPage
    from cms.sitetree import ensure_department_page

    department = Department.objects.create(code="SCJGJ", name="珠海市市场监督管理局", region_code="440400",
                                           uscc="11440400MB2C9136XA")
    business_license = LicenseType.objects.create(
        code="11100000000013338W011", name="营业执照", issuing_department=department,
        template=LicenseType.Template.BUSINESS_LICENSE, data_fields=[{"key": "address", "label": "住所"}])
    food_license = LicenseType.objects.create(
        code="11100000000013338W025", name="食品经营许可证", issuing_department=department, validity_years=5,
        template=LicenseType.Template.FOOD_BUSINESS, data_fields=[
            {"key": "legal_representative", "label": "法定代表人（负责人）"}, {"key": "address", "label": "住所"},
            {"key": "premises", "label": "经营场所"}, {"key": "business_form", "label": "主体业态"},
            {"key": "scope", "label": "经营项目"},
            {"key": "supervisor_agency", "label": "日常监督管理机构", "source": "department.name"},
            {"key": "supervisor", "label": "日常监督管理人员", "source": "decider.name"},
        ])
    def field(key, label, **extra):
        return {"key": key, "label": label, "required": True, **extra}

    form = [
        ("identifier", field("uscc", "统一社会信用代码", kind="uscc", prefill="applicant.code", locked=True)),
        ("text", field("legal_representative", "法定代表人（负责人）", max_length=50,
                       prefill="enterprise.legal_representative")),
        ("address", field("address", "住所", prefill="license", prefill_license_type=business_license.code,
                          prefill_license_field="address")),
        ("address", field("premises", "经营场所")),
        ("choice", field("business_form", "主体业态", options=[
            {"value": "small", "label": "餐饮服务经营者（小型餐馆）"}, {"value": "medium", "label": "餐饮服务经营者（中型餐馆）"}])),
        ("choice", field("food_scope", "经营项目", multiple=True, license_field="scope", options=[
            {"value": "hot", "label": "热食类食品制售"}, {"value": "cold", "label": "冷食类食品制售"}])),
    ]
    item = ensure_department_page(department).add_child(instance=ServiceItemPage(
        title="食品经营许可（新办）", slug="food", item_code="11440400MB2C9136XA0101000201000",
        statutory_days=20, promised_days=10, online_depth=4, result_license_type=food_license,
        application_form=form,
    ))
    item.material_requirements.add(MaterialRequirement(name="食品经营许可申请书", required=True))
    item.material_requirements.add(MaterialRequirement(name="营业执照", required=True))
    item.save_revision().publish()
    licence = MaterialRequirement.objects.get(page=item, name="营业执照")
    licence.license_types.add(business_license)
    licence.save()
    item = ServiceItemPage.objects.get(pk=item.pk)
    item.save_revision().publish()
    item = ServiceItemPage.objects.get(pk=item.pk)

    def user(name, *groups, full_name=""):
        u = django_user_model.objects.create_user(name, password=PASSWORD, first_name=full_name)
        u.groups.add(*groups)
        return u

    staff = {role: user(role, department.group(role)) for role in ("clerk", "reviewer")}
    staff["decider"] = user("decider", department.group("decider"), full_name="梁振华")
    roles.allow_admin(*(department.group(role) for role in ("clerk", "reviewer", "decider")))
    enterprise = Enterprise.objects.create(uscc=demo_uscc("91440400MA55L8QJ2"), name="珠海海湾餐饮管理有限公司",
                                           legal_representative="林晓燕", region_code="440402")
    applicant = user("applicant")
    enterprise.add_member(applicant)
    held = lifecycle.issue(business_license, issuer=department, holder=enterprise, data={"address": LICENSE_ADDRESS},
                           on=datetime.date(2021, 3, 9))
    return {"item": item, "held": held, "requirements": {r.name: r for r in MaterialRequirement.objects.filter(page=item)},
            **staff}


@pytest.mark.browser
def test_a_pre_filled_form_and_a_license_instead_of_a_copy(journey, browser, browser_page, live_site, log_in):
    from casefiles.cases.models import CaseFile
    from casefiles.licenses import certificates
    from casefiles.licenses.models import License

    page = browser_page
    item, held, requirements = journey["item"], journey["held"], journey["requirements"]
    page.goto(item.url)
    page.locator(f"a[href*='/apply/{item.item_code}/']").first.click()
    log_in(page, "applicant", PASSWORD)
    page.locator("input[type=radio]").first.check()
    page.fill("input[name=contact_name]", "林晓燕")
    page.fill("input[name=contact_phone]", "0756-2121315")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/my/cases/*/")
    number = page.url.rstrip("/").rsplit("/", 1)[-1]

    # Pre-filled from the enterprise's record and its 营业执照, each saying where it came from.
    form = page.locator("#application-form")
    assert page.locator("[name$='-legal_representative']").input_value() == "林晓燕"
    assert page.locator("[name$='-address']").first.input_value() == LICENSE_ADDRESS
    assert page.locator("[name$='-uscc']").get_attribute("readonly") is not None
    assert "营业执照" in form.inner_text()
    # The 营业执照 is chosen by default instead of an upload.
    licence = requirements["营业执照"]
    assert page.locator(f"input[name='source-{licence.pk}'][value='license:{held.identifier}']").is_checked()

    page.locator("[name$='-premises']").fill("珠海市香洲区情侣中路47号首层东侧")
    page.locator("select[name$='-business_form']").select_option("medium")
    page.get_by_label("热食类食品制售").check()
    page.get_by_label("冷食类食品制售").check()
    application = requirements["食品经营许可申请书"]
    page.set_input_files(f"input[name='files-{application.pk}']", [pdf("食品经营许可申请书.pdf")])
    with page.expect_navigation(wait_until="load"):
        page.locator("button[name=action][value=submit]").click()

    case = CaseFile.objects.get(number=number)
    assert case.status == "submitted"
    assert list(case.license_uses.values_list("license", flat=True)) == [held.pk]
    assert not case.materials.filter(requirement=licence).exists()  # nothing uploaded for it
    assert case.form_data["legal_representative"] == "林晓燕" and case.form_data["food_scope"] == ["hot", "cold"]

    # The clerk sees the license with its live status in place of a file.
    context = browser.new_context(base_url=live_site.url, locale="zh-CN")
    staff_page = context.new_page()
    log_in(staff_page, "clerk", PASSWORD)
    staff_page.goto(f"/admin/cases/{number}/")
    body = staff_page.locator("main").inner_text()
    assert held.number in body and "营业执照" in body and "有效" in body
    context.close()

    staff_step(browser, live_site, log_in, "clerk", number, "accept")
    staff_step(browser, live_site, log_in, "reviewer", number, "start_review")
    staff_step(browser, live_site, log_in, "decider", number, "approve")
    case.refresh_from_db()
    assert case.status == "approved"

    issued = License.objects.get(source_case=case)
    rows = certificates.data_rows(issued)
    assert {row.label for row in rows} >= {"法定代表人（负责人）", "住所", "经营场所", "主体业态", "经营项目",
                                           "日常监督管理机构", "日常监督管理人员"}
    assert all(row.value and row.value != "—" for row in rows)
    values = {row.label: row.value for row in rows}
    assert values["住所"] == LICENSE_ADDRESS
    assert values["主体业态"] == "餐饮服务经营者（中型餐馆）"
    assert values["经营项目"] == "热食类食品制售；冷食类食品制售"
    assert values["日常监督管理人员"] == "梁振华"
