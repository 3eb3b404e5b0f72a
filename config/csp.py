"""The Content-Security-Policy of every page (django-csp), and the one place it is loosened.

Everywhere: scripts only from our own static files (no inline script, no eval), so that a
script injected into a page does not run; our few inline ``<style>`` blocks carry the
request's nonce. Views that serve uploaded files send their own stricter policy
(casefiles/workbench/views.py FILE_CSP), which is kept.

The Wagtail admin (``/admin/``), measured with tests/browser/test_csp.py:
- inline styles are allowed: Wagtail 8 writes ``style`` attributes from its templates and
  scripts, and an attribute cannot carry a nonce;
- Wagtail's own views (page and snippet editors, choosers, settings …) may run inline
  scripts: their InlinePanels, date pickers and choosers are started by ``<script>`` elements
  that Wagtail writes without a nonce (upstream: wagtail/wagtail#1288, #12940). Yiwang's own
  admin views — the workbench and the license pages, where applicants' data is shown to staff —
  keep the strict rule.

The account pages (``/accounts/``) may also send forms to the single sign-on providers
(``SOCIALACCOUNT_PROVIDERS``): a provider's button posts to Yiwang, which answers with a
redirect to the provider's authorisation page, and ``form-action`` governs that redirect too.
The origin allowed is the issuer's, and that of an ``authorization_endpoint`` the provider's
``openid_configuration_overrides`` name.
"""

from urllib.parse import urlsplit

from django.conf import settings

from csp.constants import SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware

ADMIN_PREFIX = "/admin/"
ACCOUNTS_PREFIX = "/accounts/"
OWN_VIEWS = ("casefiles.", "cms.", "search.", "themes.", "config.")


def _own_view(request) -> bool:
    match = getattr(request, "resolver_match", None)
    return match is not None and getattr(match.func, "__module__", "").startswith(OWN_VIEWS)


class YiwangCSPMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if request.path_info.startswith(ADMIN_PREFIX):
            # Without the nonce: a nonce in a directive makes browsers ignore 'unsafe-inline'.
            loosened = {"style-src": [SELF, UNSAFE_INLINE]}
            if not _own_view(request):
                loosened["script-src"] = [SELF, UNSAFE_INLINE]
            parts.replace = {**(parts.replace or {}), **loosened}
        elif request.path_info.startswith(ACCOUNTS_PREFIX) and (origins := sign_on_origins()):
            parts.update = {**(parts.update or {}), "form-action": origins}
        return parts


def sign_on_origins() -> list[str]:
    """The origins of the OpenID Connect providers' authorisation pages, as configured."""
    apps = getattr(settings, "SOCIALACCOUNT_PROVIDERS", {}).get("openid_connect", {}).get("APPS", [])
    origins = []
    for app in apps:
        app_settings = app.get("settings", {})
        overrides = app_settings.get("openid_configuration_overrides", {})
        for url in (app_settings.get("server_url"), overrides.get("authorization_endpoint")):
            parts = urlsplit(url or "")
            origin = f"{parts.scheme}://{parts.netloc}"
            if parts.scheme in ("http", "https") and parts.netloc and origin not in origins:
                origins.append(origin)
    return origins
