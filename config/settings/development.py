"""The embedded default: one machine, nothing to install but packages."""

from config import env
from config.settings.base import *  # noqa: F403
from config.settings.base import VAR_DIR, YIWANG_JOURNAL_KEY, YIWANG_KEY_PASSWORD, YIWANG_PII_KEYS, YIWANG_SEARCH_KEY

DEBUG = env.boolean("DEBUG", True)
SECRET_KEY = env.string("SECRET_KEY") or env.development_secret_key(VAR_DIR)
YIWANG_JOURNAL_KEY = YIWANG_JOURNAL_KEY or env.development_secret_key(VAR_DIR, "journal_key")
YIWANG_KEY_PASSWORD = YIWANG_KEY_PASSWORD or env.development_secret_key(VAR_DIR, "key_password")
YIWANG_SEARCH_KEY = YIWANG_SEARCH_KEY or env.development_secret_key(VAR_DIR, "search_key")
# DEVELOPMENT AND TESTS ONLY: a fixed, public key for the personal data encrypted at rest, so that a
# development database and the test fixtures read the same everywhere. It protects nothing — it is in
# the repository. Production refuses to start without YIWANG_PII_KEYS of its own (docs/personal-data.md).
DEVELOPMENT_PII_KEY = "development-only-personal-data-key-" + "public-not-secret-" * 2
YIWANG_PII_KEYS = YIWANG_PII_KEYS or [DEVELOPMENT_PII_KEY]
ALLOWED_HOSTS = env.listing("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver", "[::1]"])

STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405  (WhiteNoise wants it to exist)
