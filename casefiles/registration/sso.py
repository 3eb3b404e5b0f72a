"""统一身份认证: single sign-on with the provincial unified identity over OpenID Connect.

The province's identity platform has checked who its user is; its claims — the resident identity
number (``id_card`` unless the provider's settings name another claim; ``id_number`` is also
read), the name, the mobile number (``phone_number``, unless ``phone_number_verified`` is false)
and the assurance level (``acr``) — make or claim the person here:

- The identity number names the person, as at registration (``claims``): whoever has a record
  with it — made by a window clerk, an earlier registration or an earlier sign-on — is the one
  who signs in, never a second record. A record without an account gets one (no password: it
  is entered through the province, or by a code texted to its mobile number).
- A record whose account was registered here with a password is signed in to only when the
  provider's mobile number is the one that account proved by SMS; otherwise the holder of the
  account signs in as before and links the provincial identity from 账号连接
  (``/accounts/3rdparty/``), which asks for the same identity number — so an account someone
  registered with another person's identity number never gets that person's real-name level,
  and nobody is signed in to an account whose password someone else may hold.
- A staff account (``is_staff`` or ``is_superuser``) is never entered this way: staff sign in
  with their user name, password and second factor. A provincial sign-in whose identity number
  is a staff member's person is refused with a page saying so, and nothing is changed.
- Every sign-in re-reads the claims: the number must still be the person's, the name the
  province holds is the person's name, a mobile number the account does not have yet is
  filled in (one another person's record has is left alone), and the real-name level
  ``IDENTITY_PROVIDER`` by ``OIDC`` is recorded with the issuer and subject as its evidence —
  once: ``levels.record`` writes nothing while it stands.
- allauth keeps the claims of the last sign-in with the linked account (``SocialAccount.extra_data``);
  the identity number and the mobile number are kept there masked, as everywhere outside case
  work: the person's record is the one place that holds them whole.
- Claims that cannot be taken (no name, no identity number, a number whose check digit is
  wrong, an assurance level not in the provider's ``acr_values``) are refused with a page
  saying what is wrong; nothing is created.

``ProvinceAdapter`` is where allauth's flow calls these; the functions above it are the rules.
docs/accounts.md, "Single sign-on".
"""

from dataclasses import dataclass

from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.account.utils import user_email, user_field, user_username
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.base.constants import AuthProcess
from django.db import transaction
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from casefiles.directory import lookup
from casefiles.directory.identifiers import IdentifierError, mask_mobile, mask_resident_id, validate_mobile, validate_resident_id
from casefiles.directory.models import Person
from casefiles.errors import Conflict, Invalid, NotPermitted, Refused
from casefiles.realname import levels
from casefiles.registration.adapter import AccountAdapter, person_of, sms_evidence

ID_NUMBER_CLAIMS = ("id_card", "id_number")  # read after the claim the provider's settings name
MAX_NAME = 100  # Person.name
REFUSED_TEMPLATE = "socialaccount/refused.html"

NO_NAME = _("The provincial unified identity did not give your name, so you cannot be signed in with it. "
            "Register with your mobile number instead, or ask the provincial service hotline to complete your "
            "identity there.")
NO_ID_NUMBER = _("The provincial unified identity did not give a valid resident identity number (%(reason)s), so "
                 "you cannot be signed in with it and nothing was saved. Register with your mobile number "
                 "instead, or ask the provincial service hotline to correct your identity there.")
WEAK_ASSURANCE = _("Your provincial unified identity has not been checked far enough for this site (its level is "
                   "%(acr)s). Complete the real-name check of the provincial unified identity, or sign in with "
                   "your mobile number.")
STAFF = _("This identity belongs to a staff account. Staff sign in with their user name, password and second "
          "factor, not with the provincial unified identity.")
REGISTERED_ELSEWHERE = _("Your resident identity number already has an account here, registered with a mobile "
                         "number the provincial unified identity does not confirm. Sign in with that mobile number "
                         "(or reset its password by SMS), then link the provincial unified identity under Account "
                         "Connections. If the account is not yours, bring your resident identity card to a service "
                         "window.")
NOT_YOURS = _("The provincial unified identity you signed in with is another person's: your account stands for "
              "someone else. Nothing was linked.")
OTHER_PERSON = _("This provincial account is linked to another person's record here. Bring your resident identity "
                 "card to a service window to have it put right.")


@dataclass(frozen=True)
class Claims:
    """What the provider says of the person signing in, checked and normalised."""

    issuer: str
    subject: str
    name: str
    id_number: str
    mobile: str  # 11 digits, or "" (none given, not verified by the provider, or not a mainland mobile)
    acr: str

    @property
    def evidence(self) -> str:
        """What the real-name journal keeps of the check: who asserted it, of which of its accounts."""
        text = f"{self.issuer} {self.subject}" + (f" acr={self.acr}" if self.acr else "")
        return text[:300]


