"""The forms of registration and of the texted codes, in allauth's flows (``ACCOUNT_FORMS``).

- ``RegistrationForm``: allauth's sign-up (mobile number, password twice) with the person's name
  and resident identity number, checked by its check digit. A mobile number that has an account,
  or an identity number that may not be claimed (``claims``), is answered exactly as a new
  registration: allauth's enumeration prevention goes on to the code page, and only the text to
  the number typed says what happened.
- ``RequestLoginCodeForm``, ``ConfirmLoginCodeForm``, ``VerifyPhoneForm``: allauth's, with the
  wrong-code lock of ``codes`` (a locked number is sent no code and accepts none) and the text
  limits of ``ACCOUNT_RATE_LIMITS`` answered as refusals (HTTP 429).
- ``PasswordResetBySmsForm``, ``ConfirmPasswordResetBySmsForm``: the password reset by SMS
  (``password_reset``); the new password is set with allauth's ``ResetPasswordKeyForm``.
"""

from allauth.account import forms as allauth_forms
from allauth.account.internal.constants import LoginStageKey
from allauth.account.stages import LoginStageController
from allauth.core import context
from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from casefiles.directory.identifiers import IdentifierError, validate_resident_id
from casefiles.registration import claims, codes, texts
from casefiles.registration.adapter import MobileField

MAX_NAME = 50
WRONG_CODE = _("The code is not right: check the text message and type its six digits.")


def _refused_as_locked(number):
    """The lock's refusal for ``number``, or None if it is not locked."""
    seconds = codes.locked_for(number)
    if not seconds:
        return None
    codes.refuse(context.request, seconds)
    return forms.ValidationError(codes.message(seconds), code="locked")


def _refused_as_too_many_texts(action, number):
    codes.refuse(context.request, texts.wait_for(context.request, action, number))
    return forms.ValidationError(codes.texts_message(), code="too_many_texts")


class RegistrationForm(allauth_forms.SignupForm):
    name = forms.CharField(label=pgettext_lazy("table column", "Name"), max_length=MAX_NAME,
                           widget=forms.TextInput(attrs={"autocomplete": "name"}),
                           help_text=_("As on your resident identity card."))
    # Longer than 18: spaces and hyphens typed between the digits are dropped by the check.
    id_number = forms.CharField(label=_("Resident identity number"), max_length=30,
                                widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
                                help_text=_("18 characters; the last may be X."))

    field_order = ["name", "id_number", "phone", "password1", "password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].required = True
        self.fields["phone"].label = _("Mobile number")
        self.fields["phone"].help_text = _("A code is texted to it; it is how you sign in.")

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Enter your name."))
        return name

    def clean_id_number(self):
        try:
            return validate_resident_id(self.cleaned_data["id_number"])
        except IdentifierError as error:
            raise forms.ValidationError(str(error), code="invalid_id_number") from None

    def clean(self):
        cleaned = super().clean()  # allauth's: a mobile number with an account sets account_already_exists
        mobile = cleaned.get("phone")
        if not mobile or self.has_error("phone"):
            return cleaned
        # Whether or not the number has an account: a locked number, or one sent too many texts,
        # is refused the same way.
        refused = _refused_as_locked(mobile)
        if refused is None and not texts.may_send(context.request, "verify_phone", mobile):
            refused = _refused_as_too_many_texts("verify_phone", mobile)
        if refused is not None:
            self.add_error("phone", refused)
            return cleaned
        id_number, name = cleaned.get("id_number"), cleaned.get("name")
        if id_number and name and not self.errors and not claims.may_register(id_number, mobile, name=name):
            # Answered as a new registration would be (allauth's enumeration prevention):
            # the text to the number typed says what happened.
            self.account_already_exists = True
        return cleaned


class RequestLoginCodeForm(allauth_forms.RequestLoginCodeForm):
    """Sign-in by a code texted to the mobile number."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].label = _("Mobile number")

    def clean_phone(self):
        refused = _refused_as_locked(self.cleaned_data.get("phone"))
        if refused is not None:
            raise refused
        try:
            return super().clean_phone()  # counts the text against ACCOUNT_RATE_LIMITS["request_login_code"]
        except forms.ValidationError as error:
            if error.code == "too_many_login_attempts":
                raise _refused_as_too_many_texts("request_login_code", self.cleaned_data["phone"]) from None
            raise


class LockedNumberTakesNoCode:
    """For a form of allauth's ``BaseConfirmCodeForm``: the code typed counts against the number."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].label = _("Verification code")  # 验证码 (allauth's "Code" reads 代码)
        attrs = self.fields["code"].widget.attrs
        attrs.pop("placeholder", None)
        attrs.update({"inputmode": "numeric", "autocomplete": "one-time-code"})

    def code_number(self) -> str | None:
        raise NotImplementedError

    def clean_code(self):
        number = self.code_number()
        refused = _refused_as_locked(number)
        if refused is not None:
            raise refused  # the right code too: accepting it would confirm a guess
        try:
            return super().clean_code()
        except forms.ValidationError as error:
            if error.code != "incorrect_code":
                raise
            seconds = codes.record_wrong_code(number)
            if seconds:
                codes.refuse(context.request, seconds)
                raise forms.ValidationError(codes.message(seconds), code="locked") from None
            raise forms.ValidationError(WRONG_CODE, code="incorrect_code") from None


class ConfirmLoginCodeForm(LockedNumberTakesNoCode, allauth_forms.ConfirmLoginCodeForm):
    def code_number(self):
        stage = LoginStageController.enter(context.request, LoginStageKey.LOGIN_BY_CODE.value)
        return stage.state.get("phone") if stage is not None else None


class VerifyPhoneForm(LockedNumberTakesNoCode, allauth_forms.VerifyPhoneForm):
    def code_number(self):
        return self.phone


class PasswordResetBySmsForm(forms.Form):
    """The mobile number to text a password-reset code to."""

    phone = MobileField(required=True)

    def clean_phone(self):
        mobile = self.cleaned_data["phone"]
        refused = _refused_as_locked(mobile)
        if refused is not None:
            raise refused
        if not texts.take(context.request, texts.RESET_PASSWORD, mobile):
            raise _refused_as_too_many_texts(texts.RESET_PASSWORD, mobile)
        return mobile


class ConfirmPasswordResetBySmsForm(LockedNumberTakesNoCode, allauth_forms.ConfirmPasswordResetCodeForm):
    def __init__(self, *args, phone=None, **kwargs):
        self.phone = phone
        super().__init__(*args, **kwargs)

    def code_number(self):
        return self.phone

