"""电子证照: identifiers, issue on approval, signatures, verification, lifecycle (reuse, 免提交: ``reuse``).

Identifier (GB/T 36904-2018): ``1.2.156.3005.2.<type code>.<issuer code>.<serial>.<version>.<check>``
— the OID arc of Chinese e-licenses, the license type code, the issuing agency's USCC, a
serial (year + 7 digits, counted per type, issuer and year), a 3-digit version, and an
ISO 7064 MOD 37,36 check character over type code + issuer code + serial + version.
A new version of a license (after a change) keeps the serial and supersedes the old one.

What is signed (docs/licenses.md): the canonical metadata — sorted-key compact JSON of the
identifier, number, type, holder, issuer, dates, version and data — with the issuing
department's key. The QR code carries the verify URL with a compact signed payload
(``<b64url summary JSON>.<b64url signature>.<key id>``), so a verifier holding the public
keys (``/licenses/keys.json``) can check a license with no call to the server; the server's
verify page and API add the live status (suspended, revoked, expired, superseded).
"""

import datetime
import json
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.iso7064 import mod_37_36

from casefiles.cases import numbers, transitions
from casefiles.cases.transitions import Step
from casefiles.directory import protected, roles
from casefiles.directory.identifiers import mask_resident_id
from casefiles.directory.models import Enterprise
from casefiles.errors import Conflict, Invalid
from casefiles.journal import records
from casefiles.licenses import signing
from casefiles.licenses.models import License, LicenseEvent, LicenseType, SigningKey

OID_PREFIX = "1.2.156.3005.2"
NUMBER_PREFIXES = {"food_business": "JY", "construction": "SG", "public_health": "WS", "generic": "ZZ"}


# --- identifiers ---------------------------------------------------------------------

def check_character(type_code: str, issuer_code: str, serial: str, version: str) -> str:
    return mod_37_36.calc_check_digit((type_code + issuer_code + serial + version).upper())


def make_identifier(type_code: str, issuer_code: str, serial: str, version: int) -> str:
    version_text = f"{version:03d}"
    check = check_character(type_code, issuer_code, serial, version_text)
    return ".".join([OID_PREFIX, type_code, issuer_code, serial, version_text, check])


@dataclass(frozen=True)
class ParsedIdentifier:
    type_code: str
    issuer_code: str
    serial: str
    version: int
    check: str


def parse_identifier(identifier: str) -> ParsedIdentifier:
    """Split and check an identifier; raises ``Invalid`` saying what is wrong."""
    text = str(identifier or "").strip().upper()
    if not text.startswith(OID_PREFIX + "."):
        raise Invalid(_("An electronic license identifier starts with 1.2.156.3005.2."))
    parts = text[len(OID_PREFIX) + 1 :].split(".")
    if len(parts) != 5 or not all(parts):
        raise Invalid(_("An identifier has five parts after the prefix: type, issuer, serial, version and check."))
    type_code, issuer_code, serial, version, check = parts
    if not (version.isdigit() and len(version) == 3):
        raise Invalid(_("The version is three digits."))
    if any(not ch.isalnum() or not ch.isascii() for ch in type_code + issuer_code + serial + check) or len(check) != 1:
        raise Invalid(_("The identifier contains characters that do not belong in it."))
    if check != check_character(type_code, issuer_code, serial, version):
        raise Invalid(_("The check character does not match: the identifier has been mistyped."))
    return ParsedIdentifier(type_code, issuer_code, serial, int(version), check)


# --- what is signed --------------------------------------------------------------------

def canonical(license: License) -> bytes:
    fields = {
        "id": license.identifier,
        "no": license.number,
        "type": license.license_type.code,
        "type_name": license.license_type.name,
        "holder": license.holder_name,
        "holder_code": license.holder_code,
        "holder_code_type": license.holder_code_type,
        "issuer": license.issuer_name,
        "issuer_code": license.issuer_code,
        "issued": license.issue_date.isoformat(),
        "valid_from": license.valid_from.isoformat(),
        "valid_until": license.valid_until.isoformat() if license.valid_until else None,
        "version": license.version,
        "data": license.data,
    }
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def summary(license: License) -> bytes:
    """The compact part that travels in the QR code."""
    fields = {
        "id": license.identifier,
        "h": public_holder_name(license),
        "hc": public_holder_code(license),  # masked like the name: whoever sees the QR code can read it
        "t": license.license_type.name,
        "i": license.issuer_name,
        "d": license.issue_date.isoformat(),
        "u": license.valid_until.isoformat() if license.valid_until else "",
    }
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def qr_payload(license: License) -> str:
    message = summary(license)
    return f"{signing.b64url(message)}.{signing.sign(license.signing_key, message)}.{license.signing_key.key_id}"


