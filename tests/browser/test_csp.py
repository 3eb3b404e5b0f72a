"""The Content-Security-Policy in a real browser: no page of ours or of the Wagtail admin trips
it, and the pages still do what their scripts are for."""

import pytest

from tests.browser.test_case_journey import PASSWORD, PDF, journey  # noqa: F401  (a guide, staff, an applicant)

# Every violation the browser reports, kept on the window (init scripts are not subject to the policy).
LISTEN = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e =>
  window.__csp.push(`${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber} ${e.sample}`));
"""


@pytest.fixture
def submitted(journey):  # noqa: F811
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile

    from casefiles.handling import applications, workflow
    from casefiles.directory.models import Enterprise
    from casefiles.materials import uploads

    applicant = get_user_model().objects.get(username="applicant")
    case = applications.start(applicant, journey["item"], Enterprise.objects.get())
    for requirement in journey["requirements"]:
        uploads.add(case, requirement, SimpleUploadedFile(f"{requirement.name}.pdf", PDF), applicant)
    workflow.perform(case, "submit", applicant)
    get_user_model().objects.create_superuser("admin", password=PASSWORD)
    return case


def watched(browser, live_site, log_in, username=None):
    context = browser.new_context(base_url=live_site.url, locale="zh-CN")
    context.set_default_timeout(20_000)
    context.add_init_script(LISTEN)
    page = context.new_page()
    if username:
        log_in(page, username, PASSWORD)
    return page


def violations(page):
    page.wait_for_timeout(300)  # reports are queued as tasks: let them land
    return page.evaluate("window.__csp")


@pytest.mark.browser
def test_the_wagtail_admin_works_under_the_policy(submitted, journey, browser, live_site, log_in):  # noqa: F811
    page = watched(browser, live_site, log_in, "admin")
    page.goto("/admin/")
    page.get_by_role("navigation").first.wait_for()
    assert violations(page) == []

    # The page editor: its InlinePanel (the guide's materials) is started by Wagtail's inline script.
    page.goto(f"/admin/pages/{journey['item'].pk}/edit/")
    page.get_by_role("tab").nth(1).click()  # the second tab: Materials
    rows = page.locator("[data-inline-panel-child]:not(.deleted)")
    before = rows.count()
    page.locator("#id_material_requirements-ADD").click()
    assert rows.count() == before + 1
    assert violations(page) == []


@pytest.mark.browser
def test_the_workbench_works_under_the_strict_policy(submitted, journey, browser, live_site, log_in):  # noqa: F811
    page = watched(browser, live_site, log_in, "clerk")
    page.goto("/admin/cases/")
    assert submitted.number in page.content()
    assert violations(page) == []
    page.goto(f"/admin/cases/{submitted.number}/")
    page.locator("#step-accept").wait_for()
    page.get_by_role("navigation").first.wait_for()  # Wagtail's scripts drew the admin's sidebar
    assert violations(page) == []


@pytest.mark.browser
def test_the_public_pages_and_the_api_docs_work_under_the_policy(submitted, journey, browser, live_site, log_in):  # noqa: F811
    page = watched(browser, live_site, log_in)
    for url in ["/", journey["item"].url, "/progress/", "/licenses/verify/"]:
        page.goto(url)
        assert violations(page) == [], url

    page.goto("/search/")
    page.locator("input[type=search]").first.fill("食品")  # the suggestions come from search/suggest.js
    page.wait_for_timeout(500)
    assert violations(page) == []

    page.goto("/api/v1/docs/")
    page.locator(".swagger-ui .opblock").first.wait_for()  # Swagger UI started and drew the operations
    assert violations(page) == []

    log_in(page, "applicant", PASSWORD)
    page.goto(f"/my/cases/{submitted.number}/")
    assert page.locator("main").is_visible()
    assert violations(page) == []
