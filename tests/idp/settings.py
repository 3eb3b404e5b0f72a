"""The test provider's own Django project: its database and key in the folder it is started in.

Nothing here is Yiwang's: this project stands for the province's identity platform, which
Yiwang reaches only over HTTP, as it would in production.
"""

import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

FOLDER = Path(os.environ["YIWANG_TEST_IDP_FOLDER"])
HERE = Path(__file__).resolve().parent


def _signing_key() -> str:
    """An RSA key of its own, made at start: the ID tokens are signed (RS256) with it."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


SECRET_KEY = "test-idp-not-a-secret-" + "Vx3Jq8Lm1Rb6Tz4Nk9Pw2Hc7Gd5Fs0Ay"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "tests.idp.urls"
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oauth2_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [HERE / "templates"],
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
}]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": FOLDER / "idp.sqlite3"}}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
USE_TZ = True
LANGUAGE_CODE = "en-us"
STATIC_URL = "/static/"
LOGIN_URL = "/login/"
# Cookies of their own name: the provider and Yiwang both run on this machine, and a browser
# keeps one cookie jar per host name whatever the port.
SESSION_COOKIE_NAME = "idp_session"
CSRF_COOKIE_NAME = "idp_csrftoken"

OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": _signing_key(),
    "PKCE_REQUIRED": True,
    "OAUTH2_VALIDATOR_CLASS": "tests.idp.validators.CitizenValidator",
    "SCOPES": {
        "openid": "OpenID Connect",
        "profile": "Name and resident identity number",
        "phone": "Mobile number",
    },
    "DEFAULT_SCOPES": ["openid"],
}
