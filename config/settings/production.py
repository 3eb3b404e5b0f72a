"""Production: refuses to start on the development defaults that are unsafe on a network."""

from django.core.exceptions import ImproperlyConfigured

from config import env
from config.settings.base import *  # noqa: F403
from config.settings.base import SECRET_KEY_FALLBACKS, STORAGES, YIWANG_JOURNAL_RETIRED_KEYS, YIWANG_SMS

DEBUG = False

SECRET_KEY = env.strong_secret("SECRET_KEY", "production needs its own secret key (50+ random characters)")
# Each secret protects one thing and is rotated on its own (docs/operations.md, "Secrets and
# their rotation"): none may be derived from, or equal to, another.
YIWANG_JOURNAL_KEY = env.strong_secret("YIWANG_JOURNAL_KEY", "it seals the case and license journals (50+ random characters)")
YIWANG_KEY_PASSWORD = env.strong_secret("YIWANG_KEY_PASSWORD", "it encrypts the license signing keys (50+ random characters)")
YIWANG_SEARCH_KEY = env.strong_secret("YIWANG_SEARCH_KEY", "it keys the identity-number tokens of the search index (50+ random characters)")
# Never the development key, never SECRET_KEY: identity and mobile numbers are encrypted with these.
YIWANG_PII_KEYS = env.strong_secrets(
    "YIWANG_PII_KEYS", "it encrypts identity and mobile numbers at rest (comma-separated keys, each 50+ random characters)")
if any(key.startswith("development-only") for key in YIWANG_PII_KEYS):
    raise ImproperlyConfigured("YIWANG_PII_KEYS names the development key, which is public: make keys of your own")
_secrets = [SECRET_KEY, *SECRET_KEY_FALLBACKS, YIWANG_JOURNAL_KEY, *YIWANG_JOURNAL_RETIRED_KEYS, YIWANG_KEY_PASSWORD,
            YIWANG_SEARCH_KEY, *YIWANG_PII_KEYS]
if len(set(_secrets)) != len(_secrets):
    raise ImproperlyConfigured("SECRET_KEY, YIWANG_JOURNAL_KEY, YIWANG_KEY_PASSWORD, YIWANG_SEARCH_KEY and YIWANG_PII_KEYS "
                               "must be different secrets")

# Codes and invitations go to real phones: the console backend would print them to the log.
YIWANG_SMS = {**YIWANG_SMS, "BACKEND": env.string("YIWANG_SMS_BACKEND", "http")}
if YIWANG_SMS["BACKEND"] != "http" or not YIWANG_SMS["URL"]:
    raise ImproperlyConfigured("production sends texts through an SMS gateway: set YIWANG_SMS_URL (and YIWANG_SMS_TOKEN)")

# Staff sign in to the workbench with a second factor (config/staff_mfa.py); YIWANG_STAFF_MFA_REQUIRED=false turns it off.
YIWANG_STAFF_MFA_REQUIRED = env.boolean("YIWANG_STAFF_MFA_REQUIRED", True)

ALLOWED_HOSTS = env.listing("ALLOWED_HOSTS")
if not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must name the site's host names in production (no '*')")

SECURE_SSL_REDIRECT = env.boolean("SECURE_SSL_REDIRECT", True)
if env.boolean("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.integer("SECURE_HSTS_SECONDS", 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.boolean("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env.boolean("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# allauth takes the ID token's signature on trust from the TLS of its own token request (OpenID
# Connect Core 3.1.3.7): the provincial unified identity is reached over HTTPS only.
if env.string("YIWANG_OIDC_ISSUER", "") and not env.string("YIWANG_OIDC_ISSUER", "").startswith("https://"):
    raise ImproperlyConfigured("YIWANG_OIDC_ISSUER must be an https:// URL in production")
