"""The workbench's second factor (config/staff_mfa.py): with YIWANG_STAFF_MFA_REQUIRED, staff open
/admin/ only with an authenticator app set up and its code given in the session — whichever page
they signed in on. Applicants are never asked; with the setting off nothing changes."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from config import staff_mfa
from tests.config.test_settings import SECRETS, run

PASSWORD = "pw-for-tests-only"
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
NOW = "2026-03-02 10:00:05"  # 5 s into a half-minute: the code below holds for the whole test


def code_now(secret=SECRET, steps_later=0) -> str:
    return format_hotp_value(hotp_value(secret, int(timezone.now().timestamp()) // 30 + steps_later))


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


@pytest.fixture(autouse=True)
def frozen():
    with freeze_time(NOW) as frozen:
        yield frozen


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def required(settings):
    settings.YIWANG_STAFF_MFA_REQUIRED = True


@pytest.fixture
def clerk(make_user):
    """Staff of the workbench as the demo's are: let into the Wagtail admin, not superusers."""
    user = make_user("clerk-one", is_staff=True, first_name="受理员")
    user.user_permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    return user


@pytest.fixture
def clerk_with_app(clerk):
    TOTP.activate(clerk, SECRET)
    return clerk


def admin_sign_in(client, user):
    """Wagtail's own /admin/login/, which staff keep."""
    response = client.post(reverse("wagtailadmin_login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def site_sign_in(client, user):
    response = client.post(reverse("account_login"), {"login": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return response


# --- the setting ----------------------------------------------------------------------------------

def test_off_nothing_changes_for_staff(client, clerk):
    admin_sign_in(client, clerk)
    assert client.get("/admin/").status_code == 200


def test_on_staff_without_an_app_are_sent_to_set_one_up_and_no_admin_page_opens(client, clerk, required):
    admin_sign_in(client, clerk)
    for path in ["/admin/", "/admin/pages/", "/admin/account/"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == reverse("mfa_activate_totp"), path
    page = client.get(reverse("mfa_activate_totp"), follow=True)  # it asks for the password again first
    assert page.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))
    assert "The workbench needs a second factor" in page.content.decode()


def test_the_admins_sign_in_and_sign_out_stay_open(client, clerk, required):
    assert client.get(reverse("wagtailadmin_login")).status_code == 200
    admin_sign_in(client, clerk)
    response = client.post(reverse("wagtailadmin_logout"))
    assert response.status_code == 302 and response["Location"] != reverse("mfa_activate_totp")
    assert "_auth_user_id" not in client.session


def test_setting_up_the_app_then_the_code_opens_the_admin(client, clerk, required, frozen):
    admin_sign_in(client, clerk)
    assert client.get("/admin/")["Location"] == reverse("mfa_activate_totp")
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    client.get(reverse("mfa_activate_totp"))
    secret = client.session["mfa.totp.secret"]
    done = client.post(reverse("mfa_activate_totp"), {"code": code_now(secret)})
    assert done.status_code == 302 and done["Location"] == reverse("mfa_view_recovery_codes")
    codes = client.get(done["Location"]).content.decode()
    assert 'id="to-workbench"' in codes  # the way back to the workbench
    # Set up, but this session has not given a code yet: the admin asks for it, then opens.
    asked = client.get("/admin/")
    assert asked.status_code == 302
    assert asked["Location"] == f"{reverse('mfa_reauthenticate')}?next=%2Fadmin%2F"
    frozen.tick(30)  # the next half-minute's code
    given = client.post(asked["Location"], {"code": code_now(secret), "next": "/admin/"})
    assert given.status_code == 302 and given["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_staff_sign_in_at_the_admins_page_is_asked_for_the_code(client, clerk_with_app, required):
    admin_sign_in(client, clerk_with_app)
    asked = client.get("/admin/account/")
    assert asked["Location"] == f"{reverse('mfa_reauthenticate')}?next=%2Fadmin%2Faccount%2F"
    page = client.get(asked["Location"])
    assert page.status_code == 200
    assert "The workbench needs the code from your authenticator app" in page.content.decode()
    given = client.post(asked["Location"], {"code": code_now()})
    assert given["Location"] == "/admin/account/"
    assert client.get("/admin/account/").status_code == 200


def test_a_wrong_code_is_refused_and_the_admin_stays_closed(client, clerk_with_app, required):
    admin_sign_in(client, clerk_with_app)
    refused = client.post(f"{reverse('mfa_reauthenticate')}?next=/admin/", {"code": wrong(code_now())})
    assert refused.status_code == 200
    assert 'class="field-error"' in refused.content.decode()
    assert not staff_mfa.proven_by_code(refused.wsgi_request)
    assert client.get("/admin/")["Location"].startswith(reverse("mfa_reauthenticate"))


def test_a_recovery_code_stands_in_for_the_apps(client, clerk_with_app, required):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    recovery = RecoveryCodes.activate(clerk_with_app).get_unused_codes()[0]
    admin_sign_in(client, clerk_with_app)
    client.post(f"{reverse('mfa_reauthenticate')}?next=/admin/", {"code": recovery})
    assert client.get("/admin/").status_code == 200


def test_a_sign_in_at_the_sites_page_asks_the_code_once(client, clerk_with_app, required):
    signed = site_sign_in(client, clerk_with_app)
    assert signed["Location"] == reverse("mfa_authenticate")  # allauth's MFA stage of the sign-in
    done = client.post(reverse("mfa_authenticate"), {"code": code_now()})
    assert done.status_code == 302
    assert client.get("/admin/").status_code == 200  # no second ask


def test_the_code_counts_for_the_session_it_was_given_in_only(client, clerk_with_app, required, frozen):
    from django.test import Client

    admin_sign_in(client, clerk_with_app)
    client.post(f"{reverse('mfa_reauthenticate')}?next=/admin/", {"code": code_now()})
    assert client.get("/admin/").status_code == 200
    other = Client(HTTP_ACCEPT_LANGUAGE="en")
    admin_sign_in(other, clerk_with_app)
    assert other.get("/admin/")["Location"].startswith(reverse("mfa_reauthenticate"))


def test_anyone_let_into_the_admin_counts_as_staff(client, make_user, required):
    """The department roles enter the admin by their groups' permission, without is_staff."""
    from django.contrib.auth.models import Group

    from casefiles.directory import roles

    group = Group.objects.create(name="受理员 (test)")
    roles.allow_admin(group)
    reviewer = make_user("reviewer-one")
    reviewer.groups.add(group)
    assert not reviewer.is_staff
    client.force_login(reviewer)
    assert client.get("/admin/")["Location"] == reverse("mfa_activate_totp")


def test_applicants_are_never_asked(client, make_user, required):
    citizen = make_user("citizen-one")
    client.force_login(citizen)
    assert client.get(reverse("casefiles:my_space")).status_code == 200
    response = client.get("/admin/")  # Wagtail's own answer to someone not let in: its sign-in page
    assert response.status_code == 302
    assert not response["Location"].startswith("/accounts/2fa/")
    assert staff_mfa.missing(response.wsgi_request) is None


def test_staff_pages_outside_the_admin_are_not_guarded(client, clerk, required):
    admin_sign_in(client, clerk)
    assert client.get(reverse("casefiles:my_space")).status_code == 200
    assert client.get(reverse("mfa_index")).status_code == 200


def test_an_inactive_or_anonymous_user_is_no_staff(make_user, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    assert not staff_mfa.is_staff(AnonymousUser())
    assert not staff_mfa.is_staff(make_user("gone", is_staff=True, is_active=False))


# --- the environment --------------------------------------------------------------------------------

PROBE = "import django; from django.conf import settings; django.setup(); print(settings.YIWANG_STAFF_MFA_REQUIRED)"


@pytest.mark.parametrize("module, extra, expected", [
    ("config.settings.development", {}, "False"),
    ("config.settings.production", {}, "True"),
    ("config.settings.production", {"YIWANG_STAFF_MFA_REQUIRED": "false"}, "False"),
])
def test_required_in_production_unless_turned_off(tmp_path, module, extra, expected):
    result = run(PROBE, module=module, YIWANG_VAR_DIR=str(tmp_path), ALLOWED_HOSTS="yiwang.example.gov.cn",
                 **SECRETS, **extra)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == expected
