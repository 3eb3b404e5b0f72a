"""Settings are chosen by the environment; each case runs in a fresh interpreter."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "k3y-" + "x7Qp9vLm2Zr8Wt5Ys1Bn4Hc6Jd0Fg3Ke" * 2
JOURNAL_KEY = "j0urnal-" + "Rf2Vn8Kc5Lq1Xw7Tz4Hb9Md3Jy6Gs0Pe" * 2
KEY_PASSWORD = "passw0rd-" + "Tb6Qm1Zx8Wr3Lk5Nc9Hv2Js7Dy4Gf0Pa" * 2
SEARCH_KEY = "s3arch-" + "Wm4Hq9Lb2Xt7Rc5Kz1Nv8Jd3Fy6Gp0Se" * 2
PII_KEY = "p11-" + "Hx5Wq2Lm9Zt4Rc7Kb1Nv6Jd8Fy3Gp0Sa" * 2
OLD_PII_KEY = "0ld-p11-" + "Tq3Lw8Nb1Xm6Hz4Kr9Pc2Jv7Dy5Gs0Fe" * 2
SECRETS = {"SECRET_KEY": STRONG_KEY, "YIWANG_JOURNAL_KEY": JOURNAL_KEY, "YIWANG_KEY_PASSWORD": KEY_PASSWORD,
           "YIWANG_SEARCH_KEY": SEARCH_KEY, "YIWANG_PII_KEYS": f"{PII_KEY},{OLD_PII_KEY}",
           "YIWANG_SMS_URL": "https://sms.example.gov.cn/api/send"}

PROBE = """
import json, django
from django.conf import settings
django.setup()
from django_tasks import task_backends
from search.backends import get_backend
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "name": str(settings.DATABASES["default"]["NAME"]),
    "cache": settings.CACHES["default"]["BACKEND"],
    "tasks": type(task_backends["default"]).__name__,
    "search": get_backend().name,
    "debug": settings.DEBUG,
    "language": settings.LANGUAGE_CODE,
    "time_zone": settings.TIME_ZONE,
    "media_root": str(settings.MEDIA_ROOT),
    "email": settings.EMAIL_BACKEND,
}))
"""


def run(code, module="config.settings.development", **env_vars):
    env = {k: v for k, v in os.environ.items() if k not in {
        "DATABASE_URL", "REDIS_URL", "ELASTICSEARCH_URL", "SECRET_KEY", "ALLOWED_HOSTS", "MEDIA_ROOT", "EMAIL_HOST",
        "SECRET_KEY_FALLBACKS", "YIWANG_JOURNAL_KEY", "YIWANG_JOURNAL_RETIRED_KEYS", "YIWANG_JOURNAL_LEGACY_KEY",
        "YIWANG_KEY_PASSWORD", "YIWANG_KEY_PASSWORD_OLD", "YIWANG_SEARCH_KEY", "YIWANG_PII_KEYS", "YIWANG_SMS_BACKEND",
        "YIWANG_SMS_URL",
        "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by the browser tests' conftest for Playwright, never in production
    }}
    env.update(DJANGO_SETTINGS_MODULE=module, **env_vars)
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def probe(**env_vars):
    result = run(PROBE, **env_vars)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_embedded_defaults(tmp_path):
    found = probe(YIWANG_VAR_DIR=str(tmp_path))
    assert found["engine"] == "django.db.backends.sqlite3"
    assert found["name"] == str(tmp_path / "yiwang.sqlite3")
    assert found["cache"].endswith("LocMemCache")
    assert found["tasks"] == "ImmediateBackend"
    assert found["search"] == "database"
    assert found["language"] == "zh-hans"
    assert found["time_zone"] == "Asia/Shanghai"
    assert found["media_root"] == str(tmp_path / "media")
    assert found["email"].endswith("console.EmailBackend")
    # The development secrets are generated once into var/, each its own, and reused.
    keys = {name: (tmp_path / name).read_text() for name in ("secret_key", "journal_key", "key_password")}
    assert all(len(key) >= 50 for key in keys.values()) and len(set(keys.values())) == 3
    probe(YIWANG_VAR_DIR=str(tmp_path))
    assert {name: (tmp_path / name).read_text() for name in keys} == keys


def test_external_services_switch_on_by_environment(tmp_path):
    found = probe(
        YIWANG_VAR_DIR=str(tmp_path),
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/test",
        REDIS_URL="redis://127.0.0.1:6379/3",
        ELASTICSEARCH_URL="http://127.0.0.1:9200",
        MEDIA_ROOT=str(tmp_path / "files"),
        EMAIL_HOST="smtp.example.org",
    )
    assert found["engine"] == "django.db.backends.postgresql"
    assert found["name"] == "test"
    assert found["cache"] == "config.cache.DegradingRedisCache"  # Redis, degrading when it is away
    assert found["tasks"] == "DegradingRQBackend"
    assert found["search"] == "elasticsearch"
    assert found["media_root"] == str(tmp_path / "files")
    assert found["email"].endswith("smtp.EmailBackend")


@pytest.mark.parametrize(
    "env_vars, complaint",
    [
        ({"ALLOWED_HOSTS": "yiwang.example.gov.cn"}, "SECRET_KEY must be set"),
        ({"ALLOWED_HOSTS": "yiwang.example.gov.cn", "SECRET_KEY": "short"}, "too weak"),
        ({"ALLOWED_HOSTS": "yiwang.example.gov.cn", "SECRET_KEY": "django-insecure-" + "a1b2c3d4e5" * 6}, "too weak"),
        ({**SECRETS}, "ALLOWED_HOSTS"),
        ({**SECRETS, "ALLOWED_HOSTS": "*"}, "ALLOWED_HOSTS"),
        # The journal key and the keys' password are secrets of their own, required and strong.
        ({**SECRETS, "ALLOWED_HOSTS": "yiwang.example.gov.cn", "YIWANG_JOURNAL_KEY": ""}, "YIWANG_JOURNAL_KEY must be set"),
        ({**SECRETS, "ALLOWED_HOSTS": "yiwang.example.gov.cn", "YIWANG_JOURNAL_KEY": "journal"}, "YIWANG_JOURNAL_KEY is too weak"),
        ({**SECRETS, "ALLOWED_HOSTS": "yiwang.example.gov.cn", "YIWANG_KEY_PASSWORD": ""}, "YIWANG_KEY_PASSWORD must be set"),
        ({**SECRETS, "ALLOWED_HOSTS": "yiwang.example.gov.cn", "YIWANG_KEY_PASSWORD": "a" * 60}, "YIWANG_KEY_PASSWORD is too weak"),
        ({**SECRETS, "ALLOWED_HOSTS": "yiwang.example.gov.cn", "YIWANG_JOURNAL_KEY": STRONG_KEY}, "different secrets"),
        ({**SECRETS, "ALLOWED_HOSTS": "yiwang.example.gov.cn", "YIWANG_KEY_PASSWORD": JOURNAL_KEY}, "different secrets"),
        ({**SECRETS, "ALLOWED_HOSTS": "yiwang.example.gov.cn", "SECRET_KEY_FALLBACKS": JOURNAL_KEY}, "different secrets"),
        ({**SECRETS, "ALLOWED_HOSTS": "yiwang.example.gov.cn", "YIWANG_SEARCH_KEY": ""}, "YIWANG_SEARCH_KEY must be set"),
        ({**SECRETS, "ALLOWED_HOSTS": "yiwang.example.gov.cn", "YIWANG_SEARCH_KEY": STRONG_KEY}, "different secrets"),
        # The personal data's keys: required, strong, their own, never the development key.
        ({**SECRETS, "ALLOWED_HOSTS": "yiwang.example.gov.cn", "YIWANG_PII_KEYS": ""}, "YIWANG_PII_KEYS must be set"),
        ({**SECRETS, "ALLOWED_HOSTS": "yiwang.example.gov.cn", "YIWANG_PII_KEYS": f"{PII_KEY},short"},
         "YIWANG_PII_KEYS is too weak"),
        ({**SECRETS, "ALLOWED_HOSTS": "yiwang.example.gov.cn", "YIWANG_PII_KEYS": f"{PII_KEY},{PII_KEY}"}, "same key twice"),
        ({**SECRETS, "ALLOWED_HOSTS": "yiwang.example.gov.cn", "YIWANG_PII_KEYS": STRONG_KEY}, "different secrets"),
        ({**SECRETS, "ALLOWED_HOSTS": "yiwang.example.gov.cn",
          "YIWANG_PII_KEYS": "development-only-personal-data-key-" + "public-not-secret-" * 2}, "development key"),
        # Codes go to real phones, never to the log.
        ({**SECRETS, "ALLOWED_HOSTS": "yiwang.example.gov.cn", "YIWANG_SMS_URL": ""}, "YIWANG_SMS_URL"),
        ({**SECRETS, "ALLOWED_HOSTS": "yiwang.example.gov.cn", "YIWANG_SMS_BACKEND": "console"}, "YIWANG_SMS_URL"),
    ],
)
def test_production_refuses_insecure_defaults(tmp_path, env_vars, complaint):
    result = run("import django; django.setup()", "config.settings.production", YIWANG_VAR_DIR=str(tmp_path), **env_vars)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and complaint in result.stderr


def test_production_passes_deploy_checks(tmp_path):
    result = run(
        "import sys; from django.core.management import execute_from_command_line as run;"
        " run(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])",
        "config.settings.production",
        YIWANG_VAR_DIR=str(tmp_path),
        ALLOWED_HOSTS="yiwang.example.gov.cn",
        **SECRETS,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_a_bad_boolean_is_a_clear_error(tmp_path):
    result = run("import django; django.setup()", YIWANG_VAR_DIR=str(tmp_path), DEBUG="perhaps")
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr
