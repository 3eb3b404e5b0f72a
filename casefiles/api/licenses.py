"""/api/v1/licenses/: verification of an electronic license, for anyone, rate limited.

The answer is ``Verification.public()`` — the fields anyone may see, a person's name and
identity number masked — for every outcome: valid, suspended, revoked, expired, superseded,
not_found, tampered. The public keys to check a QR payload offline are at /licenses/keys.json.
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework import status as http
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from casefiles.api.serializers import ErrorSerializer
from casefiles.api.throttles import LicenseVerifyThrottle
from casefiles.api.views import CaseFileAPIView, error_response
from casefiles.licenses import lifecycle

OUTCOMES = ("valid", "suspended", "revoked", "expired", "superseded", "not_found", "tampered")


class VerificationSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=[(o, o) for o in OUTCOMES], help_text="What the verification found.")
    message = serializers.CharField(help_text="The outcome in words, in the request's language.")
    identifier = serializers.CharField(required=False, help_text="GB/T 36904 license identifier (absent for not_found and tampered).")
    number = serializers.CharField(required=False, help_text="Certificate number.")
    type = serializers.CharField(required=False, help_text="License type's name.")
    holder = serializers.CharField(required=False, help_text="Holder's name; a person's is masked (张伟 → 张*).")
    holder_code = serializers.CharField(required=False, help_text="USCC, or a person's identity number masked.")
    issuer = serializers.CharField(required=False)
    issued = serializers.DateField(required=False)
    valid_until = serializers.DateField(required=False, allow_null=True, help_text="null: long-term (长期).")
    version = serializers.IntegerField(required=False)
    status = serializers.CharField(required=False, help_text="Stored status: valid, suspended, revoked, expired, superseded.")


class LicenseVerifyView(CaseFileAPIView):
    permission_classes = [AllowAny]
    authentication_classes = []  # anonymous by design: a stale token must not turn it into a 401
    throttle_classes = [LicenseVerifyThrottle]

    @extend_schema(
        tags=["licenses"], operation_id="license_verify", auth=[],
        summary="Verify an electronic license (电子证照核验)",
        description=(
            "Give either the holder's code (`holder_code`: USCC or identity number, as typed on the verify page) "
            "or the payload of the certificate's QR code (`p`: `<b64url summary>.<b64url Ed25519 signature>.<key id>`). "
            "The answer says whether the license is valid, suspended, revoked, expired or superseded, or that no "
            "license matches (`not_found`) or the payload's signature does not (`tampered`); it carries only the "
            "public fields. A payload for another identifier than the one in the path answers `not_found`. "
            "The public keys for checking a payload offline are at `/licenses/keys.json`. "
            "Rate limited per client address (429 with Retry-After)."
        ),
        parameters=[
            OpenApiParameter("identifier", str, OpenApiParameter.PATH, description="The license identifier (1.2.156.3005.2.…)."),
            OpenApiParameter("holder_code", str, required=False, description="The holder's USCC or identity number."),
            OpenApiParameter("p", str, required=False, description="The QR code's payload."),
        ],
        responses={
            200: VerificationSerializer,
            400: OpenApiResponse(ErrorSerializer, description="Neither holder_code nor p was given."),
            429: OpenApiResponse(description="Too many verifications: try again later."),
        },
        examples=[
            OpenApiExample("Valid", response_only=True, value={
                "outcome": "valid", "message": "证照有效。",
                "identifier": "1.2.156.3005.2.11100000000013338W025.11440400MB2C9136XA.20250000001.001.7",
                "number": "JY4404002025000001", "type": "食品经营许可证", "holder": "珠海海湾餐饮管理有限公司",
                "holder_code": "91440400MA55L8QJ2K", "issuer": "珠海市市场监督管理局", "issued": "2025-03-14",
                "valid_until": "2030-03-13", "version": 1, "status": "valid"}),
            OpenApiExample("Tampered", response_only=True, value={"outcome": "tampered", "message": "…"}),
        ],
    )
    def get(self, request, identifier):
        payload = request.query_params.get("p", "")
        holder_code = request.query_params.get("holder_code", "")
        if payload:
            verification = lifecycle.verify_payload(payload[:2000])
            if verification.license is not None and verification.license.identifier != str(identifier).strip().upper():
                verification = lifecycle.Verification("not_found", None, lifecycle.OUTCOME_MESSAGES["not_found"])
        elif holder_code:
            verification = lifecycle.verify(identifier, holder_code)
        else:
            return error_response(http.HTTP_400_BAD_REQUEST, "refused", [
                _("Give the holder's code (holder_code) or the QR code's payload (p).")])
        response = Response(verification.public())
        response["Cache-Control"] = "no-store"
        return response