def public_holder_name(license: License) -> str:
    """A person's name is masked outside their own wallet (张伟 → 张*); enterprises' are public."""
    if license.holder_code_type == License.HolderCodeType.RESIDENT_ID:
        name = license.holder_name
        return name[0] + "*" * max(1, len(name) - 1) if name else ""
    return license.holder_name


def public_holder_code(license: License) -> str:
    if license.holder_code_type == License.HolderCodeType.RESIDENT_ID:
        return mask_resident_id(license.holder_code)
    return license.holder_code


# --- issue -----------------------------------------------------------------------------

def _valid_until(license_type: LicenseType, start: datetime.date):
    if not license_type.validity_years:
        return None
    try:
        end = start.replace(year=start.year + license_type.validity_years)
    except ValueError:  # 29 February
        end = start.replace(year=start.year + license_type.validity_years, day=28)
    return end - datetime.timedelta(days=1)


@transaction.atomic
def issue(license_type: LicenseType, *, issuer, holder, data=None, source_case=None, on=None) -> License:
    """Issue a license of ``license_type`` to ``holder`` (an Enterprise or a Person).

    If the holder already has a valid license of this type from this issuer, the new one is
    its next version (same serial) and the old one is superseded.
    """
    if not issuer.uscc:
        raise Conflict(_("The issuing department has no unified social credit code to sign with."))
    on = on or timezone.localdate()
    is_enterprise = isinstance(holder, Enterprise)
    holder_code = holder.uscc if is_enterprise else holder.id_number
    previous = (
        License.objects.select_for_update()
        .filter(protected.matches("holder_code", holder_code), license_type=license_type, issuer=issuer,
                status__in=[License.Status.VALID, License.Status.SUSPENDED])
        .order_by("-version")
        .first()
    )
    if previous is not None:
        serial, version, number = previous.identifier.split(".")[-3], previous.version + 1, previous.number
    else:
        sequence = numbers.next_value(f"L:{license_type.code}:{issuer.uscc}:{on.year}")
        serial, version = f"{on.year}{sequence:07d}", 1
        if license_type.template == LicenseType.Template.BUSINESS_LICENSE and is_enterprise:
            number = holder.uscc  # a business license is numbered by the enterprise's own code
        else:
            prefix = NUMBER_PREFIXES.get(license_type.template, "")
            number = f"{prefix}{issuer.region_code[:6]}{on.year}{sequence:06d}"
    key = signing.active_key(issuer)
    license = License(
        identifier=make_identifier(license_type.code, issuer.uscc, serial, version),
        number=number,
        license_type=license_type,
        holder_name=holder.name,
        holder_code=holder_code,
        holder_code_type=License.HolderCodeType.USCC if is_enterprise else License.HolderCodeType.RESIDENT_ID,
        enterprise=holder if is_enterprise else None,
        person=None if is_enterprise else holder,
        issuer=issuer,
        issuer_name=issuer.name,
        issuer_code=issuer.uscc,
        issue_date=on,
        valid_from=on,
        valid_until=_valid_until(license_type, on),
        data={**(previous.data if previous is not None else {}), **(data or {})},  # a change keeps what it does not change
        source_case=source_case,
        version=version,
        previous=previous,
        signing_key=key,
    )
    license.signature = signing.sign(key, canonical(license))
    license.save()
    if previous is not None:
        change(previous, "supersede", reason=_("Replaced by version %(v)03d") % {"v": version})
    record_event(license, "issue", None, from_status="", to_status=license.status)
    return license


