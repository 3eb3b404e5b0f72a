"""allauth's pages that send or check a texted code, answering as the rest of the site does, and
the pages of the password reset by SMS (``casefiles.registration.password_reset``).

- A refusal by a limit — the wrong-code lock of a number, the texts allowed per number and per
  address (``ACCOUNT_RATE_LIMITS``) — is the form again with the reason, as HTTP 429 with
  ``Retry-After`` (``answers_refusals``), like the sign-in lock (config/signin_views.py) and the
  limiters of config/ratelimit.py. allauth's own refusals of a whole page (its limits on
  sign-in, registration and password reset per address) are ``handler429``'s page.
- A text the SMS gateway did not take (``TextNotSent``) undoes what the form did (no account is
  left half made) and shows the form again as typed, but for the passwords, as HTTP 503.

No rule lives here: the forms (casefiles.registration.forms) and the flows decide; these views
only wire them to pages.
"""

import functools

from allauth.account import views as account_views
from allauth.account.adapter import get_adapter
from allauth.account.forms import ResetPasswordKeyForm
from allauth.account.internal.templatekit import get_entrance_context_data
from allauth.core.exceptions import RateLimited
from django.contrib import messages
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic.edit import FormView

from casefiles.accounts import sms
from casefiles.registration import codes, password_reset, texts
from casefiles.registration.forms import ConfirmPasswordResetBySmsForm, PasswordResetBySmsForm
from config import signin_views

ALLAUTH_RETRY_AFTER = 60  # allauth's page-wide limits count per minute


def answers_refusals(view):
    """A page refused by a code lock or a text limit (``codes.refuse``) answers 429 with ``Retry-After``."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        seconds = codes.refusal(request)
        if seconds and response.status_code == 200:
            response.status_code = 429
            response["Retry-After"] = str(seconds)
        return response

    return wrapped


def handler429(request, exception=None):
    """allauth's refusal of a whole page (``ACCOUNT_RATE_LIMITS`` of sign-in, registration, reset)."""
    response = render(request, "429.html", status=429)
    response["Retry-After"] = str(ALLAUTH_RETRY_AFTER)
    return response


class TextNotSentSays503:
    """For a form view whose valid form sends a text: if the text does not go, nothing the form
    did stays, and the form comes back as typed — 503 when the gateway failed, 429 when the
    last text allowed was taken by another request in between. A text not sent is not counted
    against the limits of ``text_action``."""

    text_action: str

    def text_number(self, form) -> str | None:
        """The number the form's text went to."""
        return form.cleaned_data.get("phone")

    def form_valid(self, form):
        try:
            with transaction.atomic():
                return super().form_valid(form)
        except sms.TextNotSent as error:
            number = self.text_number(form)
            if number:
                texts.give_back(self.request, self.text_action, number)
            form.add_error(None, error.message)
            status = error.status
        except RateLimited:
            number = self.text_number(form)
            form.add_error(None, codes.texts_message())
            codes.refuse(self.request, texts.wait_for(self.request, self.text_action, number) if number
                         else ALLAUTH_RETRY_AFTER)
            status = 429
        response = self.render_to_response(self.get_context_data(form=form), status=status)
        if status == 429:
            response["Retry-After"] = str(codes.refusal(self.request))
        return response


class AccountLoginView(TextNotSentSays503, signin_views.AccountLoginView):
    """The sign-in with a password of an account whose mobile number is not proven yet texts a
    code (allauth's phone verification): with the lock's 429 of config/signin_views.py."""

    text_action = "verify_phone"

    def text_number(self, form):
        phone = get_adapter(self.request).get_phone(form.user) if form.user else None
        return phone[0] if phone else None


class SignupView(TextNotSentSays503, account_views.SignupView):
    text_action = "verify_phone"


class RequestLoginCodeView(TextNotSentSays503, account_views.RequestLoginCodeView):
    text_action = "request_login_code"


login = AccountLoginView.as_view()
signup = answers_refusals(SignupView.as_view())
request_login_code = answers_refusals(RequestLoginCodeView.as_view())
confirm_login_code = answers_refusals(account_views.confirm_login_code)
verify_phone = answers_refusals(account_views.verify_phone)


# --- the password reset by SMS -----------------------------------------------------------

class _ResetBySmsView(FormView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(get_entrance_context_data(self.request))
        return context


class _RequestResetCodeView(_ResetBySmsView):
    template_name = "account/password_reset_by_sms.html"
    form_class = PasswordResetBySmsForm

    def form_valid(self, form):
        password_reset.start(self.request, form.cleaned_data["phone"])
        return HttpResponseRedirect(reverse("account_reset_password_by_sms_code"))


@method_decorator(never_cache, name="dispatch")
class PasswordResetBySmsView(TextNotSentSays503, _RequestResetCodeView):
    """找回密码: the mobile number to text a code to."""

    text_action = texts.RESET_PASSWORD


@method_decorator(never_cache, name="dispatch")
class ConfirmPasswordResetBySmsView(_ResetBySmsView):
    """The code texted to the number."""

    template_name = "account/password_reset_by_sms_code.html"
    form_class = ConfirmPasswordResetBySmsForm

    def dispatch(self, request, *args, **kwargs):
        self.process = password_reset.resume(request)
        if self.process is None:
            return HttpResponseRedirect(reverse("account_reset_password_by_sms"))
        if self.process.code_confirmed:
            return HttpResponseRedirect(reverse("account_reset_password_by_sms_set"))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "code": self.process.code, "phone": self.process.phone}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "phone": self.process.phone}

    def form_valid(self, form):
        self.process.confirm_code()
        return HttpResponseRedirect(reverse("account_reset_password_by_sms_set"))

    def form_invalid(self, form):
        if self.process.record_invalid_attempt():
            return super().form_invalid(form)
        messages.error(self.request, _("Too many wrong codes. Ask for a new one."))
        return HttpResponseRedirect(reverse("account_reset_password_by_sms"))


@method_decorator(never_cache, name="dispatch")
@method_decorator(sensitive_post_parameters("password1", "password2"), name="dispatch")
class SetPasswordBySmsView(_ResetBySmsView):
    """The new password, once the code was right."""

    template_name = "account/password_reset_by_sms_set.html"
    form_class = ResetPasswordKeyForm  # allauth's: the password validators, typed twice

    def dispatch(self, request, *args, **kwargs):
        self.process = password_reset.resume(request)
        if self.process is None:
            return HttpResponseRedirect(reverse("account_reset_password_by_sms"))
        if not self.process.code_confirmed:
            return HttpResponseRedirect(reverse("account_reset_password_by_sms_code"))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.process.user}

    def form_valid(self, form):
        form.save()
        return password_reset.finish(self.request, self.process) or HttpResponseRedirect(reverse("account_login"))


reset_password_by_sms = answers_refusals(PasswordResetBySmsView.as_view())
reset_password_by_sms_code = answers_refusals(ConfirmPasswordResetBySmsView.as_view())
reset_password_by_sms_set = SetPasswordBySmsView.as_view()
