"""Single sign-on with the provincial unified identity (casefiles.registration.sso): the claims
taken, the person made or claimed, the level recorded — through allauth's own completion of a
sign-in (``complete_social_login``) with the claims a provider would have sent, no HTTP."""

import pytest
from allauth.core import context
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.helpers import complete_social_login
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.middleware import SessionMiddleware

from casefiles.directory.identifiers import resident_id_check_character
from casefiles.directory.models import Person
from casefiles.errors import Invalid, NotPermitted
from casefiles.realname import levels
from casefiles.registration import sso

ISSUER = "https://id.example.gov.cn/o"


def resident_id(first17):
    return first17 + resident_id_check_character(first17)


ID_NUMBER = resident_id("44040219850612003")
MOBILE = "13912345678"


def province_claims(**changes):
    claims = {"sub": "province-0001", "name": "张三", "id_card": ID_NUMBER, "phone_number": MOBILE,
              "phone_number_verified": True, "acr": "L3"}
    claims.update(changes)
    return {key: value for key, value in claims.items() if value is not None}


@pytest.fixture(autouse=True)
def province(settings):
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": [{
        "provider_id": "province", "name": "省统一身份认证", "client_id": "yiwang", "secret": "s3cret",
        "settings": {"server_url": ISSUER, "oauth_pkce_enabled": True, "id_number_claim": "id_card", "acr_values": []},
    }]}}
    return settings.SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"][0]


def callback_request(rf, user=None):
    request = rf.get("/accounts/oidc/province/login/callback/")
    SessionMiddleware(lambda r: None).process_request(request)
    request.session.save()
    request.user = user or AnonymousUser()
    request._messages = FallbackStorage(request)
    return request


def sign_on(rf, claims, *, user=None, process="login"):
    """What allauth does once the provider has answered the callback: the response, and the request."""
    request = callback_request(rf, user)
    with context.request_context(request):
        provider = get_adapter(request).get_provider(request, "province")
        sociallogin = provider.sociallogin_from_response(
            request, {"id_token": {"iss": ISSUER, "sub": claims.get("sub"), "acr": claims.get("acr")}, "userinfo": claims})
        sociallogin.state = {"process": process, "next": "/my/cases/"}
        response = complete_social_login(request, sociallogin)
    return response, request


def signed_in(request):
    return request.session.get(SESSION_KEY)


# --- the claims -----------------------------------------------------------------------------

def test_the_claims_give_the_name_identity_number_mobile_and_level():
    claims = sso.read_claims({"id_token": {"iss": ISSUER, "sub": "abc", "acr": "L3"},
                              "userinfo": province_claims(sub="abc", name=" 张  三 ", phone_number="+86 139-1234-5678")})
    assert (claims.name, claims.id_number, claims.mobile, claims.acr) == ("张 三", ID_NUMBER, MOBILE, "L3")
    assert claims.evidence == f"{ISSUER} abc acr=L3"


def test_the_identity_number_is_read_from_the_claim_the_provider_names_or_id_number():
    number = ID_NUMBER[:-1] + ID_NUMBER[-1].lower()
    assert sso.read_claims({"userinfo": province_claims(id_card=None, sfzh=number)},
                           {"id_number_claim": "sfzh"}).id_number == ID_NUMBER
    assert sso.read_claims({"userinfo": province_claims(id_card=None, id_number=ID_NUMBER)}).id_number == ID_NUMBER


def test_a_mobile_number_the_provider_has_not_verified_or_not_a_mainland_one_is_left_out():
    assert sso.read_claims({"userinfo": province_claims(phone_number_verified=False)}).mobile == ""
    assert sso.read_claims({"userinfo": province_claims(phone_number="+852 9123 4567")}).mobile == ""


@pytest.mark.parametrize("claims", [
    province_claims(id_card=ID_NUMBER[:-1] + ("0" if ID_NUMBER[-1] != "0" else "1")),  # a wrong check character
    province_claims(id_card="4404021985"),
    province_claims(id_card=None),
    province_claims(name=" "),
])
def test_claims_without_a_name_or_a_valid_identity_number_are_refused(claims):
    with pytest.raises(Invalid):
        sso.read_claims({"userinfo": claims})


