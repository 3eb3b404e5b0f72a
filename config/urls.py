from django.conf import settings
from django.conf.urls.static import static
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from config import signin_views
from config.views import healthz
from themes.views import switch_theme

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Before Wagtail's own: the admin's sign-in with the lock's answer (config/signin.py).
    path("admin/login/", signin_views.AdminLoginView.as_view(), name="wagtailadmin_login"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # Before allauth's own: its sign-in with the lock's answer (config/signin.py).
    path("accounts/login/", signin_views.AccountLoginView.as_view(), name="account_login"),
    path("accounts/", include("allauth.urls")),  # registration, SMS codes, password reset, MFA, sessions
    path("i18n/", include("django.conf.urls.i18n")),
    path("theme/", switch_theme, name="switch_theme"),
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

# Wagtail's page tree answers everything else.
urlpatterns += [path("", include(wagtail_urls))]