def _id_number_claims(provider_settings: dict) -> list[str]:
    return [provider_settings.get("id_number_claim") or ID_NUMBER_CLAIMS[0], *ID_NUMBER_CLAIMS]


def masked(data: dict, provider_settings: dict | None = None) -> dict:
    """The claims as allauth keeps them: the identity number and the mobile number masked."""
    hidden = {claim: mask_resident_id for claim in _id_number_claims(provider_settings or {})}
    hidden["phone_number"] = mask_mobile

    def mask(part):
        if not isinstance(part, dict):
            return part
        return {key: hidden[key](str(value)) if key in hidden and value else mask(value) for key, value in part.items()}

    return mask(data)


def read_claims(data: dict, provider_settings: dict | None = None) -> Claims:
    """The claims of a sign-in — allauth's ``extra_data``: the ID token's and the user-info
    answer's, the latter first — or ``Invalid`` / ``NotPermitted`` saying why they cannot be taken."""
    provider_settings = provider_settings or {}
    id_token = data.get("id_token") or {}
    claims = {**id_token, **(data.get("userinfo") or {})}
    if not id_token and not data.get("userinfo"):
        claims = dict(data)  # allauth before 65.11 kept the claims unwrapped

    name = " ".join(str(claims.get("name") or "").split())[:MAX_NAME]
    if not name:
        raise Invalid(NO_NAME)
    raw = next((claims[claim] for claim in _id_number_claims(provider_settings) if claims.get(claim)), "")
    try:
        id_number = validate_resident_id(str(raw))
    except IdentifierError as error:
        raise Invalid(NO_ID_NUMBER % {"reason": str(error).rstrip("。.")}) from None

    acr = str(claims.get("acr") or "")
    accepted = provider_settings.get("acr_values") or []
    if accepted and acr not in accepted:
        raise NotPermitted(WEAK_ASSURANCE % {"acr": acr or "—"})

    mobile = ""
    if claims.get("phone_number") and claims.get("phone_number_verified", True) is not False:
        try:
            mobile = validate_mobile(claims["phone_number"])
        except IdentifierError:
            mobile = ""  # not a mainland mobile: the account goes without one
    issuer = str(id_token.get("iss") or claims.get("iss") or provider_settings.get("server_url") or "")
    return Claims(issuer=issuer, subject=str(claims.get("sub") or ""), name=name, id_number=id_number,
                  mobile=mobile, acr=acr)


# --- the rules -----------------------------------------------------------------------------

def refuse_staff(user):
    if user is not None and (user.is_staff or user.is_superuser):
        raise NotPermitted(STAFF)


def _mobile_proven(person) -> bool:
    return levels.standing_by(person, levels.REGISTERED, levels.MOBILE) is not None


def may_enter(user, person, claims: Claims) -> bool:
    """Whether a provincial sign-in may enter ``user``, the account of ``person``, not linked to it
    yet: an account without a password (made for the record, or by an earlier sign-on), or one
    whose mobile number, proven here by SMS, the provider confirms."""
    if not user.has_usable_password():
        return True
    return bool(claims.mobile) and person.phone == claims.mobile and _mobile_proven(person)


@transaction.atomic
def account_for(claims: Claims, linked=None, request=None):
    """The account a provincial sign-in enters, its person brought up to the claims — or None when
    nobody here has the identity number (allauth then makes the account: ``create_person``).

    ``linked``: the account the provider's subject is already linked to, if any."""
    if linked is not None:
        refuse_staff(linked)
        person = person_of(linked)
        if person is not None and person.id_number != claims.id_number:
            raise Conflict(OTHER_PERSON)
        if person is None:
            person = _give_person(linked, claims)
        confirm(person, claims)
        return linked
    person = lookup.person_with_id_number(claims.id_number)
    if person is None:
        return None
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.user_id is None:
        person.user = _new_account(request, claims)
        person.save(update_fields=["user"])
    else:
        refuse_staff(person.user)
        if not may_enter(person.user, person, claims):
            raise Conflict(REGISTERED_ELSEWHERE)
    confirm(person, claims)
    return person.user


@transaction.atomic
def link(claims: Claims, user):
    """A signed-in user links the provincial identity to their account: it must be their own."""
    refuse_staff(user)
    person = person_of(user)
    if person is None:
        person = _give_person(user, claims)
    elif person.id_number != claims.id_number:
        raise Conflict(NOT_YOURS)
    confirm(person, claims)
    return person


@transaction.atomic
def create_person(user, claims: Claims) -> Person:
    """The person of an account allauth has just made for a provincial sign-in."""
    person = _give_person(user, claims)
    confirm(person, claims)
    return person


