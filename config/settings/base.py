"""Settings shared by every environment.

Every external service is switched on by an environment variable; unset, Yiwang runs on
its embedded defaults (SQLite, the database search backend, in-process tasks, local files,
local-memory cache). See docs/configuration.md.
"""

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from config import env, siteurl

BASE_DIR = env.BASE_DIR
VAR_DIR = env.path("YIWANG_VAR_DIR", BASE_DIR / "var")

DEBUG = False
# Earlier secret keys, still accepted for sessions and password-reset links while a new
# SECRET_KEY takes over (docs/operations.md). SECRET_KEY protects nothing else.
SECRET_KEY_FALLBACKS = env.listing("SECRET_KEY_FALLBACKS")
ALLOWED_HOSTS = env.listing("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.listing("CSRF_TRUSTED_ORIGINS")
# The public base URL; unset, links follow the request's host, else config.siteurl.DEFAULT
# (config/siteurl.py: base_url() is what code reads, never this setting).
SITE_URL = env.string("SITE_URL", "")

INSTALLED_APPS = [
    "casefiles",
    "cms",
    "search",
    "themes",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "guardian",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "csp",
    # django-allauth: registration, password and SMS-code sign-in, single sign-on, TOTP, sessions
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.mfa",
    "allauth.usersessions",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.siteurl.SiteURLMiddleware",  # the request's scheme and host for links, when SITE_URL is unset
    "config.csp.YiwangCSPMiddleware",  # Content-Security-Policy on every response (config/csp.py)
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "config.guard.RequestGuardMiddleware",  # odd input refused before anything reads it
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "config.staff_mfa.StaffSecondFactorMiddleware",  # the workbench's second factor, when required
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "themes.middleware.ThemeMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "cms.caching.AnonymousPageCacheMiddleware",  # after ThemeMiddleware: keyed by theme
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": False,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "themes.context_processors.theme",
                "csp.context_processors.nonce",  # CSP_NONCE, for our inline <style> blocks
            ],
            # Theme templates first (the visitor's theme, then `default`), then the apps'.
            "loaders": [
                (
                    "themes.loaders.CachedThemeLoader",
                    [
                        "themes.loaders.ThemeLoader",
                        "django.template.loaders.app_directories.Loader",
                    ],
                )
            ],
        },
    }
]

# --- Database --------------------------------------------------------------------------
# DATABASE_URL selects PostgreSQL for scale-out; the default is SQLite in var/.
DATABASE_URL = env.string("DATABASE_URL", f"sqlite:///{VAR_DIR / 'yiwang.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of
        # failing half-way; WAL lets readers go on while one writes.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000;"
        ),
    }
    (VAR_DIR).mkdir(parents=True, exist_ok=True)
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    INSTALLED_APPS.append("django.contrib.postgres")
    DATABASES["default"]["OPTIONS"] = {
        # Parameters bound by the server. Django leaves psycopg's prepared statements off
        # (prepare_threshold); the search's stream prepares its own statement on the
        # connection (search/backends/postgres_fts.py). Turn binding off behind a pooler in
        # transaction mode that cannot keep prepared statements: then nothing is prepared.
        "server_side_binding": env.boolean("DATABASE_SERVER_SIDE_BINDING", True),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and background work ---------------------------------------------------------
# With Redis unreachable the site degrades instead of failing: the cache falls back to each
# process's memory, tasks run in the process after commit (config/cache.py, config/tasks.py,
# docs/operations.md). REDIS_TIMEOUT: seconds a call waits on Redis; REDIS_RETRY_AFTER:
# seconds Redis is then left alone before it is tried again.
REDIS_URL = env.string("REDIS_URL")
REDIS_TIMEOUT = env.integer("REDIS_TIMEOUT", 2)
REDIS_RETRY_AFTER = env.integer("REDIS_RETRY_AFTER", 5)
# A failed job runs again after each pause, then stays in RQ's failed job registry (/healthz counts it).
YIWANG_TASK_RETRIES = {"MAX": 3, "PAUSES": [30, 300, 1800]}
if REDIS_URL:
    from config.settings.redis_services import services

    _redis = services(REDIS_URL, timeout=REDIS_TIMEOUT, retry_after=REDIS_RETRY_AFTER)
    CACHES, RQ_QUEUES, RQ, TASKS = _redis["CACHES"], _redis["RQ_QUEUES"], _redis["RQ"], _redis["TASKS"]
    INSTALLED_APPS.append("django_rq")
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# --- Search ----------------------------------------------------------------------------
ELASTICSEARCH_URL = env.string("ELASTICSEARCH_URL")
YIWANG_SEARCH = {
    "BACKEND": "elasticsearch" if ELASTICSEARCH_URL else "database",
    "ELASTICSEARCH_URL": ELASTICSEARCH_URL,
    "INDEX_PREFIX": env.string("SEARCH_INDEX_PREFIX", "yiwang"),
    "ELASTICSEARCH_ANALYZER": env.string("SEARCH_ELASTICSEARCH_ANALYZER", "cjk"),  # cjk, smartcn or ik
}
# Wagtail's database search with Chinese segmented at index and query time (search/wagtail_backend.py).
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "search.wagtail_backend"}}

