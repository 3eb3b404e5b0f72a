"""django-allauth's adapter for Yiwang: where allauth's flows meet the directory.

- A person's mobile number is their ``Person.phone`` (the directory's record, the one staff and
  invitations look up); it counts as verified while the person's registration by mobile
  (``realname.levels`` REGISTERED by MOBILE) stands — so one record says both that the number
  was proven and what real-name level it gives.
- Codes go out through ``casefiles.accounts.sms``; a code is asked for and checked by allauth's
  own flows (phone verification at registration, sign-in by code) and by the password reset by
  SMS (``password_reset``), limited by ``ACCOUNT_RATE_LIMITS`` per number and per client
  address — the address being ``config.clients.address``, the one every limiter reads — and
  by the wrong-code lock of ``codes``: no text goes to a locked number.
- Texts about an account (one exists already; none does) never reach the page: only the phone
  that received them learns what they say.
- A staff account (no person) has no mobile here and signs in by user name and password.
"""

from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext, gettext_lazy as _

from casefiles.accounts import sms
from casefiles.directory import lookup
from casefiles.directory.identifiers import IdentifierError, validate_mobile
from casefiles.directory.models import Person
from casefiles.realname import levels
from casefiles.registration import claims, codes
from config import clients

RESET_PASSWORD = "password_reset"  # ``purpose`` of the texts of the password reset by SMS


class MobileField(forms.CharField):
    """A mainland mobile number, kept as 11 digits."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Mobile number"))
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("widget", forms.TextInput(attrs={
            "autocomplete": "tel", "inputmode": "numeric", "type": "tel", "placeholder": "13800138000"}))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        try:
            return validate_mobile(value)
        except IdentifierError as error:
            raise forms.ValidationError(error.message, code="invalid_phone") from None


def person_of(user) -> Person | None:
    """The person whose account ``user`` is (None: a staff account, or no account)."""
    if user is None or user.pk is None:
        return None
    return Person.objects.filter(user=user).first()


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request):
        return clients.address(request)

    def phone_form_field(self, **kwargs):
        kwargs["label"] = _("Mobile number")  # allauth says "Phone"; here it is always a mobile
        return MobileField(**kwargs)

    def save_user(self, request, user, form, commit=True):
        """A registration: the account, then its person (claimed or new) with the mobile number
        unproven, in one transaction — allauth's phone verification comes next."""
        data = form.cleaned_data
        if "id_number" not in data:  # a sign-up by another form (single sign-on): allauth's own
            return super().save_user(request, user, form, commit)
        user.set_password(data["password1"])
        user.first_name = data["name"][: user._meta.get_field("first_name").max_length]  # the header names the person
        self.populate_username(request, user)
        with transaction.atomic():
            user.save()
            claims.attach(user, name=data["name"], id_number=data["id_number"], mobile=data["phone"])
        return user

    # --- the mobile number of an account ---------------------------------------------------

    def get_phone(self, user):
        person = person_of(user)
        if person is None or not person.phone:
            return None
        return person.phone, claims.mobile_proven(person)

    def set_phone(self, user, phone, verified):
        """The account's mobile number is now ``phone``; a proof of an earlier number no longer counts."""
        person = person_of(user)
        if person is None:
            return  # a staff account keeps no mobile number here
        with transaction.atomic():
            if person.phone != phone:
                stood = levels.standing_by(person, levels.REGISTERED, levels.MOBILE)
                if stood is not None:
                    levels.revoke(stood, reason="mobile number changed")
                person.phone = phone
                person.save(update_fields=["phone"])
            if verified:
                levels.record(person, levels.REGISTERED, method=levels.MOBILE, evidence=sms_evidence(phone))

    def set_phone_verified(self, user, phone):
        """``phone`` was proven by a code: at registration, at a sign-in by code, at a password reset,
        or on allauth's page that changes the number (which calls only this)."""
        self.set_phone(user, phone, True)

    def get_user_by_phone(self, phone):
        person = lookup.person_with_mobile(phone)
        if person is None or person.user_id is None:
            return None
        return get_user_model().objects.filter(pk=person.user_id, is_active=True).first()

    # --- the texts -------------------------------------------------------------------------

    def _send(self, phone, text):
        if codes.locked_for(phone):
            return  # nothing goes to a locked number (the page that asked has said so)
        sms.send_text(phone, text)

    def send_verification_code_sms(self, user, phone, code, **kwargs):
        if kwargs.get("purpose") == RESET_PASSWORD:
            text = gettext("[一网通办] Your code to reset your password is %(code)s, valid for 5 minutes. "
                           "Do not tell it to anyone.")
        else:
            text = gettext("[一网通办] Your verification code is %(code)s, valid for 5 minutes. "
                           "Do not tell it to anyone.")
        self._send(phone, text % {"code": code})

    def send_account_already_exists_sms(self, phone):
        """A registration that makes no account: the number has one, or the identity number typed
        belongs to a record that may not be claimed (``claims``)."""
        if self.get_user_by_phone(phone) is not None:
            text = gettext("[一网通办] Someone tried to register with this mobile number, which already has "
                           "an account. If it was you, sign in, or reset your password by SMS.")
        else:
            text = gettext("[一网通办] Someone tried to register with this mobile number and an identity number "
                           "that is already on record with another account or mobile number. If it is yours, "
                           "bring your resident identity card to a service window, or call 12345.")
        self._send(phone, text)

    def send_unknown_account_sms(self, phone, **kwargs):
        if kwargs.get("purpose") == RESET_PASSWORD:
            text = gettext("[一网通办] Someone asked to reset the password of this mobile number, which has no "
                           "account. If it was you, register first.")
        else:
            text = gettext("[一网通办] Someone asked for a sign-in code for this mobile number, which has no "
                           "account. If it was you, register first.")
        self._send(phone, text)


def display_name(user) -> str:
    """How allauth's pages name the signed-in user: a person by name, staff by their own name."""
    person = person_of(user)
    if person is not None:
        return person.name
    return user.get_full_name() or user.get_username()


def sms_evidence(phone: str) -> str:
    """What the real-name journal keeps of the proven number: its last four digits."""
    return f"mobile ****{phone[-4:]}"
