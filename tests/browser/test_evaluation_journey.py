"""好差评 and the guide page: an applicant rates a concluded case 不满意 with a reason, the
department rectifies and calls back, the applicant rates again 满意, and the guide page —
seen by the applicant signed in, and by an anonymous visitor — shows the new figures.

The reviews are given through ``reviews.give`` and the department's steps are written on the
rectification: the portal's review page and the department's pages are another change's."""

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
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from casefiles.evaluations import reviews
    from casefiles.evaluations.models import Level, Reason, Rectification

    page, item = browser_page, journey["item"]
    page.goto("/accounts/login/")
    log_in(page, "applicant", PASSWORD)
    page.goto(item.url)
    assert page.locator("#evaluations-title").inner_text() == "好差评：近12个月"
    assert figures(page)["满意度"] == ("—", "—")

    applicant = get_user_model().objects.get(username="applicant")
    first = reviews.give(concluded, applicant, Level.DISSATISFIED, [Reason.SLOW], "等了很久")
    page.reload()
    shown = figures(page)
    assert shown["不满意"] == ("1", "1") and shown["满意度"] == ("0.0%", "0.0%")

    # The department's steps, as its pages would record them
    now = timezone.now()
    Rectification.objects.filter(evaluation=first).update(action="已约谈承办人", acted_at=now, callback="已回访",
                                                          callback_at=now)
    reviews.give(concluded, get_user_model().objects.get(username="applicant"), Level.SATISFIED)
    page.reload()
    shown = figures(page)
    assert shown["不满意"] == ("0", "0") and shown["满意"] == ("1", "1") and shown["满意度"] == ("100.0%", "100.0%")

    # An anonymous visitor sees the same (the page cache keeps it for a few minutes from now on)
    visitor = browser.new_context(base_url=live_site.url, locale="zh-CN").new_page()
    visitor.goto(item.url)
    assert figures(visitor)["满意"] == ("1", "1")
    assert "等了很久" not in visitor.content()
    visitor.context.close()