# --- Authentication and permissions ------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "config.signin.SignInLockBackend",  # first: a locked name or address reaches no other
    # Django's ModelBackend, and sign-in by mobile number (casefiles.registration.adapter)
    "allauth.account.auth_backends.AuthenticationBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# Public access is a property of the record (published, public), not of a fake user.
ANONYMOUS_USER_NAME = None
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
# Sign-in guessing (config/signin.py), on every way in: an account name with ACCOUNT_FAILURES
# failed attempts, or a client address with ADDRESS_FAILURES (an office behind one address
# shares it), within PERIOD seconds is locked for LOCK seconds.
YIWANG_SIGNIN_LIMITS = {"ACCOUNT_FAILURES": 5, "ADDRESS_FAILURES": 30, "PERIOD": 900, "LOCK": 900}

# django-allauth (docs/accounts.md). A person registers with a mobile number proven by a code,
# a password, their name and identity number (casefiles.registration); signs in by mobile number
# or user name and password, or by a code texted to the mobile number. Staff are created by
# administrators and sign in by user name.
ACCOUNT_ADAPTER = "casefiles.registration.adapter.AccountAdapter"
ACCOUNT_FORMS = {
    "signup": "casefiles.registration.forms.RegistrationForm", "login": "config.signin_views.AccountLoginForm",
    # the codes' forms, with the wrong-code lock and the text limits (casefiles.registration.codes)
    "request_login_code": "casefiles.registration.forms.RequestLoginCodeForm",
    "confirm_login_code": "casefiles.registration.forms.ConfirmLoginCodeForm",
    "verify_phone": "casefiles.registration.forms.VerifyPhoneForm",
}
ACCOUNT_LOGIN_METHODS = {"phone", "username"}
# The mobile number is required by the registration form itself (casefiles.registration.forms):
# "phone*" here would also stop the sign-in of every account without one (staff).
ACCOUNT_SIGNUP_FIELDS = ["phone", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
# allauth warns that user names sign in but nobody registers one: they are staff's, made by administrators.
SILENCED_SYSTEM_CHECKS = ["account.W001"]
ACCOUNT_PHONE_VERIFICATION_ENABLED = True
ACCOUNT_PREVENT_ENUMERATION = True  # no page says whether a mobile or identity number is registered
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_SESSION_REMEMBER = None  # the visitor chooses
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_USER_DISPLAY = "casefiles.registration.adapter.display_name"
# A texted code (registration, sign-in) lasts 5 minutes and is good once.
ACCOUNT_PHONE_VERIFICATION_TIMEOUT = ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 300
ALLAUTH_USER_CODE_FORMAT = {"numeric": True, "length": 6, "dashed": False}  # six digits, as every SMS code here
# Texts per mobile number ("key") and per client address ("ip", config.clients.address): one a
# minute and five an hour to a number, twenty an hour from an address.
_TEXTS = "1/m/key,5/h/key,20/h/ip"
ACCOUNT_RATE_LIMITS = {"verify_phone": _TEXTS, "request_login_code": _TEXTS, "change_phone": "1/m/user,5/h/user",
                       "reset_password_by_sms": _TEXTS}  # the password reset by SMS (casefiles.registration.password_reset)
# Wrong codes (casefiles.registration.codes): YIWANG_SMS_CODE_FAILURES wrong codes for a mobile
# number, in any flow, lock it for YIWANG_SMS_CODE_LOCK seconds — no code is sent to it or
# accepted for it. allauth's own count per flow (MAX_ATTEMPTS) ends a flow only after that.
YIWANG_SMS_CODE_FAILURES = 5
YIWANG_SMS_CODE_LOCK = env.integer("YIWANG_SMS_CODE_LOCK", 1800)
ACCOUNT_PHONE_VERIFICATION_MAX_ATTEMPTS = ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 2 * YIWANG_SMS_CODE_FAILURES
ACCOUNT_PASSWORD_RESET_BY_CODE_MAX_ATTEMPTS = 2 * YIWANG_SMS_CODE_FAILURES  # read by the reset by SMS only
ACCOUNT_PASSWORD_RESET_BY_CODE_TIMEOUT = 300  # the reset by SMS's code, as the others
# The number being verified at registration is the one the registration was checked with
# (casefiles.registration.claims): it may not be changed on the code page.
ACCOUNT_PHONE_VERIFICATION_SUPPORTS_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = True  # a new password set (by e-mail link or SMS code) signs the person in
# Single sign-on with the provincial unified identity (统一身份认证) over OpenID Connect, on when
# YIWANG_OIDC_ISSUER is set (docs/accounts.md, "Single sign-on"). allauth reads the provider's
# endpoints from <issuer>/.well-known/openid-configuration; its callback is
# /accounts/oidc/province/login/callback/. The provider's claims make or claim the person and
# record the real-name level (casefiles.registration.sso); no sign-up form is shown.
SOCIALACCOUNT_ADAPTER = "casefiles.registration.sso.ProvinceAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_REQUIRED = False
SOCIALACCOUNT_QUERY_EMAIL = False
YIWANG_OIDC_ISSUER = env.string("YIWANG_OIDC_ISSUER", "").rstrip("/")
SOCIALACCOUNT_PROVIDERS = {}
if YIWANG_OIDC_ISSUER:
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {"APPS": [{
        "provider_id": "province",
        "name": env.string("YIWANG_OIDC_NAME", "省统一身份认证"),  # the sign-in button's label
        "client_id": env.required("YIWANG_OIDC_CLIENT_ID", "the client id the provider gave Yiwang"),
        "secret": env.required("YIWANG_OIDC_CLIENT_SECRET", "the client secret the provider gave Yiwang"),
        "settings": {
            "server_url": YIWANG_OIDC_ISSUER,
            "oauth_pkce_enabled": True,
            "token_auth_method": env.string("YIWANG_OIDC_TOKEN_AUTH_METHOD", "client_secret_basic"),
            "scope": env.listing("YIWANG_OIDC_SCOPES", ["openid", "profile", "phone"]),
            # Read by casefiles.registration.sso: the claim with the resident identity number,
            # and the assurance levels (acr) that count as a real-name check (none named: any).
            "id_number_claim": env.string("YIWANG_OIDC_ID_NUMBER_CLAIM", "id_card"),
            "acr_values": env.listing("YIWANG_OIDC_ACR_VALUES"),
        },
    }]}
SOCIALACCOUNT_ONLY = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "一网通办"
# Staff open the workbench (/admin/) only with an authenticator app set up and its code given in
# the session (config/staff_mfa.py). Off in development and tests; on in production.
YIWANG_STAFF_MFA_REQUIRED = env.boolean("YIWANG_STAFF_MFA_REQUIRED", False)
# Sessions are recorded at sign-in (the list under 账号安全); not re-written on every request.
USERSESSIONS_TRACK_ACTIVITY = False

# Text messages (casefiles/accounts/sms.py): console in development, an HTTP gateway in production.
YIWANG_SMS = {
    "BACKEND": env.string("YIWANG_SMS_BACKEND", "console"),
    "URL": env.string("YIWANG_SMS_URL", ""),
    "TOKEN": env.string("YIWANG_SMS_TOKEN", ""),
    "SIGN": env.string("YIWANG_SMS_SIGN", "一网通办"),
    "TIMEOUT": env.integer("YIWANG_SMS_TIMEOUT", 5),
}

# 电子监察 (casefiles/supervision/clocks.py DEFAULT_SETTINGS): alerts by SMS as well as in the
# message centre and by email; the daily digest (每日汇总) from this hour, local time.
YIWANG_SUPERVISION = {
    "SMS_ALERTS": env.boolean("YIWANG_SUPERVISION_SMS_ALERTS", False),
    "DIGEST_HOUR": env.integer("YIWANG_SUPERVISION_DIGEST_HOUR", 8),
}

# --- Language and time -------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# The project's catalogue (made by makemessages), then the words the packages' own zh_Hans
# catalogues lack (written by hand, never one they translate: docs/translations.md).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale" / "packages"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
WAGTAIL_CONTENT_LANGUAGES = [("zh-hans", "简体中文")]
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

# --- Files -------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", VAR_DIR / "static")
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
# Request bodies (config/guard.py): anything but uploaded files larger than this answers 413
# (Django's default, named), JSON nested deeper than this 400, before any parser recurses.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
YIWANG_JSON_MAX_DEPTH = 64
YIWANG_MAX_URL_LENGTH = 4096  # path and query, as gunicorn's request line; longer answers 414

# --- Email -------------------------------------------------------------------------------
EMAIL_HOST = env.string("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env.integer("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env.string("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env.string("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env.boolean("EMAIL_USE_TLS", True)
    EMAIL_USE_SSL = env.boolean("EMAIL_USE_SSL", False)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env.string("DEFAULT_FROM_EMAIL", "一网通办 <noreply@yiwang.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Wagtail -----------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "一网通办"
# Wagtail reads a plain string: SITE_URL, else the default (its pages in a request use the request's host).
WAGTAILADMIN_BASE_URL = SITE_URL.rstrip("/") or siteurl.DEFAULT
WAGTAIL_I18N_ENABLED = False
# The admin would fetch releases.wagtail.org: a government network need not call out (and the CSP forbids it).
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILDOCS_EXTENSIONS = ["pdf", "ofd", "doc", "docx", "xls", "xlsx", "wps", "jpg", "jpeg", "png"]

# --- API ---------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # The case files' refusals (casefiles.errors) answered with their status, in one place.
    "EXCEPTION_HANDLER": "casefiles.api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Yiwang API",
    "DESCRIPTION": "一网通办: case files, materials, notices, licenses and search.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "PREPROCESSING_HOOKS": ["config.api.only_public_api"],
    # The docs page loads Swagger UI from our static files (drf-spectacular-sidecar), no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Two choice sets are called "kind" (an applicant's, an agent's): each gets its own name.
    "ENUM_NAME_OVERRIDES": {"AgentKindEnum": "casefiles.access.models.Authorisation.Kind",
                            "ChannelEnum": "casefiles.cases.models.Channel",  # a case's, and a review's below
                            "EvaluationChannelEnum": "casefiles.evaluations.models.Channel",
                            "EvaluationLevelEnum": "casefiles.evaluations.models.Level",
                            "EvaluationReasonEnum": "casefiles.evaluations.models.Reason",
                            "StatusEnum": "casefiles.cases.models.Status",  # a case's, beside a benefit's below
                            "StateEnum": "casefiles.access.models.Authorisation.State",  # beside a condition's
                            "SourceEnum": ["profile", "license", "earlier"],  # a pre-filled value's, beside a fact's
                            # 惠企政策 (casefiles/api/policies.py)
                            "BenefitStatusEnum": "casefiles.policies.models.Benefit.Status",
                            "PolicyCategoryEnum": "cms.models.PolicyPage.Category",
                            "PolicyStateEnum": "casefiles.api.policies.STATES",
                            "PolicyConditionKindEnum": "cms.models.PolicyCondition.Kind",
                            "PolicyConditionCheckEnum": "cms.models.PolicyCondition.Check",
                            "FactNameEnum": "casefiles.api.policies.FACTS",
                            "FactSourceEnum": "casefiles.api.policies.FACT_SOURCES"},
}

# --- Content-Security-Policy (config/csp.py) ---------------------------------------------
from csp.constants import NONCE, NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],  # no inline script, no eval: an injected script does not run
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],  # Wagtail's preview frames our own pages
    }
}