def _give_person(user, claims: Claims) -> Person:
    """``user``'s person: the record with the identity number if it has no account, else a new one."""
    person = lookup.person_with_id_number(claims.id_number)
    if person is None:
        return Person.objects.create(user=user, name=claims.name, id_number=claims.id_number)
    if person.user_id is not None and person.user_id != user.pk:
        raise Conflict(OTHER_PERSON)
    person.user = user
    person.save(update_fields=["user"])
    return person


def _new_account(request, claims: Claims):
    """An account for a record the service centre made: no password, named as the person."""
    adapter = get_account_adapter(request)
    user = adapter.new_user(request)
    user_field(user, "first_name", claims.name)
    user.set_unusable_password()
    adapter.populate_username(request, user)
    user.save()
    return user


def confirm(person: Person, claims: Claims) -> Person:
    """Bring ``person`` up to the claims of this sign-in and record the provider's real-name check."""
    if person.name != claims.name:
        person.name = claims.name
        person.save(update_fields=["name"])
    user = person.user
    if user is not None and user.first_name != claims.name[:150]:
        user.first_name, user.last_name = claims.name[:150], ""
        user.save(update_fields=["first_name", "last_name"])
    _fill_mobile(person, claims)
    levels.record(person, levels.IDENTITY_PROVIDER, method=levels.OIDC, evidence=claims.evidence)
    return person


def _fill_mobile(person: Person, claims: Claims):
    """The provider's mobile number, for an account that has none proven: the number the person
    proved by SMS here stays theirs (changing it is the account's own page)."""
    if not claims.mobile or person.user_id is None:
        return
    if person.phone == claims.mobile and _mobile_proven(person):
        return
    if person.phone and _mobile_proven(person):
        return
    holder = lookup.person_with_mobile(claims.mobile)
    if holder is not None and holder.pk != person.pk:
        return  # another person's record has it: signing in by it must find one account only
    AccountAdapter().set_phone(person.user, claims.mobile, False)
    levels.record(person, levels.REGISTERED, method=levels.MOBILE,
                  evidence=f"{sms_evidence(claims.mobile)} confirmed by {claims.issuer}"[:300])


# --- allauth -------------------------------------------------------------------------------

def refused(request, refusal: Refused):
    """The page a refused provincial sign-in answers with: what is wrong and what to do."""
    return render(request, REFUSED_TEMPLATE, {"message": refusal.message}, status=refusal.status)


def _provider_settings(sociallogin) -> dict:
    app = getattr(sociallogin.provider, "app", None)
    return getattr(app, "settings", None) or {}


def _claims_of(sociallogin) -> Claims:
    """The claims of this sign-in, as the provider sent them (kept aside by ``populate_user``)."""
    data = getattr(sociallogin, "_province_claims", None) or sociallogin.account.extra_data or {}
    return read_claims(data, _provider_settings(sociallogin))


class ProvinceAdapter(DefaultSocialAccountAdapter):
    """allauth's single sign-on, kept to the rules above (the module says which)."""

    def pre_social_login(self, request, sociallogin):
        process = sociallogin.state.get("process") or AuthProcess.LOGIN
        try:
            claims = _claims_of(sociallogin)
            if process == AuthProcess.CONNECT:
                link(claims, request.user)
            elif process == AuthProcess.LOGIN:
                with transaction.atomic():
                    existing = sociallogin.is_existing
                    user = account_for(claims, sociallogin.user if existing else None, request)
                    if user is not None and not existing:
                        sociallogin.connect(request, user)
        except Refused as refusal:
            raise ImmediateHttpResponse(refused(request, refusal)) from None

    def populate_user(self, request, sociallogin, data):
        """The new account: named as the person, no e-mail address (Yiwang asks for none), a user
        name made up by allauth. The claims are kept aside whole for this request, and masked in
        what allauth stores."""
        sociallogin._province_claims = sociallogin.account.extra_data
        sociallogin.account.extra_data = masked(sociallogin.account.extra_data or {}, _provider_settings(sociallogin))
        user = sociallogin.user
        user_username(user, "")
        user_email(user, "")
        user_field(user, "first_name", (data.get("name") or "")[:150])
        user_field(user, "last_name", "")
        sociallogin.email_addresses = []
        return user

    @transaction.atomic
    def save_user(self, request, sociallogin, form=None):
        try:
            claims = _claims_of(sociallogin)  # checked already by pre_social_login
        except Refused as refusal:  # a sign-in carried over to another request: its claims are masked
            raise ImmediateHttpResponse(refused(request, refusal)) from None
        user = super().save_user(request, sociallogin, form)
        create_person(user, claims)
        return user
