"""The claims the provider hands out: each citizen's name, resident identity number, mobile number
and assurance level, as the province's platform would (``id_card``: its name for the number)."""

import json

from django.conf import settings
from oauth2_provider.oauth2_validators import OAuth2Validator


def citizens() -> dict:
    """The citizens the test started the provider with, by user name."""
    config = json.loads((settings.FOLDER / "config.json").read_text(encoding="utf-8"))
    return {citizen["username"]: citizen for citizen in config["citizens"]}


class CitizenValidator(OAuth2Validator):
    # A claim not named here would never be sent; the identity number goes with the profile.
    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, "id_card": "profile", "acr": "openid"}

    def get_additional_claims(self, request):
        citizen = citizens()[request.user.get_username()]
        claims = {key: citizen[key] for key in ("name", "id_card", "phone_number", "acr") if citizen.get(key)}
        if "phone_number" in claims:
            claims["phone_number_verified"] = True
        return claims
