"""找回密码: a person sets a new password with a code texted to their mobile number.

Built on allauth's code verification (``AbstractCodeVerificationProcess``, the process behind
its sign-in by code and its password reset by e-mail code): the state — the number, the code,
when it was sent, the wrong attempts — lives in the visitor's session under ``SESSION_KEY``.

1. ``start(request, mobile)``: a code goes to the number if an account has it; otherwise the
   number gets a text saying it has no account (``send_unknown_account_sms``). Either way the
   visitor is on the code page: the page never tells whether the number is registered.
2. ``resume(request)``: the process of this session, or None once it expired
   (``ACCOUNT_PASSWORD_RESET_BY_CODE_TIMEOUT``: five minutes) or was finished.
3. The code typed is checked by ``forms.ConfirmPasswordResetBySmsForm`` — with the wrong-code
   lock of ``codes`` — then ``confirm_code``: the number is proven (a proof allauth's phone
   verification accepts) and the visitor has five more minutes to choose a password.
4. ``finish(request, process)``: allauth's end of a password reset (its message, its signal,
   a sign-in if ``ACCOUNT_LOGIN_ON_PASSWORD_RESET``). The code was used: it opens nothing again.

Staff, who have no mobile number here, keep allauth's password reset by e-mail.
"""

import time

from allauth.account import app_settings
from allauth.account.adapter import get_adapter
from allauth.account.internal.flows import password_reset
from allauth.account.internal.flows.code_verification import AbstractCodeVerificationProcess
from allauth.account.internal.flows.phone_verification import verify_phone_indirectly

from casefiles.registration.adapter import RESET_PASSWORD

SESSION_KEY = "yiwang_password_reset_by_sms"


class PasswordResetBySms(AbstractCodeVerificationProcess):
    def __init__(self, request, state, user=None):
        self.request = request
        super().__init__(
            state=state, user=user,
            timeout=app_settings.PASSWORD_RESET_BY_CODE_TIMEOUT,
            max_attempts=app_settings.PASSWORD_RESET_BY_CODE_MAX_ATTEMPTS,
        )

    @property
    def phone(self) -> str:
        return self.state["phone"]

    @property
    def code_confirmed(self) -> bool:
        return bool(self.state.get("code_confirmed"))

    def persist(self) -> None:
        self.request.session[SESSION_KEY] = self.state

    def abort(self) -> None:
        self.request.session.pop(SESSION_KEY, None)

    def send(self) -> None:
        adapter = get_adapter(self.request)
        if self.user is None:
            adapter.send_unknown_account_sms(self.phone, purpose=RESET_PASSWORD)
            return
        self.state["code"] = adapter.generate_phone_verification_code(user=self.user, phone=self.phone)
        adapter.send_verification_code_sms(user=self.user, phone=self.phone, code=self.code, purpose=RESET_PASSWORD)

    def confirm_code(self) -> None:
        """The right code was typed: the number is proven, and the code is spent."""
        self.state.update(code_confirmed=True, code="", at=time.time())
        self.persist()
        verify_phone_indirectly(self.request, self.user, self.phone)


def start(request, mobile: str) -> PasswordResetBySms:
    """Text a reset code to ``mobile`` — or, with no account there, a text saying so."""
    user = get_adapter(request).get_user_by_phone(mobile)
    process = PasswordResetBySms(request, PasswordResetBySms.initial_state(user, phone=mobile), user=user)
    process.send()
    process.persist()
    return process


def resume(request) -> PasswordResetBySms | None:
    state = request.session.get(SESSION_KEY)
    if not state:
        return None
    return PasswordResetBySms(request, state).abort_if_invalid()


def finish(request, process: PasswordResetBySms):
    """The new password is set (allauth's ``ResetPasswordKeyForm.save``): close the reset.
    Returns allauth's response when it signs the person in, else None."""
    process.abort()
    return password_reset.finalize_password_reset(request, process.user)
