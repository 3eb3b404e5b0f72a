from django.conf import settings
from django.conf.urls.static import static
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from config import account_views, signin_views
from config.views import healthz
from themes.views import favicon, switch_theme

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Before Wagtail's own: the admin's sign-in with the lock's answer (config/signin.py).
    path("admin/login/", signin_views.AdminLoginView.as_view(), name="wagtailadmin_login"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # Before allauth's own: its sign-in with the lock's answer (config/signin.py) and a text not sent's.
    path("accounts/login/", account_views.login, name="account_login"),
    # allauth's pages that send or check a texted code, answering 429 and 503 (config/account_views.py),
    # and the password reset by SMS.
    path("accounts/signup/", account_views.signup, name="account_signup"),
    path("accounts/login/code/", account_views.request_login_code, name="account_request_login_code"),
    path("accounts/login/code/confirm/", account_views.confirm_login_code, name="account_confirm_login_code"),
    path("accounts/phone/verify/", account_views.verify_phone, name="account_verify_phone"),
    path("accounts/password/reset/sms/", account_views.reset_password_by_sms, name="account_reset_password_by_sms"),
    path("accounts/password/reset/sms/code/", account_views.reset_password_by_sms_code,
         name="account_reset_password_by_sms_code"),
    path("accounts/password/reset/sms/new/", account_views.reset_password_by_sms_set,
         name="account_reset_password_by_sms_set"),
    path("accounts/", include("allauth.urls")),  # registration, SMS codes, password reset, MFA, sessions
    path("i18n/", include("django.conf.urls.i18n")),
    path("theme/", switch_theme, name="switch_theme"),
    path("favicon.ico", favicon, name="favicon"),
    path("", include("casefiles.portal.urls")),  # the applicant portal: apply/, my/cases/, progress/
    path("", include("casefiles.portal.license_urls")),  # licenses/verify/, licenses/keys.json, licenses/shared/…, my/licenses/
    path("api/v1/licenses/", include("casefiles.api.license_urls")),
    path("api/v1/", include("casefiles.api.urls")),
    path("search/", include("search.urls")),
]

if settings.DEBUG:
    # Only Wagtail's public images; case materials, notices and licenses are served by
    # permission-checked views and must never be reachable by path (nor in production).
    for folder in ("images", "original_images"):
        urlpatterns += static(f"{settings.MEDIA_URL}{folder}/", document_root=settings.MEDIA_ROOT / folder)

# allauth's refusal of a whole page by its rate limits (allauth.core.ratelimit looks it up here).
handler429 = account_views.handler429

# Wagtail's page tree answers everything else.
urlpatterns += [path("", include(wagtail_urls))]
