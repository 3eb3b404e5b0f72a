"""The test suite: development settings, fast password hashing, files in a temporary folder."""

import tempfile
from pathlib import Path

from .development import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="yiwang-test-media-"))
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