# --- Yiwang ------------------------------------------------------------------------------
YIWANG_THEMES = {"default": _("Standard"), "elder": _("Elder-friendly (large type, high contrast)")}
YIWANG_DEFAULT_THEME = env.string("YIWANG_DEFAULT_THEME", "default")
# The secrets of the case and license journals and of the signing keys, each its own
# (docs/operations.md, "Secrets and their rotation"); development generates them into var/,
# production requires them. The journal key seals; retired keys (newest first) still verify
# what they sealed. YIWANG_JOURNAL_LEGACY_KEY: the key (hex) that sealed events written before
# journal keys had ids, pinned by `manage.py audit legacy-key`. YIWANG_KEY_PASSWORD_OLD: set
# only for the run of `manage.py license_keys reencrypt`.
YIWANG_JOURNAL_KEY = env.string("YIWANG_JOURNAL_KEY")
YIWANG_JOURNAL_RETIRED_KEYS = env.listing("YIWANG_JOURNAL_RETIRED_KEYS")
YIWANG_JOURNAL_LEGACY_KEY = env.string("YIWANG_JOURNAL_LEGACY_KEY")
YIWANG_KEY_PASSWORD = env.string("YIWANG_KEY_PASSWORD")
YIWANG_KEY_PASSWORD_OLD = env.string("YIWANG_KEY_PASSWORD_OLD")
# The key of the tokens that stand for identity numbers in the search index (casefiles.access.disclosure):
# changing it means `manage.py search_index rebuild`.
YIWANG_SEARCH_KEY = env.string("YIWANG_SEARCH_KEY")
# The keys that encrypt identity numbers and mobile numbers at rest and key their look-up digests
# (casefiles.directory.protected, docs/personal-data.md), comma-separated: the first encrypts,
# every one decrypts; after adding a new one first, `manage.py personal_data rekey`.
YIWANG_PII_KEYS = env.listing("YIWANG_PII_KEYS")
# Reverse proxies in front of the site (config/clients.py): 0 reads only REMOTE_ADDR;
# n > 0 takes the client address from X-Forwarded-For, n entries from the right.
YIWANG_TRUSTED_PROXIES = env.integer("YIWANG_TRUSTED_PROXIES", 0)
# Look-ups per client address (config/ratelimit.py): (requests, seconds), one count for the
# page and the API of each. Progress look-ups take a number and a code that could otherwise
# be guessed in bulk.
YIWANG_RATE_LIMITS = {"progress": (10, 60), "license-verify": (30, 60), "policy-calculator": (30, 60)}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.string("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # One line per task at INFO would drown the log: every page save enqueues some.
        "django_tasks": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
    },
}