def test_an_assurance_level_the_provider_settings_do_not_accept_is_refused():
    with pytest.raises(NotPermitted):
        sso.read_claims({"userinfo": province_claims(acr="L1")}, {"acr_values": ["L3", "L4"]})
    assert sso.read_claims({"userinfo": province_claims(acr="L4")}, {"acr_values": ["L3", "L4"]}).acr == "L4"


# --- signing on -----------------------------------------------------------------------------

def test_a_new_citizen_gets_an_account_and_a_person_checked_by_the_province(rf, db):
    response, request = sign_on(rf, province_claims())
    assert (response.status_code, response["Location"]) == (302, "/my/cases/")
    person = Person.objects.get()
    assert (person.name, person.id_number, person.phone) == ("张三", ID_NUMBER, MOBILE)
    assert int(signed_in(request)) == person.user.pk
    assert person.user.get_full_name() == "张三" and person.user.email == ""
    assert not person.user.has_usable_password()
    assert levels.level(person) == levels.IDENTITY_PROVIDER
    assert levels.standing_by(person, levels.IDENTITY_PROVIDER, levels.OIDC).evidence == f"{ISSUER} province-0001 acr=L3"
    assert levels.standing_by(person, levels.REGISTERED, levels.MOBILE) is not None  # the mobile counts as proven
    assert SocialAccount.objects.get().user == person.user


def test_allauth_keeps_the_claims_with_the_identity_and_mobile_numbers_masked(rf, db):
    sign_on(rf, province_claims())
    sign_on(rf, province_claims())  # a later sign-in stores the claims again
    kept = str(SocialAccount.objects.get().extra_data)
    assert ID_NUMBER not in kept and MOBILE not in kept
    assert "4404**********" in kept and "139****5678" in kept and "张三" in kept


def test_every_later_sign_in_re_reads_the_claims_and_records_nothing_twice(rf, db):
    sign_on(rf, province_claims())
    person = Person.objects.get()
    recorded = person.verifications.count()
    response, request = sign_on(rf, province_claims(name="张叁"))  # the province corrected the name
    assert response.status_code == 302 and int(signed_in(request)) == person.user.pk
    person.refresh_from_db()
    assert (Person.objects.count(), person.name, person.user.first_name) == (1, "张叁", "张叁")
    assert person.verifications.count() == recorded


def test_the_record_the_window_made_is_claimed_not_duplicated(rf, db):
    filed = Person.objects.create(name="张三", id_number=ID_NUMBER, phone="13800000000", address="香洲区")
    response, request = sign_on(rf, province_claims())
    assert response.status_code == 302
    filed.refresh_from_db()
    assert list(Person.objects.all()) == [filed]
    assert filed.user is not None and int(signed_in(request)) == filed.user.pk
    assert (filed.phone, filed.address) == (MOBILE, "香洲区")  # the clerk's unproven number gives way to the province's
    assert levels.level(filed) == levels.IDENTITY_PROVIDER


def test_a_mobile_number_another_person_has_is_not_given_to_a_second(rf, db):
    Person.objects.create(name="王五", id_number=resident_id("44040219700101001"), phone=MOBILE)
    sign_on(rf, province_claims())
    person = [p for p in Person.objects.all() if p.id_number == ID_NUMBER][0]
    assert person.phone == ""
    assert levels.level(person) == levels.IDENTITY_PROVIDER


def registered(username="zhang", mobile=MOBILE):
    """An account registered here with a password and a mobile number proven by SMS."""
    user = get_user_model().objects.create_user(username=username, password="pw-for-tests-only")
    person = Person.objects.create(user=user, name="张三", id_number=ID_NUMBER, phone=mobile)
    levels.record(person, levels.REGISTERED, method=levels.MOBILE, evidence="mobile ****" + mobile[-4:])
    return user, person


