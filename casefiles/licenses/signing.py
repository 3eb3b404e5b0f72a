"""Signing licenses so that anyone can check them without trusting the holder.

A ``Signer`` turns canonical bytes into a signature and checks one against a public key.
Ed25519 (through ``cryptography``) is the one shipped; Chinese e-license practice uses
SM2 with SM3, which fits the same interface (a class with ``algorithm``, ``generate``,
``sign`` and ``verify``) once a maintained SM2 library is chosen.

Private keys live in the database encrypted (PKCS#8, scrypt-based ``BestAvailableEncryption``)
with ``YIWANG_KEY_PASSWORD`` — a secret of its own, not derived from SECRET_KEY; public keys
are published at ``/licenses/keys.json``. Rotation (``manage.py license_keys rotate DEPT``)
retires a department's key: old licenses keep verifying with it, new ones are signed with the
new key. Changing the password (``manage.py license_keys reencrypt``) re-encrypts every
private key in one transaction; signatures are untouched.
"""

import base64
import hashlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from casefiles.licenses.models import SigningKey


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class KeyLocked(ImproperlyConfigured):
    """A private key does not open with the configured password."""


def _password() -> bytes:
    configured = getattr(settings, "YIWANG_KEY_PASSWORD", None)
    if not configured:
        raise ImproperlyConfigured("YIWANG_KEY_PASSWORD is not set: the signing keys cannot be opened (docs/operations.md)")
    return configured.encode()


def legacy_passwords() -> list[bytes]:
    """The password the keys had before it was a setting of its own: one per configured SECRET_KEY."""
    return [f"yiwang-keys:{secret}".encode() for secret in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]]


def _load(private_pem: str, password: bytes):
    try:
        return serialization.load_pem_private_key(private_pem.encode(), password=password)
    except (ValueError, TypeError):
        return None


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
        private = _load(private_pem, _password())
        if private is None:
            raise KeyLocked("A signing key does not open with YIWANG_KEY_PASSWORD: re-encrypt the keys "
                            "(manage.py license_keys reencrypt, docs/operations.md)")
        return private.sign(message)

    def reencrypt(self, private_pem: str, old: list[bytes], new: bytes) -> str | None:
        """The private key encrypted with ``new`` instead of whichever of ``old`` opens it; None if none does."""
        private = next((key for password in old if (key := _load(private_pem, password)) is not None), None)
        if private is None:
            return None
        return private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.BestAvailableEncryption(new)
        ).decode()

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
    SigningKey.objects.select_for_update().filter(department=department, retired_at__isnull=True).update(retired_at=timezone.now())
    public, pem = signer_for(algorithm).generate()
    return SigningKey.objects.create(
        key_id=key_id_of(public), department=department, algorithm=algorithm, public_key=b64url(public), private_key=pem
    )


@dataclass(frozen=True)
class Reencrypted:
    changed: list[str]  # key ids now encrypted with the new password
    already: list[str]  # key ids that opened with it before


@transaction.atomic
def reencrypt(old_passwords: list[bytes]) -> Reencrypted:
    """Re-encrypt every private key from one of ``old_passwords`` to ``YIWANG_KEY_PASSWORD``, in one
    transaction: every key is changed, or none (a key that opens with neither raises KeyLocked).
    Run again, it finds every key already done."""
    new = _password()
    changed, already = [], []
    for key in SigningKey.objects.select_for_update().order_by("pk"):
        signer = signer_for(key.algorithm)
        if _load(key.private_key, new) is not None:
            already.append(key.key_id)
            continue
        pem = signer.reencrypt(key.private_key, old_passwords, new)
        if pem is None:
            raise KeyLocked(f"The private key {key.key_id} opens with neither the old password nor YIWANG_KEY_PASSWORD: nothing changed")
        SigningKey.objects.filter(pk=key.pk).update(private_key=pem)
        changed.append(key.key_id)
    return Reencrypted(changed, already)


def active_key(department):
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