STATICFILES_DIRS = [
    BASE_DIR / "themes" / name / "static" for name in YIWANG_THEMES if (BASE_DIR / "themes" / name / "static").is_dir()
]

# The CJK font embedded in every PDF (Debian: fonts-wqy-microhei, installed by `make setup`).
YIWANG_CJK_FONT = env.string("YIWANG_CJK_FONT", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")

# Deadlines (casefiles/deadlines/working_days.py, docs/deadlines.md). 电子监察 lights: a case turns yellow
# once at most max(YELLOW_WORKING_DAYS, ceil(YELLOW_SHARE_OF_LIMIT × its promised limit))
# working days remain before the promised date, or that date has passed; red after the
# statutory date.
YIWANG_DEADLINES = {"YELLOW_WORKING_DAYS": 2, "YELLOW_SHARE_OF_LIMIT": 0.2}

# Bundles (一件事, casefiles/bundles/applications.py, docs/casefiles.md): whether the departments
# of a parallel approval see one another's opinions (comments, reasons) in the bundle's
# combined view. Off: each sees the others' progress only.
YIWANG_BUNDLE_OPINIONS_SHARED = env.boolean("YIWANG_BUNDLE_OPINIONS_SHARED", False)
# 一照通行: the item every new business applies for with its permits (企业设立登记).
YIWANG_BUSINESS_REGISTRATION_ITEM = env.string("YIWANG_BUSINESS_REGISTRATION_ITEM", "11440400MB2C9136XA0101000101000")
