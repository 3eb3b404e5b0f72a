"""Single sign-on with the provincial unified identity, through the real pages: a real OpenID
Connect provider (tests/idp, django-oauth-toolkit in a process of its own) stands for the
province; the citizen clicks its button on Yiwang's sign-in page, signs in and consents at the
provider, and comes back signed in, with the real-name level the province's check gives."""

import pytest

from casefiles.directory.identifiers import resident_id_check_character
from tests.idp import server

CALLBACK = "/accounts/oidc/province/login/callback/"


def resident_id(first17: str) -> str:
    return first17 + resident_id_check_character(first17)


NEW_CITIZEN = {"username": "zhangsan", "password": "idp-pw-zhang", "name": "张三",
               "id_card": resident_id("44040219850612003"), "phone_number": "+86 139 1234 5678", "acr": "L3"}
KNOWN_CITIZEN = {"username": "lisi", "password": "idp-pw-li", "name": "李四",
                 "id_card": resident_id("44040219900101124"), "phone_number": "13800001111", "acr": "L3"}


@pytest.fixture(scope="module")
def province(live_server, tmp_path_factory):
    """The provincial identity platform, started once for the module, Yiwang its registered client."""
    provider = server.start(tmp_path_factory.mktemp("idp"), [live_server.url + CALLBACK], [NEW_CITIZEN, KNOWN_CITIZEN])
    yield provider
    provider.stop()


@pytest.fixture
def signs_on_with_province(province, settings):
    """Yiwang configured as YIWANG_OIDC_ISSUER, _CLIENT_ID and _CLIENT_SECRET would configure it."""
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": [{
        "provider_id": "province", "name": "省统一身份认证",
        "client_id": province.client_id, "secret": province.client_secret,
        "settings": {"server_url": province.issuer, "oauth_pkce_enabled": True,
                     "token_auth_method": "client_secret_basic", "scope": ["openid", "profile", "phone"],
                     "id_number_claim": "id_card", "acr_values": []},
    }]}}
    return province


def sign_in_at_the_province(page, citizen, *, signed_in_there=False):
    page.goto("/accounts/login/?next=/my/cases/")
    page.get_by_role("button", name="省统一身份认证").click()
    if not signed_in_there:
        page.wait_for_url("http://127.0.0.1:*/login/**")  # the provider's own sign-in page
        page.fill("#id_username", citizen["username"])
        page.fill("#id_password", citizen["password"])
        page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("http://127.0.0.1:*/o/authorize/**")  # its consent: Yiwang asks for the profile and phone
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url("**/my/cases/")


@pytest.mark.browser
def test_a_citizen_signs_in_with_the_provincial_identity_and_is_real_name_checked(
        signs_on_with_province, live_site, browser_page, accessibility_violations):
    from casefiles.directory.models import Person
    from casefiles.realname import levels

    page = browser_page
    page.goto("/accounts/login/")
    assert page.get_by_role("heading", name="或使用省统一身份认证登录").is_visible()
    violations, report = accessibility_violations(page)
    assert violations == [], report
    sign_in_at_the_province(page, NEW_CITIZEN)
    assert page.locator("header .user-name").inner_text() == "张三"

    person = Person.objects.get()
    assert (person.name, person.id_number, person.phone) == ("张三", NEW_CITIZEN["id_card"], "13912345678")
    assert levels.level(person) == levels.IDENTITY_PROVIDER
    verification = levels.standing_by(person, levels.IDENTITY_PROVIDER, levels.OIDC)
    assert verification.evidence.startswith(signs_on_with_province.issuer + " ")
    assert not person.user.has_usable_password()

    # Signed out and in again: the same account, nothing recorded twice.
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url("**/")
    sign_in_at_the_province(page, NEW_CITIZEN, signed_in_there=True)
    assert page.locator("header .user-name").inner_text() == "张三"
    assert Person.objects.count() == 1
    assert person.verifications.count() == 2  # the provider's check, and the mobile number it confirmed


@pytest.mark.browser
def test_the_person_the_window_filed_is_the_one_who_signs_in(signs_on_with_province, live_site, browser_page):
    from django.contrib.auth import get_user_model

    from casefiles.directory.models import Person
    from casefiles.realname import levels

    filed = Person.objects.create(name="李四", id_number=KNOWN_CITIZEN["id_card"], address="香洲区人民东路 1 号")
    page = browser_page
    sign_in_at_the_province(page, KNOWN_CITIZEN)
    assert page.locator("header .user-name").inner_text() == "李四"

    assert list(Person.objects.values_list("pk", flat=True)) == [filed.pk]
    filed.refresh_from_db()
    assert filed.user == get_user_model().objects.get()
    assert filed.address == "香洲区人民东路 1 号"
    assert filed.phone == "13800001111"
    assert levels.level(filed) == levels.IDENTITY_PROVIDER


@pytest.mark.browser
def test_without_a_provider_the_sign_in_page_has_no_province_button(live_site, browser_page, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {}
    browser_page.goto("/accounts/login/")
    assert browser_page.get_by_role("button", name="登录").count() == 1
    assert browser_page.locator(".account-sso").count() == 0
