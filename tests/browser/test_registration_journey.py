"""A citizen who has never visited: from the home page she registers (name, resident identity
number, mobile number, password; the code read from the SMS outbox — the live server runs in this
process and the test settings' locmem backend keeps every text there), signs out, signs in again
by a code texted to her mobile, finds an item and applies until the application is submitted.

The issue's measure: the steps (clicks and page loads) and the fields typed, per part of the
journey, printed at the end and recorded in docs/accounts.md. Run it with

    .venv/bin/python -m pytest tests/browser/test_registration_journey.py -p no:xdist -s
"""

import re
from urllib.parse import urlsplit

import pytest

from tests.casefiles.conftest import PDF  # a real one-page PDF: uploads are parsed whole

NAME, MOBILE, PASSWORD = "陈晓明", "13900139000", "Zhuhai-2027-spring"
ID_BODY = "44040219880808123"


@pytest.fixture
def portal(live_site):
    """The city's police department with one item a citizen applies for online."""
    from casefiles.directory.models import Department
    from cms.models import MaterialRequirement, ServiceItemPage
    from cms.sitetree import ensure_department_page

    department = Department.objects.create(code="GAJ", name="珠海市公安局", region_code="440400")
    item = ensure_department_page(department).add_child(instance=ServiceItemPage(
        title="居住证申领", slug="residence-permit", item_code="11440400007195009F4000112006000",
        statutory_days=15, promised_days=5, online_depth=4))
    item.material_requirements.add(MaterialRequirement(name="居住证申领登记表", required=True))
    item.save_revision().publish()
    return ServiceItemPage.objects.get(pk=item.pk)


class Journey:
    """The visitor's steps, counted: each click (a link, a button, a choice), each page the
    browser loads, each field typed into (a file chosen counts as one)."""

    def __init__(self, page):
        self.page, self.clicks, self.loads, self.typed = page, 0, 0, 0
        self.parts: list[tuple[str, int, int, int]] = []
        self._mark = (0, 0, 0)
        page.on("load", self._loaded)

    def _loaded(self, _page):
        self.loads += 1

    def open(self, path):
        self.page.goto(path)

    def click(self, selector, *, navigates=True):
        self.clicks += 1
        if navigates:
            with self.page.expect_navigation(wait_until="load"):
                self.page.locator(selector).first.click()
        else:
            self.page.locator(selector).first.click()

    def type(self, selector, value):
        self.typed += 1
        self.page.fill(selector, value)

    def choose_file(self, selector, files):
        self.typed += 1
        self.page.set_input_files(selector, files)

    def part(self, name):
        clicks, loads, typed = self._mark
        self.parts.append((name, self.clicks - clicks, self.loads - loads, self.typed - typed))
        self._mark = (self.clicks, self.loads, self.typed)

    def report(self, *shortest) -> str:
        """A table of the parts, the whole journey, and the sum of the ``shortest`` parts."""
        def row(name, clicks, loads, typed):
            return f"{name:<46}{clicks:>7}{loads:>7}{typed:>7}"

        lines = [f"{'part':<46}{'clicks':>7}{'pages':>7}{'typed':>7}", *(row(*part) for part in self.parts),
                 row("whole journey", self.clicks, self.loads, self.typed)]
        chosen = [part for part in self.parts if part[0] in shortest]
        lines.append(row("never visited → submitted (" + " + ".join(shortest) + ")",
                         *(sum(part[i] for part in chosen) for i in (1, 2, 3))))
        return "\n".join(lines)


def texted_code(number) -> str:
    from casefiles.accounts import sms

    text = sms.last_text_to(number)
    found = re.search(r"(?<!\d)(\d{6})(?!\d)", text or "")
    assert found, f"no code in the text to {number}: {text!r}"
    return found.group(1)


@pytest.mark.browser
def test_a_new_citizen_registers_signs_in_by_sms_and_applies(portal, browser_page, accessibility_violations):
    from casefiles.accounts import sms
    from casefiles.cases.models import CaseFile
    from casefiles.demo.directory import demo_resident_id
    from casefiles.directory import protected
    from casefiles.directory.models import Person

    sms.outbox.clear()
    page = browser_page
    journey = Journey(page)

    # Registration, from the home page: 登录 → 注册 → the form → the code texted to her mobile.
    journey.open("/")
    journey.click("header.site-header a[href^='/accounts/login/']")
    assert "一网通办" in page.title() and "Wagtail" not in page.content()
    journey.click("main a[href^='/accounts/signup/']")
    violations, report = accessibility_violations(page)
    assert violations == [], report
    journey.type("#id_name", NAME)
    journey.type("#id_id_number", demo_resident_id(ID_BODY))
    journey.type("#id_phone", MOBILE)
    journey.type("#id_password1", PASSWORD)
    journey.type("#id_password2", PASSWORD)
    journey.click("main form button[type=submit]")
    assert page.url.endswith("/accounts/phone/verify/")
    violations, report = accessibility_violations(page)
    assert violations == [], report
    journey.type("#id_code", texted_code(MOBILE))
    journey.click("main form button[type=submit]")
    assert NAME in page.locator("header.site-header .user-name").inner_text()  # registered and signed in
    journey.part("register")

    journey.click("header.site-header form[action='/accounts/logout/'] button")
    assert page.locator("header.site-header a[href^='/accounts/login/']").count() == 1
    journey.part("sign out")

    # Sign-in by SMS: 登录 → 短信验证码登录 → the mobile number → the code.
    journey.click("header.site-header a[href^='/accounts/login/']")
    journey.click("main a[href^='/accounts/login/code/']")
    journey.type("#id_phone", MOBILE)
    journey.click("main form button[type=submit]")
    assert "/accounts/login/code/confirm/" in page.url
    journey.type("#id_code", texted_code(MOBILE))
    journey.click("main form button[type=submit]")
    assert NAME in page.locator("header.site-header .user-name").inner_text()
    journey.part("sign in by SMS")

    # Find the item from the home page (where the sign-in left her), by its department, and apply.
    assert urlsplit(page.url).path == "/"
    journey.click("main .tile-list a:has-text('珠海市公安局')")
    journey.click(f"main a[href='{portal.url}']")
    journey.click(f"main a[href*='/apply/{portal.item_code}/']")
    person = Person.objects.get(protected.matches("phone", MOBILE))
    applicant = page.locator(f"input[type=radio][value='person:{person.pk}']")
    if not applicant.is_checked():
        journey.click(f"input[type=radio][value='person:{person.pk}']", navigates=False)
    journey.type("input[name=contact_name]", NAME)
    journey.type("input[name=contact_phone]", MOBILE)
    journey.click("main form button[type=submit]")
    page.wait_for_url("**/my/cases/*/")
    number = page.url.rstrip("/").rsplit("/", 1)[-1]
    requirement = portal.material_requirements.get()
    journey.choose_file(f"input[name='files-{requirement.pk}']",
                        [{"name": "居住证申领登记表.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    journey.click("button[name=action][value=submit]")
    journey.part("apply")

    case = CaseFile.objects.get(number=number)
    assert case.status == "submitted" and case.applicant == person
    assert Person.objects.filter(protected.matches("id_number", demo_resident_id(ID_BODY))).count() == 1

    print("\nA citizen who has never visited, from the home page to a submitted application:\n"
          + journey.report("register", "apply"))