# What fills a license's data fields from its case: registered by the application forms
# (casefiles.forms.licensing), which know which form field fills which license field.
_contents = []


def register_contents(provider) -> None:
    """``provider(case, license_type, decider)`` returns the license's data fields, or refuses."""
    if provider not in _contents:
        _contents.append(provider)


def issue_for_case(case, on=None, decider=None) -> License | None:
    """Approving a case whose item produces a license issues it (the approval effect calls this)."""
    license_type = case.item.result_license_type
    if license_type is None:
        return None
    issuer = license_type.issuing_department or case.department
    data = {"item": case.item_title, "case": case.number}
    for provider in _contents:
        data.update(provider(case, license_type, decider))
    return issue(license_type, issuer=issuer, holder=case.applicant, data=data, source_case=case, on=on)


# --- verification ----------------------------------------------------------------------

@dataclass(frozen=True)
class Verification:
    outcome: str  # valid, suspended, revoked, expired, superseded, not_found, tampered
    license: License | None = None
    message: str = ""

    def public(self) -> dict:
        """Only the fields anyone may see (a person's name and number masked)."""
        body = {"outcome": self.outcome, "message": str(self.message)}
        if self.license is not None:
            lic = self.license
            body.update(
                identifier=lic.identifier,
                number=lic.number,
                type=lic.license_type.name,
                holder=public_holder_name(lic),
                holder_code=public_holder_code(lic),
                issuer=lic.issuer_name,
                issued=lic.issue_date.isoformat(),
                valid_until=lic.valid_until.isoformat() if lic.valid_until else None,
                version=lic.version,
                status=lic.status,
            )
        return body


OUTCOME_MESSAGES = {
    "valid": _("The license is valid."),
    "suspended": _("The license is suspended."),
    "revoked": _("The license has been revoked."),
    "expired": _("The license has expired."),
    "superseded": _("This version has been replaced by a newer one."),
    "not_found": _("No license matches."),
    "tampered": _("The code's signature does not match: it was not issued as shown."),
}


def _outcome(license: License, today=None) -> Verification:
    today = today or timezone.localdate()
    status = license.status
    if status == License.Status.VALID and license.valid_until and license.valid_until < today:
        status = License.Status.EXPIRED  # before the nightly task has caught up
    if not signing.verify(license.signing_key, canonical(license), license.signature):
        return Verification("tampered", None, OUTCOME_MESSAGES["tampered"])
    return Verification(status, license, OUTCOME_MESSAGES[status])


def verify(identifier: str, holder_code: str) -> Verification:
    """By identifier and the holder's code, as typed on the verify page: both must match."""
    try:
        parse_identifier(identifier)
    except Invalid:
        return Verification("not_found", None, OUTCOME_MESSAGES["not_found"])
    code = "".join(str(holder_code or "").split()).upper()
    license = (License.objects.select_related("license_type", "signing_key")
               .filter(protected.matches("holder_code", code), identifier=identifier.strip().upper()).first())
    if license is None:
        return Verification("not_found", None, OUTCOME_MESSAGES["not_found"])
    return _outcome(license)


def verify_payload(payload: str) -> Verification:
    """A scanned QR payload: the signature first (a forged code fails here), then the live status."""
    try:
        message_text, signature, key_id = str(payload).strip().split(".")
        message = signing.unb64url(message_text)
        fields = json.loads(message)
    except (ValueError, TypeError):
        return Verification("tampered", None, OUTCOME_MESSAGES["tampered"])
    key = SigningKey.objects.filter(key_id=key_id).first()
    if key is None or not signing.verify(key, message, signature):
        return Verification("tampered", None, OUTCOME_MESSAGES["tampered"])
    license = License.objects.select_related("license_type", "signing_key").filter(identifier=fields.get("id")).first()
    if license is None:
        return Verification("not_found", None, OUTCOME_MESSAGES["not_found"])
    if summary(license) != message:
        return Verification("tampered", None, OUTCOME_MESSAGES["tampered"])
    return _outcome(license)


# --- lifecycle -------------------------------------------------------------------------

def may_manage(user, license: License) -> bool:
    """The issuing department's deciders suspend, reinstate and revoke."""
    return _holds_issuers_role(user, license, "decider")


