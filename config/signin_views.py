"""The sign-in pages — Django's ``/accounts/login/`` and Wagtail's ``/admin/login/`` — saying
when ``config.signin`` has locked the name or the address: the form again, with the lock's
message instead of "wrong password", as HTTP 429 with ``Retry-After`` (like every limiter's
refusal on the site)."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
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


class LoginForm(LockSaysSo, AuthenticationForm):
    pass


class AdminLoginForm(LockSaysSo, WagtailLoginForm):
    pass


class LoginView(LockAnswers429, auth_views.LoginView):
    authentication_form = LoginForm
    redirect_authenticated_user = True


class AdminLoginView(LockAnswers429, wagtail_account.LoginView):
    def get_form_class(self):
        return AdminLoginForm

    def get(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.has_perm("wagtailadmin.access_admin"):
            # Wagtail's own answer is redirect(), which reads ?next=abc as a view's name: a 500.
            return HttpResponseRedirect(self.get_success_url())
        return super().get(request, *args, **kwargs)
