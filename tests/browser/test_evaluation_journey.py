"""好差评 and the guide page: an applicant rates a concluded case 不满意 with a reason, the
department rectifies and calls back, the applicant rates again 满意, and the guide page —
seen by the applicant signed in, and by an anonymous visitor — shows the new figures.

Every step through the pages a person uses: the applicant's case page in the portal (the review
form), the department clerk's review page in the admin (what was done, then the call-back), the
applicant's case page again (the second review), the guide page."""

import pytest

from tests.browser.test_case_journey import PASSWORD, journey  # noqa: F401  (journey: a fixture)
from tests.casefiles.conftest import pdf_upload


@pytest.fixture
def concluded(journey):  # noqa: F811
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from casefiles.cases.models import CaseFile, Status
    from casefiles.directory.models import Enterprise
    from casefiles.handling import applications, workflow
    from casefiles.materials import uploads

    applicant = get_user_model().objects.get(username="applicant")
    case = applications.start(applicant, journey["item"], Enterprise.objects.get())
    for requirement in journey["requirements"]:
        uploads.add(case, requirement, pdf_upload(f"{requirement.name}.pdf"), applicant)
    workflow.perform(case, "submit", applicant)
    # Accepted, decided and concluded by the department: the steps are another journey's test.
    CaseFile.objects.filter(pk=case.pk).update(status=Status.CONCLUDED, concluded_at=timezone.now())
    return case


def figures(page):
    """The guide's table of reviews: {row label: (this item, the department)}."""
    rows = page.locator("#evaluations-table tbody tr")
    found = {}
    for i in range(rows.count()):
        row = rows.nth(i)
        found[row.locator("th").inner_text().strip()] = tuple(c.strip() for c in row.locator("td").all_inner_texts())
    return found


@pytest.mark.browser
def test_a_bad_review_rectified_and_reviewed_again_shows_on_the_guide(concluded, journey, browser, browser_page,  # noqa: F811
                                                                      live_site, log_in):
    from casefiles.evaluations.models import Evaluation, Level

    page, item = browser_page, journey["item"]
    page.goto("/accounts/login/")
    log_in(page, "applicant", PASSWORD)
    page.goto(item.url)
    assert page.locator("#evaluations-title").inner_text() == "好差评：近12个月"
    assert figures(page)["满意度"] == ("—", "—")

    # The applicant rates the concluded case 不满意, with a reason, on its page in the portal
    page.goto(f"/my/cases/{concluded.number}/")
    form = page.locator("#evaluation form")
    form.locator("input[name=level][value='2']").check()
    form.locator("input[name=reasons][value='slow']").check()
    form.locator("textarea[name=text]").fill("等了很久")
    with page.expect_navigation(wait_until="load"):
        form.locator("button[type=submit]").click()
    assert "不满意" in page.locator("#evaluation").inner_text()
    first = Evaluation.objects.get(case=concluded)
    assert (first.level, first.reasons, first.rectification.department) == (Level.DISSATISFIED, ["slow"],
                                                                          concluded.department)
    page.goto(item.url)
    shown = figures(page)
    assert shown["不满意"] == ("1", "1") and shown["满意度"] == ("0.0%", "0.0%")

    # The department's clerk records what was done, then the call-back (回访), on the review's page
    staff = browser.new_context(base_url=live_site.url, locale="zh-CN").new_page()
    log_in(staff, "clerk", PASSWORD)
    for name, text in (("action", "已约谈承办人，优化审查流程"), ("callback", "已电话回访申请人，说明改进情况")):
        staff.goto(f"/admin/evaluations/{first.pk}/")
        form = staff.locator(f"#form-{name}")
        form.locator("textarea").fill(text)
        with staff.expect_navigation(wait_until="load"):
            form.locator("button[type=submit]").click()
    assert "已电话回访申请人" in staff.locator("#rectification-callback").inner_text()
    staff.context.close()

    # The applicant, called back, rates the service again: 满意
    page.goto(f"/my/cases/{concluded.number}/")
    form = page.locator("#evaluation form")
    form.locator("input[name=level][value='4']").check()
    with page.expect_navigation(wait_until="load"):
        form.locator("button[type=submit]").click()
    assert Evaluation.objects.filter(case=concluded, round=2, level=Level.SATISFIED).exists()
    page.goto(item.url)
    shown = figures(page)
    assert shown["不满意"] == ("0", "0") and shown["满意"] == ("1", "1") and shown["满意度"] == ("100.0%", "100.0%")

    # An anonymous visitor sees the same (the page cache keeps it for a few minutes from now on)
    visitor = browser.new_context(base_url=live_site.url, locale="zh-CN").new_page()
    visitor.goto(item.url)
    assert figures(visitor)["满意"] == ("1", "1")
    assert "等了很久" not in visitor.content()
    visitor.context.close()