def test_an_account_registered_with_the_mobile_number_the_province_confirms_is_the_one_signed_in(rf, db):
    user, person = registered()
    response, request = sign_on(rf, province_claims())
    assert response.status_code == 302 and int(signed_in(request)) == user.pk
    assert get_user_model().objects.count() == 1
    assert levels.level(person) == levels.IDENTITY_PROVIDER


def test_an_account_registered_with_another_mobile_number_is_not_entered_but_may_link_the_province(rf, db):
    user, person = registered(mobile="13700000000")
    response, request = sign_on(rf, province_claims())
    assert response.status_code == 409
    assert str(sso.REGISTERED_ELSEWHERE) in response.content.decode()
    assert not signed_in(request)
    assert SocialAccount.objects.count() == 0 and get_user_model().objects.count() == 1
    assert levels.level(person) == levels.REGISTERED

    # Signed in with the password, the holder links the provincial identity: it is theirs.
    response, request = sign_on(rf, province_claims(), user=user, process="connect")
    assert response.status_code == 302
    assert SocialAccount.objects.get().user == user
    person.refresh_from_db()
    assert person.phone == "13700000000"  # the number proven here stays
    assert levels.level(person) == levels.IDENTITY_PROVIDER


def test_a_signed_in_user_cannot_link_another_persons_provincial_identity(rf, db):
    user, person = registered()
    response, _request = sign_on(rf, province_claims(id_card=resident_id("44040219700101001")), user=user,
                                 process="connect")
    assert response.status_code == 409
    assert SocialAccount.objects.count() == 0
    assert levels.level(person) == levels.REGISTERED


def test_a_bad_identity_number_is_refused_with_a_page_and_nothing_is_created(rf, db):
    response, request = sign_on(rf, province_claims(id_card="440402198506120000"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "role=\"alert\"" in page and "440402198506120000" not in page
    assert not signed_in(request)
    assert (get_user_model().objects.count(), Person.objects.count(), SocialAccount.objects.count()) == (0, 0, 0)


def test_a_staff_account_is_never_taken_over(rf, db):
    clerk = get_user_model().objects.create_user(username="clerk", password="pw-for-tests-only", is_staff=True)
    person = Person.objects.create(user=clerk, name="张三", id_number=ID_NUMBER, phone=MOBILE)
    levels.record(person, levels.REGISTERED, method=levels.MOBILE, evidence="mobile ****5678")
    response, request = sign_on(rf, province_claims())
    assert response.status_code == 403
    assert str(sso.STAFF) in response.content.decode()
    assert not signed_in(request)
    assert SocialAccount.objects.count() == 0
    assert levels.level(person) == levels.REGISTERED


def test_an_account_that_became_staff_no_longer_signs_on(rf, db):
    sign_on(rf, province_claims())
    user = Person.objects.get().user
    user.is_staff = True
    user.save()
    response, request = sign_on(rf, province_claims())
    assert response.status_code == 403 and not signed_in(request)


def test_a_linked_account_whose_person_has_another_identity_number_is_refused(rf, db):
    sign_on(rf, province_claims())
    response, request = sign_on(rf, province_claims(id_card=resident_id("44040219700101001")))
    assert response.status_code == 409 and not signed_in(request)
    assert Person.objects.count() == 1


def test_the_sign_in_page_offers_the_province_only_when_configured(client, db, settings):
    page = client.get("/accounts/login/").content.decode()
    assert "省统一身份认证" in page and 'action="/accounts/oidc/province/login/?process=login"' in page
    settings.SOCIALACCOUNT_PROVIDERS = {}
    assert "/accounts/oidc/" not in client.get("/accounts/login/").content.decode()


def test_the_account_pages_may_send_their_forms_to_the_provider_and_only_they(client, db):
    login = client.get("/accounts/login/")["Content-Security-Policy"]
    assert "form-action 'self' https://id.example.gov.cn" in login
    assert "id.example.gov.cn" not in client.get("/")["Content-Security-Policy"]
