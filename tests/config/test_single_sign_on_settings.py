"""Single sign-on is configured by YIWANG_OIDC_*: unset, no provider and no button."""

import json
import os

import pytest

from tests.config.test_settings import SECRETS, run

PROBE = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps(settings.SOCIALACCOUNT_PROVIDERS))
"""


@pytest.fixture(autouse=True)
def _no_oidc_in_the_environment(monkeypatch):
    for name in [name for name in os.environ if name.startswith("YIWANG_OIDC_")]:
        monkeypatch.delenv(name)


def providers(**env_vars):
    result = run(PROBE, **env_vars)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_without_an_issuer_there_is_no_provider(tmp_path):
    assert providers(YIWANG_VAR_DIR=str(tmp_path)) == {}


def test_the_issuer_client_and_secret_configure_the_provincial_identity(tmp_path):
    found = providers(YIWANG_VAR_DIR=str(tmp_path), YIWANG_OIDC_ISSUER="https://id.gd.gov.cn/oidc/",
                      YIWANG_OIDC_CLIENT_ID="yiwang-zhuhai", YIWANG_OIDC_CLIENT_SECRET="s3cret",
                      YIWANG_OIDC_ACR_VALUES="L3,L4")
    [app] = found["openid_connect"]["APPS"]
    assert (app["provider_id"], app["name"], app["client_id"], app["secret"]) == (
        "province", "省统一身份认证", "yiwang-zhuhai", "s3cret")
    assert app["settings"] == {
        "server_url": "https://id.gd.gov.cn/oidc", "oauth_pkce_enabled": True, "token_auth_method": "client_secret_basic",
        "scope": ["openid", "profile", "phone"], "id_number_claim": "id_card", "acr_values": ["L3", "L4"],
    }


def test_an_issuer_without_its_client_is_refused_at_start(tmp_path):
    result = run(PROBE, YIWANG_VAR_DIR=str(tmp_path), YIWANG_OIDC_ISSUER="https://id.gd.gov.cn/oidc")
    assert result.returncode != 0
    assert "YIWANG_OIDC_CLIENT_ID must be set" in result.stderr


def test_production_reaches_the_provider_over_https_only(tmp_path):
    result = run("import django; django.setup()", "config.settings.production", YIWANG_VAR_DIR=str(tmp_path),
                 ALLOWED_HOSTS="zwfw.example.gov.cn", YIWANG_OIDC_ISSUER="http://id.gd.gov.cn/oidc",
                 YIWANG_OIDC_CLIENT_ID="yiwang-zhuhai", YIWANG_OIDC_CLIENT_SECRET="s3cret", **SECRETS)
    assert result.returncode != 0
    assert "YIWANG_OIDC_ISSUER must be an https:// URL in production" in result.stderr
