"""我的空间 (/my/): the profile as the person sees it (masked numbers, the real-name level and what
raises it), the account's security pages (allauth's, in the site's frame), and the links on."""

import datetime
import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from casefiles.demo.directory import demo_resident_id, demo_uscc
from casefiles.directory.models import Enterprise, Person
from casefiles.members import enterprises
from casefiles.members.models import Role
from casefiles.realname import levels

PASSWORD = "pw-for-tests-only"
ID_NUMBER = demo_resident_id("44040219880808123")
MOBILE = "13800138011"
SECURITY_PAGES = ["account_change_password", "account_change_phone", "mfa_index", "usersessions_list"]


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the assertions read the source strings
    return client


@pytest.fixture(autouse=True)
def outbox():
    from casefiles.accounts import sms

    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture
def zhang(db, django_user_model):
    """张伟, registered on 2026-03-02 with a verified mobile number."""
    with freeze_time("2026-03-02 09:30:00"):
        user = django_user_model.objects.create_user("zhang", password=PASSWORD, first_name="张伟")
        person = Person.objects.create(name="张伟", id_number=ID_NUMBER, phone=MOBILE, user=user)
        levels.record(person, levels.REGISTERED, method=levels.MOBILE, evidence="mobile ****8011")
    return user


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def sign_in(client, login=MOBILE, password=PASSWORD):
    """Through allauth's own sign-in page, as a visitor does (it records how they signed in)."""
    response = client.post(reverse("account_login"), {"login": login, "password": password})
    assert response.status_code == 302, text(response)
    return response


# --- who may see it ----------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["casefiles:my_space", *SECURITY_PAGES, "mfa_activate_totp"])
def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(client, db, name):
    url = reverse(name)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "next=" in response["Location"]


def test_my_space_answers_only_get(client, zhang):
    client.force_login(zhang)
    assert client.post(reverse("casefiles:my_space")).status_code == 405


# --- the profile ---------------------------------------------------------------------------------

def test_the_profile_shows_the_numbers_masked_the_level_and_the_date_of_registration(client, zhang):
    client.force_login(zhang)
    response = client.get(reverse("casefiles:my_space"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    body = text(response)
    assert "张伟" in body and "zhang" in body
    assert "*" * 14 + ID_NUMBER[-4:] in body  # only the last four of the identity number
    assert ID_NUMBER not in body and ID_NUMBER[:4] + "*" not in body
    assert "138****8011" in body and MOBILE not in body
    assert "Verified" in body
    assert "Real-name registration (实名注册)" in body
    # What raises it: the two levels above, each with how to reach it.
    assert str(levels.HOW_TO_REACH[levels.IDENTITY_PROVIDER]) in body
    assert str(levels.HOW_TO_REACH[levels.IN_PERSON]) in body
    assert "2026-03-02" in body


def test_at_the_highest_level_nothing_more_is_asked(client, zhang, world):
    levels.record(zhang.person, levels.IN_PERSON, by=world.window, method=levels.WINDOW, evidence="居民身份证")
    client.force_login(zhang)
    body = text(client.get(reverse("casefiles:my_space")))
    assert "Real-name check in person (线下核验)" in body
    assert "The highest level" in body
    assert str(levels.HOW_TO_REACH[levels.IDENTITY_PROVIDER]) not in body


def test_a_number_no_longer_proven_shows_as_not_verified_and_the_level_as_none(client, zhang):
    levels.revoke(levels.standing_by(zhang.person, levels.REGISTERED, levels.MOBILE), reason="test")
    client.force_login(zhang)
    body = text(client.get(reverse("casefiles:my_space")))
    assert "Not verified" in body and "Not verified yet" in body
    assert str(levels.HOW_TO_REACH[levels.REGISTERED]) in body


def test_an_account_without_a_person_has_no_identity_nor_mobile_to_change(client, make_user):
    staff = make_user("staff-member", is_staff=True, first_name="受理员")
    client.force_login(staff)
    response = client.get(reverse("casefiles:my_space"))
    body = text(response)
    assert response.status_code == 200
    assert "not linked to a person" in body
    assert reverse("account_change_phone") not in body
    assert reverse("account_change_password") in body and reverse("mfa_index") in body


# --- the security pages ------------------------------------------------------------------------

def test_every_security_link_opens_in_the_space_frame(client, zhang):
    sign_in(client)
    body = text(client.get(reverse("casefiles:my_space")))
    for name in SECURITY_PAGES:
        url = reverse(name)
        assert f'href="{url}"' in body, name
        page = client.get(url)
        assert page.status_code == 200, name
        shown = text(page)
        assert 'class="space-nav"' in shown, name  # the shared 我的空间 links
        assert f'<a href="{url}" aria-current="page">' in shown, name
        assert MOBILE not in shown, name  # masked on every page, the change of number's too


def test_the_space_nav_links_to_the_persons_affairs(client, zhang):
    client.force_login(zhang)
    body = text(client.get(reverse("casefiles:my_space")))
    for name in ["casefiles:my_cases", "casefiles:messages", "licenses:wallet", "casefiles:my_enterprises",
                 "casefiles:my_agents"]:
        assert f'href="{reverse(name)}"' in body, name
    assert f'<a href="{reverse("casefiles:my_space")}" aria-current="page">My space</a>' in body  # the header's link


def test_my_enterprises_with_the_role_and_the_members_page_for_their_administrator(client, zhang):
    enterprise = Enterprise.objects.create(uscc=demo_uscc("91440400MA55L8QJ2"), name="珠海海湾餐饮管理有限公司",
                                           legal_representative="林晓燕", region_code="440402")
    enterprise.add_member(zhang)
    enterprises.appoint(enterprise, zhang, Role.ADMINISTRATOR)
    client.force_login(zhang)
    body = text(client.get(reverse("casefiles:my_space")))
    assert "珠海海湾餐饮管理有限公司" in body and "Administrator (管理员)" in body
    assert reverse("casefiles:enterprise_members", kwargs={"uscc": enterprise.uscc}) in body


def test_changing_the_password(client, zhang):
    sign_in(client)
    response = client.post(reverse("account_change_password"),
                           {"oldpassword": PASSWORD, "password1": "new-Harbour-2026", "password2": "new-Harbour-2026"})
    assert response.status_code == 302
    zhang.refresh_from_db()
    assert zhang.check_password("new-Harbour-2026")
    assert client.get(reverse("casefiles:my_space")).status_code == 200  # still signed in here


def test_a_wrong_current_password_changes_nothing(client, zhang):
    sign_in(client)
    response = client.post(reverse("account_change_password"),
                           {"oldpassword": "not-it", "password1": "new-Harbour-2026", "password2": "new-Harbour-2026"})
    assert response.status_code == 200
    assert 'class="field-error"' in text(response)
    zhang.refresh_from_db()
    assert zhang.check_password(PASSWORD)


def test_signing_out_everywhere_else(client, zhang, django_user_model):
    from django.test import Client

    elsewhere = Client(HTTP_ACCEPT_LANGUAGE="en", HTTP_USER_AGENT="Elsewhere/1.0")
    sign_in(elsewhere)
    sign_in(client)
    page = text(client.get(reverse("usersessions_list")))
    assert "Elsewhere/1.0" in page and "This device" in page
    assert "Sign out everywhere else" in page
    response = client.post(reverse("usersessions_list"))
    assert response.status_code == 302
    assert client.get(reverse("casefiles:my_space")).status_code == 200  # here: still signed in
    assert elsewhere.get(reverse("casefiles:my_space")).status_code == 302  # there: signed out
    assert "signed in here only" in text(client.get(reverse("usersessions_list")))


def test_the_second_factor_page_says_off_and_leads_to_setting_up_an_app(client, zhang):
    sign_in(client)
    page = text(client.get(reverse("mfa_index")))
    assert "No authenticator app is set up." in page
    assert reverse("mfa_activate_totp") in page
    # Setting one up asks for the password again first (allauth's reauthentication), then shows the QR code.
    first = client.get(reverse("mfa_activate_totp"))
    assert first.status_code == 302 and first["Location"].startswith(reverse("account_reauthenticate"))
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    setup = text(client.get(reverse("mfa_activate_totp")))
    assert 'alt="QR code for your authenticator app"' in setup
    assert client.session["mfa.totp.secret"] in setup  # the key, to type in instead


def test_setting_up_the_second_factor_from_my_space(client, zhang):
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    with freeze_time("2026-03-02 10:00:05"):  # the code is the one of this half-minute
        sign_in(client)
        client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
        client.get(reverse("mfa_activate_totp"))
        secret = client.session["mfa.totp.secret"]
        code = format_hotp_value(hotp_value(secret, int(timezone.now().timestamp()) // 30))
        wrong = client.post(reverse("mfa_activate_totp"), {"code": f"{(int(code) + 1) % 1_000_000:06d}"})
        assert wrong.status_code == 200 and 'class="field-error"' in text(wrong)
        done = client.post(reverse("mfa_activate_totp"), {"code": code})
        assert done.status_code == 302 and done["Location"] == reverse("mfa_view_recovery_codes")
        codes = text(client.get(done["Location"]))
        assert "10 of 10 codes unused." in codes and 'id="recovery-codes"' in codes
        space = text(client.get(reverse("casefiles:my_space")))
    assert "Signing in asks for the code from your authenticator app." in space
    assert "10 recovery codes left." in space


# --- the change of mobile number -----------------------------------------------------------------

def test_the_change_of_number_texts_a_code_to_the_new_number(client, zhang, outbox):
    sign_in(client)
    page = text(client.get(reverse("account_change_phone")))
    assert "138****8011" in page and MOBILE not in page
    response = client.post(reverse("account_change_phone"), {"phone": "13900139000"})
    assert response.status_code == 302 and response["Location"] == reverse("account_verify_phone")
    assert outbox[-1].number == "13900139000" and re.search(r"\d{6}", outbox[-1].text)


def test_the_new_number_replaces_the_old_once_the_code_is_entered(client, zhang, outbox):
    sign_in(client)
    client.post(reverse("account_change_phone"), {"phone": "13900139000"})
    code = re.search(r"\d{6}", outbox[-1].text).group(0)
    response = client.post(reverse("account_verify_phone"), {"code": code})
    assert response.status_code == 302
    person = Person.objects.get(user=zhang)
    assert person.phone == "13900139000"
    registered = levels.standing_by(person, levels.REGISTERED, levels.MOBILE)
    assert registered is not None and registered.evidence.endswith("9000")
    assert person.verifications.filter(level=levels.REGISTERED, revoked_at__isnull=False).exists()  # the old one's


def test_a_wrong_code_keeps_the_old_number(client, zhang, outbox):
    sign_in(client)
    client.post(reverse("account_change_phone"), {"phone": "13900139000"})
    code = re.search(r"\d{6}", outbox[-1].text).group(0)
    client.post(reverse("account_verify_phone"), {"code": "000000" if code != "000000" else "111111"})
    person = Person.objects.get(user=zhang)
    assert person.phone == MOBILE
    assert levels.standing_by(person, levels.REGISTERED, levels.MOBILE) is not None


# --- staff -----------------------------------------------------------------------------------------

def test_staff_are_told_when_the_workbench_asks_for_the_second_factor(client, make_user, settings):
    settings.YIWANG_STAFF_MFA_REQUIRED = True
    clerk = make_user("clerk-with-admin")
    clerk.user_permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    client.force_login(clerk)
    assert "The workbench asks for it" in text(client.get(reverse("casefiles:my_space")))
    assert "the workbench opens only with an authenticator app set up" in text(client.get(reverse("mfa_index")))


def test_applicants_are_not_told_of_the_workbench(client, zhang, settings):
    settings.YIWANG_STAFF_MFA_REQUIRED = True
    client.force_login(zhang)
    assert "The workbench asks for it" not in text(client.get(reverse("casefiles:my_space")))
    assert "the workbench opens only" not in text(client.get(reverse("mfa_index")))


def test_the_registration_date_is_the_local_day(client, db, django_user_model):
    # 23:30 UTC is already the next morning in Zhuhai (Asia/Shanghai).
    with freeze_time("2026-03-01 23:30:00"):
        user = django_user_model.objects.create_user("late", password=PASSWORD)
    client.force_login(user)
    assert "2026-03-02" in text(client.get(reverse("casefiles:my_space")))
    assert timezone.localdate(user.date_joined) == datetime.date(2026, 3, 2)
