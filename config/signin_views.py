"""The sign-in pages — allauth's ``/accounts/login/`` and Wagtail's ``/admin/login/`` — saying
when ``config.signin`` has locked the name or the address: the form again, with the lock's
message instead of "wrong password", as HTTP 429 with ``Retry-After`` (like every limiter's
refusal on the site)."""

from allauth.account import views as account_views
from allauth.account.forms import LoginForm as AllauthLoginForm
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm
from wagtail.admin.views import account as wagtail_account

from config import signin


class LockSaysSo:
    """For an ``AuthenticationForm``: a locked attempt's error is the lock's message."""

    def get_invalid_login_error(self):
        seconds = signin.refusal(self.request)
        if seconds:
            return ValidationError(signin.message(seconds), code="locked")
        return super().get_invalid_login_error()


class LockAnswers429:
    """For a ``LoginView``: a locked attempt is answered 429 with ``Retry-After``."""

    def form_invalid(self, form):
        response = super().form_invalid(form)
        seconds = signin.refusal(self.request)
        if seconds:
            response.status_code = 429
            response["Retry-After"] = str(seconds)
        return response


class AccountLoginForm(AllauthLoginForm):
    """allauth's sign-in (mobile number or user name, and password): a locked attempt's error is the lock's."""

    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            seconds = signin.refusal(self.request)
            if seconds:
                raise ValidationError(signin.message(seconds), code="locked") from None
            raise


class AdminLoginForm(LockSaysSo, WagtailLoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Wagtail's field has no label: Django makes one of its name, "Password", untranslated.
        self.fields["password"].label = gettext_lazy("Password")


class AccountLoginView(LockAnswers429, account_views.LoginView):
    pass


class AdminLoginView(LockAnswers429, wagtail_account.LoginView):
    def get_form_class(self):
        return AdminLoginForm

    def get(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.has_perm("wagtailadmin.access_admin"):
            # Wagtail's own answer is redirect(), which reads ?next=abc as a view's name: a 500.
            return HttpResponseRedirect(self.get_success_url())
        return super().get(request, *args, **kwargs)
