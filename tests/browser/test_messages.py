"""我的消息 through the real pages: the applicant's header shows an unread count once a clerk
accepts their case, the message leads to the case, and reading it clears the count."""

import pytest

from tests.browser.test_case_journey import PASSWORD, journey, staff_step  # noqa: F401  (journey: a fixture)
from tests.casefiles.conftest import pdf_upload


@pytest.fixture
def submitted(journey):  # noqa: F811
    from django.contrib.auth import get_user_model

    from casefiles.directory.models import Enterprise
    from casefiles.handling import applications, workflow
    from casefiles.materials import uploads
    from casefiles.notifications import messages

    applicant = get_user_model().objects.get(username="applicant")
    case = applications.start(applicant, journey["item"], Enterprise.objects.get())
    for requirement in journey["requirements"]:
        uploads.add(case, requirement, pdf_upload(f"{requirement.name}.pdf"), applicant)
    workflow.perform(case, "submit", applicant)
    messages.mark_all_read(applicant)  # the receipt of the submission, read: the header starts with no count
    return case


@pytest.mark.browser
def test_the_applicant_sees_the_unread_count_after_acceptance_and_clears_it_by_reading(
        submitted, browser, browser_page, live_site, log_in, accessibility_violations):
    page = browser_page
    page.goto("/my/cases/")
    log_in(page, "applicant", PASSWORD)
    inbox_link = page.locator("header .inbox-link")
    assert inbox_link.inner_text().strip() == "我的消息"
    assert page.locator("header .count-badge").count() == 0

    staff_step(browser, live_site, log_in, "clerk", submitted.number, "accept")

    page.reload()
    assert page.locator("header .count-badge").inner_text().split()[0] == "1"
    assert "1 条未读消息" in page.locator("header .count-badge").text_content().replace("\xa0", " ")
    inbox_link.click()
    page.wait_for_url("**/my/messages/")
    item = page.locator(".inbox > li.unread")
    assert item.count() == 1
    assert "已受理" in item.locator("h2").inner_text()
    assert f"/my/cases/{submitted.number}/" == item.locator("h2 a").get_attribute("href")
    violations, report = accessibility_violations(page)
    assert violations == [], report

    with page.expect_navigation(wait_until="load"):  # the POST's answer, back on the inbox
        item.get_by_role("button", name="标为已读").click()
    assert page.locator("header .count-badge").count() == 0
    assert page.locator(".inbox > li.unread").count() == 0
    page.locator(".inbox > li").first.get_by_role("link", name="查看办件").click()
    page.wait_for_url(f"**/my/cases/{submitted.number}/")
    assert page.locator("header .count-badge").count() == 0
