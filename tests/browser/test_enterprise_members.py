"""An enterprise's administrator invites a member by mobile number through the real pages; the
member, signed in with the account of that mobile, accepts and files an application for the enterprise.

The people are the demo's (docs/demo.md): ``enterprise2`` administers 珠海海湾餐饮管理有限公司,
``citizen2`` (李娜) has the mobile 13800138012.
"""

import re

import pytest

from casefiles.demo.directory import DEMO_PASSWORD


@pytest.fixture
def demo_people(live_site):
    from casefiles.demo.directory import load_departments, load_people
    from casefiles.demo.members import HAIWAN, MOBILES, load_members
    from casefiles.directory.models import Department, Enterprise
    from cms.models import MaterialRequirement, ServiceItemPage
    from cms.sitetree import ensure_department_page

    from casefiles.directory.models import Person
    from casefiles.realname import levels

    load_people(load_departments())
    load_members()
    for person in Person.objects.filter(user__username__in=MOBILES):  # their mobiles proven (the demo's registration)
        levels.record(person, levels.REGISTERED, method=levels.MOBILE, evidence="demo")
    department = Department.objects.get(code="SCJGJ")
    item = ensure_department_page(department).add_child(
        instance=ServiceItemPage(title="食品经营许可（新办）", slug="food", item_code="11440400MB2C90355D4442011007000",
                                 statutory_days=20, promised_days=10, online_depth=4)
    )
    item.material_requirements.add(MaterialRequirement(name="食品经营许可申请书", required=True))
    item.save_revision().publish()
    return {"item": ServiceItemPage.objects.get(pk=item.pk), "enterprise": Enterprise.objects.get(uscc=HAIWAN),
            "mobile": MOBILES["citizen2"]}


@pytest.mark.browser
def test_an_administrator_invites_and_the_member_files_for_the_enterprise(demo_people, browser, browser_page, live_site,
                                                                          log_in, accessibility_violations):
    from casefiles.accounts import sms
    from casefiles.cases.models import CaseFile

    sms.outbox.clear()
    enterprise, item = demo_people["enterprise"], demo_people["item"]

    # The administrator: 我的企业 → 成员管理 → invite by mobile.
    admin_context = browser.new_context(base_url=live_site.url, locale="zh-CN")
    admin = admin_context.new_page()
    log_in(admin, "enterprise2", DEMO_PASSWORD)
    admin.goto("/my/enterprises/")
    admin.locator(f"a[href='/my/enterprises/{enterprise.uscc}/members/']").click()
    admin.fill("input[name=mobile]", demo_people["mobile"])
    admin.locator("input[name=role][value=handler]").check()
    with admin.expect_navigation(wait_until="load"):
        admin.locator("#invite button[type=submit]").click()
    assert "138****8012" in admin.content()
    violations, report = accessibility_violations(admin)
    assert violations == [], report
    admin_context.close()

    number, text = sms.outbox[-1]
    assert number == demo_people["mobile"]
    link = re.search(r"(/my/enterprises/invitations/[^/\s]+/)", text).group(1)

    # The member opens the SMS's link, signs in, accepts, and applies for the enterprise.
    page = browser_page
    page.goto(link)
    log_in(page, "citizen2", DEMO_PASSWORD)  # the link asks the visitor to sign in first
    assert enterprise.name in page.content()
    with page.expect_navigation(wait_until="load"):
        page.locator("main form button[type=submit]").click()
    assert page.url.endswith("/my/enterprises/")
    assert enterprise.name in page.locator("header.site-header .acting-for").inner_text()  # acting for it, in the header

    page.goto(f"/apply/{item.item_code}/")
    page.locator(f"input[type=radio][value='enterprise:{enterprise.pk}']").check()
    page.fill("input[name=contact_name]", "李娜")
    page.fill("input[name=contact_phone]", "13800138012")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/my/cases/*/")
    case = CaseFile.objects.get(number=page.url.rstrip("/").rsplit("/", 1)[-1])
    assert case.enterprise == enterprise
    assert case.submitted_by.username == "citizen2"


@pytest.mark.browser
def test_a_citizen_registers_an_enterprise_and_a_member_files_for_it(demo_people, browser, browser_page, live_site, log_in):
    """The whole round: 张伟 registers a new enterprise (he becomes its administrator), invites 李娜 by
    mobile; she accepts through the SMS's link and files for the new enterprise."""
    from casefiles.accounts import sms
    from casefiles.cases.models import CaseFile
    from casefiles.directory.identifiers import uscc_check_character
    from casefiles.directory.models import Enterprise

    body = "91440400MA5XN7P28"  # a new enterprise's code: these 17 characters and their check character
    uscc = body + uscc_check_character(body)
    sms.outbox.clear()

    founder_context = browser.new_context(base_url=live_site.url, locale="zh-CN")
    founder = founder_context.new_page()
    log_in(founder, "citizen1", DEMO_PASSWORD)
    founder.goto("/my/enterprises/register/")
    founder.fill("input[name=uscc]", uscc)
    founder.fill("input[name=name]", "珠海新创餐饮有限公司")
    founder.fill("input[name=legal_representative]", "张伟")
    with founder.expect_navigation(wait_until="load"):
        founder.locator("main form button[type=submit]").click()
    enterprise = Enterprise.objects.get(uscc=uscc)
    founder.goto(f"/my/enterprises/{uscc}/members/")
    founder.fill("input[name=mobile]", demo_people["mobile"])
    founder.locator("input[name=role][value=handler]").check()
    with founder.expect_navigation(wait_until="load"):
        founder.locator("#invite button[type=submit]").click()
    assert "138****8012" in founder.content()
    founder_context.close()

    link = re.search(r"(/my/enterprises/invitations/[^/\s]+/)", sms.outbox[-1][1]).group(1)
    page = browser_page
    page.goto(link)
    log_in(page, "citizen2", DEMO_PASSWORD)
    with page.expect_navigation(wait_until="load"):
        page.locator("main form button[type=submit]").click()
    page.goto(f"/apply/{demo_people['item'].item_code}/")
    page.locator(f"input[type=radio][value='enterprise:{enterprise.pk}']").check()
    page.fill("input[name=contact_name]", "李娜")
    page.fill("input[name=contact_phone]", "13800138012")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/my/cases/*/")
    case = CaseFile.objects.get(number=page.url.rstrip("/").rsplit("/", 1)[-1])
    assert case.enterprise == enterprise and case.submitted_by.username == "citizen2"
