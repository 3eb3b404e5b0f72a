"""The test suite: development settings, fast password hashing, files in a temporary folder."""

import tempfile
from pathlib import Path

from config.settings.development import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="yiwang-test-media-"))
# Per process, so that parallel test workers (pytest -n) never bump each other's page cache.
YIWANG_PAGE_CACHE_STAMP = Path(tempfile.mkdtemp(prefix="yiwang-test-var-")) / "page-cache.version"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Fixed, so that a test's journals and keys never depend on the machine's var/.
YIWANG_JOURNAL_KEY = "test-journal-key-" + "Qe4Mv8Zk1Xr6Wb3Nt9Lc5Hy2Jp7Ds0Fa" * 2
YIWANG_JOURNAL_RETIRED_KEYS = []
YIWANG_JOURNAL_LEGACY_KEY = None
YIWANG_KEY_PASSWORD = "test-key-password-" + "Ua2Ko7Si4Ep9Gr1Tw6Yb3Cn8Vm5Lh0Dz" * 2
YIWANG_KEY_PASSWORD_OLD = None
YIWANG_SEARCH_KEY = "test-search-key-" + "Rb5Lw2Nq8Xe3Hs7Ku1Pz6Cv4Jm9Dt0Gy" * 2
YIWANG_SMS = {**YIWANG_SMS, "BACKEND": "locmem"}  # noqa: F405 (tests read casefiles.accounts.sms.outbox)
YIWANG_PII_KEYS = [DEVELOPMENT_PII_KEY]  # noqa: F405  (the development key: public, fixed)