def _holds_issuers_role(user, license: License, role: str) -> bool:
    return user.is_superuser or roles.departments_where(user, role).filter(pk=license.issuer_id).exists()


def _event_content(event) -> dict:
    return {
        "actor": event.actor_id,
        "action": event.action,
        "from": event.from_status,
        "to": event.to_status,
        "reason": event.reason,
    }


# Each license's journal: sealed and checked like a case's (casefiles.journal.records).
JOURNAL = records.register(records.Journal(
    "license", LicenseEvent, "license", "identifier", _event_content,
    lambda license, key: {"action": records.CHECKPOINT, "from_status": license.status, "to_status": license.status},
))


def record_event(license, action, user, *, from_status, to_status, reason="") -> LicenseEvent:
    """Append one event to the license's journal: every license event is written here, inside
    the transaction that made the change."""
    return records.append(JOURNAL, license, action=action, from_status=from_status, to_status=to_status,
                          reason=str(reason)[:300], actor=user)


def gives_reason(taking):
    if not str(taking.params.get("reason", "")).strip():
        return _("Give the reason.")
    return None


# The lifecycle, in one table (电子证照: 有效 → 暂停 ↔ 有效, 有效/暂停 → 吊销, 有效 → 过期, 有效 → 被新版本替代):
# who may is the role in the issuing department (None: only the system — the nightly task, a new version).
LIFECYCLE = {step.name: step for step in (
    Step("suspend", _("Suspend"), (License.Status.VALID,), License.Status.SUSPENDED, "decider",
         guards=(gives_reason,), not_now=_("Only a valid license can be suspended."),
         not_permitted=_("Only the issuing department may suspend this license.")),
    Step("reinstate", _("Reinstate"), (License.Status.SUSPENDED,), License.Status.VALID, "decider",
         not_now=_("Only a suspended license can be reinstated."),
         not_permitted=_("Only the issuing department may reinstate this license.")),
    Step("revoke", _("Revoke"), (License.Status.VALID, License.Status.SUSPENDED), License.Status.REVOKED, "decider",
         guards=(gives_reason,), not_now=_("This license can no longer be revoked."),
         not_permitted=_("Only the issuing department may revoke this license.")),
    Step("expire", _("Expire"), (License.Status.VALID,), License.Status.EXPIRED,
         not_now=_("Only a valid license expires.")),
    Step("supersede", _("Supersede"), (License.Status.VALID, License.Status.SUSPENDED), License.Status.SUPERSEDED,
         not_now=_("Only a license in force is replaced by a new version.")),
)}


def _journal(taking) -> LicenseEvent:
    return record_event(taking.record, taking.step.name, taking.user, from_status=taking.from_status,
                        to_status=taking.step.target, reason=taking.params["reason"])


LICENSES = transitions.Table(
    License, LIFECYCLE, _journal, may=lambda user, license, step: _holds_issuers_role(user, license, step.may),
    changed=_("Someone else changed this license a moment ago. Reload it to see its current state."),
)


def change(license, name: str, user=None, reason="") -> LicenseEvent:
    """Make the change ``name`` of ``LIFECYCLE`` as ``user`` (None: the system), journaled, in its
    transaction — taken as a case's step is (``casefiles.cases.transitions``): one conditional
    UPDATE on the status it was read in, so that of two deciders acting at once exactly one wins
    and the other is told, with nothing of theirs written."""
    reason = str(reason)[:300]
    return transitions.take(LICENSES, license, name, user, changes={"status_reason": reason}, params={"reason": reason})


def suspend(license, user, reason):
    return change(license, "suspend", user, reason)


def reinstate(license, user, reason):
    return change(license, "reinstate", user, reason)


def revoke(license, user, reason):
    return change(license, "revoke", user, reason)


def expire_due(today=None) -> int:
    """Mark valid licenses past their end date as expired (the nightly task)."""
    today = today or timezone.localdate()
    count = 0
    for license in License.objects.filter(status=License.Status.VALID, valid_until__lt=today):
        try:
            change(license, "expire")
        except Conflict:  # suspended or revoked since it was read: it did not expire
            continue
        count += 1
    return count
