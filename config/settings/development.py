"""The embedded default: one machine, nothing to install but packages."""

from config import env

from .base import *  # noqa: F403
from .base import VAR_DIR

DEBUG = env.boolean("DEBUG", True)
SECRET_KEY = env.string("SECRET_KEY") or env.development_secret_key(VAR_DIR)
ALLOWED_HOSTS = env.listing("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver", "[::1]"])

STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405  (WhiteNoise wants it to exist)
