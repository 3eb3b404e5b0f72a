"""Signing licenses so that anyone can check them without trusting the holder.

A ``Signer`` turns canonical bytes into a signature and checks one against a public key.
Ed25519 (through ``cryptography``) is the one shipped; Chinese e-license practice uses
SM2 with SM3, which fits the same interface (a class with ``algorithm``, ``generate``,
``sign`` and ``verify``) once a maintained SM2 library is chosen.

Private keys live in the database encrypted (PKCS#8, scrypt-based ``BestAvailableEncryption``)
with ``YIWANG_KEY_PASSWORD``; public keys are published at ``/licenses/keys.json``. Rotation
(``manage.py license_keys rotate DEPT``) retires a department's key: old licenses keep
verifying with it, new ones are signed with the new key.
"""

import base64
import hashlib

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.db import transaction
from django.utils import timezone


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _password() -> bytes:
    configured = getattr(settings, "YIWANG_KEY_PASSWORD", None)
    return (configured or f"yiwang-keys:{settings.SECRET_KEY}").encode()


class Ed25519Signer:
    algorithm = "Ed25519"

    def generate(self) -> tuple[bytes, str]:
        """A new key pair: (raw public key, encrypted PKCS#8 PEM of the private key)."""
        private = Ed25519PrivateKey.generate()
        public = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        pem = private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(_password()),
        ).decode()
        return public, pem

    def sign(self, private_pem: str, message: bytes) -> bytes:
        private = serialization.load_pem_private_key(private_pem.encode(), password=_password())
        return private.sign(message)

    def verify(self, public_raw: bytes, message: bytes, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(public_raw).verify(signature, message)
            return True
        except (InvalidSignature, ValueError):
            return False


SIGNERS = {"Ed25519": Ed25519Signer()}


def signer_for(algorithm: str):
    return SIGNERS[algorithm]


def key_id_of(public_raw: bytes) -> str:
    return hashlib.sha256(public_raw).hexdigest()[:16]


@transaction.atomic
def rotate(department, algorithm: str = "Ed25519"):
    """Retire the department's active key (if any) and create a new one; returns the new key."""
    from .models import SigningKey

    SigningKey.objects.select_for_update().filter(department=department, retired_at__isnull=True).update(retired_at=timezone.now())
    public, pem = signer_for(algorithm).generate()
    return SigningKey.objects.create(
        key_id=key_id_of(public), department=department, algorithm=algorithm, public_key=b64url(public), private_key=pem
    )


def active_key(department):
    from .models import SigningKey

    key = SigningKey.objects.filter(department=department, retired_at__isnull=True).first()
    return key or rotate(department)


def sign(key, message: bytes) -> str:
    return b64url(signer_for(key.algorithm).sign(key.private_key, message))


def verify(key, message: bytes, signature: str) -> bool:
    try:
        raw_signature = unb64url(signature)
    except (ValueError, TypeError):
        return False
    return signer_for(key.algorithm).verify(unb64url(key.public_key), message, raw_signature)


def published_keys() -> list[dict]:
    """Every key, active or retired, as a verifier needs it (a JWKS-like list)."""
    from .models import SigningKey

    return [
        {
            "kid": key.key_id,
            "kty": "OKP",
            "crv": key.algorithm,
            "x": key.public_key,
            "issuer": key.department.name,
            "issuer_code": key.department.uscc,
            "created": key.created_at.isoformat(),
            "retired": key.retired_at.isoformat() if key.retired_at else None,
        }
        for key in SigningKey.objects.select_related("department").order_by("created_at")
    ]
