import datetime
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casefiles import errors
from casefiles.handling import workflow
from casefiles.licenses import lifecycle, signing
from casefiles.licenses.models import License, LicenseType, SigningKey

VECTOR = "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.U"
AGENCY_USCC = "11440400MB2C92390J"


def test_the_standard_vector():
    parsed = lifecycle.parse_identifier(VECTOR)
    assert parsed.type_code == "11100000000013338W011" and parsed.issuer_code == "11430000006122244L"
    assert parsed.serial == "20230000403" and parsed.version == 1 and parsed.check == "U"
    assert lifecycle.make_identifier("11100000000013338W011", "11430000006122244L", "20230000403", 1) == VECTOR


@pytest.mark.parametrize(
    "identifier",
    [
        VECTOR[:-1] + "V",  # wrong check character
        VECTOR.replace("20230000403", "20230000404"),  # a digit changed
        VECTOR.replace(".001.", ".01."),
        "1.2.156.3005.1.11100000000013338W011.11430000006122244L.20230000403.001.U",
        "1.2.156.3005.2.11100000000013338W011.20230000403.001.U",
        "",
    ],
)
def test_bad_identifiers_are_refused(identifier):
    with pytest.raises(errors.Refused):
        lifecycle.parse_identifier(identifier)


alnum = st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=1, max_size=22)


@given(alnum, alnum, st.text(alphabet="0123456789", min_size=11, max_size=11), st.integers(min_value=1, max_value=999))
def test_generated_identifiers_round_trip(type_code, issuer_code, serial, version):
    identifier = lifecycle.make_identifier(type_code, issuer_code, serial, version)
    parsed = lifecycle.parse_identifier(identifier)
    assert (parsed.type_code, parsed.issuer_code, parsed.serial, parsed.version) == (type_code, issuer_code, serial, version)


@given(alnum, alnum, st.text(alphabet="0123456789", min_size=11, max_size=11))
def test_a_changed_serial_digit_is_caught(type_code, issuer_code, serial):
    identifier = lifecycle.make_identifier(type_code, issuer_code, serial, 1)
    changed_digit = str((int(serial[5]) + 1) % 10)
    parts = identifier.split(".")
    parts[-3] = serial[:5] + changed_digit + serial[6:]
    mistyped = ".".join(parts)
    with pytest.raises(errors.Refused):
        lifecycle.parse_identifier(mistyped)


@pytest.fixture
def food_license_type(world):
    world.department.uscc = AGENCY_USCC
    world.department.save()
    license_type = LicenseType.objects.create(
        code="11100000MB0143028X041", name="食品经营许可证", issuing_department=world.department, validity_years=5,
        template=LicenseType.Template.FOOD_BUSINESS,
    )
    world.item.result_license_type = license_type
    world.item.save_revision().publish()
    world.item.refresh_from_db()
    return license_type


def approve(world, case):
    workflow.perform(case, "accept", world.clerk)
    workflow.perform(case, "start_review", world.reviewer)
    workflow.perform(case, "approve", world.decider)


def test_approving_issues_a_signed_license(world, food_license_type, submitted_case):
    approve(world, submitted_case)
    license = License.objects.get(source_case=submitted_case)
    assert license.status == "valid" and license.version == 1
    assert license.holder_code == world.enterprise.uscc and license.holder_code_type == "001"
    assert license.issuer_code == AGENCY_USCC
    assert lifecycle.parse_identifier(license.identifier).issuer_code == AGENCY_USCC
    assert license.number.startswith("JY440400")
    assert license.valid_until == license.valid_from.replace(year=license.valid_from.year + 5) - datetime.timedelta(days=1)
    assert signing.verify(license.signing_key, lifecycle.canonical(license), license.signature)
    event = submitted_case.events.get(action="approve")
    assert event.data["license"] == license.identifier


def test_a_second_approval_supersedes_with_a_new_version(world, food_license_type):
    first = lifecycle.issue(food_license_type, issuer=world.department, holder=world.enterprise)
    second = lifecycle.issue(food_license_type, issuer=world.department, holder=world.enterprise, data={"scope": "热食类"})
    first.refresh_from_db()
    assert first.status == "superseded" and second.version == 2 and second.previous == first
    assert first.identifier.split(".")[-3] == second.identifier.split(".")[-3]  # same serial
    assert second.identifier.split(".")[-2] == "002"
    assert lifecycle.verify(first.identifier, world.enterprise.uscc).outcome == "superseded"


def test_verification_by_identifier_and_holder_code(world, food_license_type):
    license = lifecycle.issue(food_license_type, issuer=world.department, holder=world.enterprise)
    assert lifecycle.verify(license.identifier, world.enterprise.uscc).outcome == "valid"
    assert lifecycle.verify(license.identifier, world.other_enterprise.uscc).outcome == "not_found"
    assert lifecycle.verify("nonsense", world.enterprise.uscc).outcome == "not_found"


def test_the_qr_payload_verifies_offline_and_a_tampered_one_is_rejected(world, food_license_type):
    license = lifecycle.issue(food_license_type, issuer=world.department, holder=world.enterprise)
    payload = lifecycle.qr_payload(license)
    message_text, signature, key_id = payload.split(".")
    # Offline: the published public key alone checks it.
    key = next(k for k in signing.published_keys() if k["kid"] == key_id)
    signer = signing.signer_for(key["crv"])
    assert signer.verify(signing.unb64url(key["x"]), signing.unb64url(message_text), signing.unb64url(signature))
    assert lifecycle.verify_payload(payload).outcome == "valid"
    fields = json.loads(signing.unb64url(message_text))
    fields["u"] = "2099-12-31"  # a holder extends their own license
    forged = signing.b64url(json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode())
    assert lifecycle.verify_payload(f"{forged}.{signature}.{key_id}").outcome == "tampered"
    assert lifecycle.verify_payload("garbage").outcome == "tampered"


def test_a_rotated_key_still_verifies_old_licenses(world, food_license_type, settings):
    old = lifecycle.issue(food_license_type, issuer=world.department, holder=world.enterprise)
    old_payload = lifecycle.qr_payload(old)
    new_key = signing.rotate(world.department)
    assert SigningKey.objects.filter(department=world.department, retired_at__isnull=True).get() == new_key
    other = lifecycle.issue(food_license_type, issuer=world.department, holder=world.person)
    assert other.signing_key == new_key != old.signing_key
    assert lifecycle.verify_payload(old_payload).outcome == "valid"
    assert len(signing.published_keys()) == 2


def test_a_database_edit_without_the_key_is_detected(world, food_license_type):
    license = lifecycle.issue(food_license_type, issuer=world.department, holder=world.enterprise)
    License.objects.filter(pk=license.pk).update(valid_until=datetime.date(2099, 12, 31))
    assert lifecycle.verify(license.identifier, world.enterprise.uscc).outcome == "tampered"


def test_each_status(world, food_license_type):
    license = lifecycle.issue(food_license_type, issuer=world.department, holder=world.enterprise)
    with pytest.raises(errors.Refused):
        lifecycle.suspend(license, world.clerk, "检查发现问题")  # only the issuer's deciders
    lifecycle.suspend(license, world.decider, "监督检查发现问题，责令整改")
    assert lifecycle.verify(license.identifier, world.enterprise.uscc).outcome == "suspended"
    lifecycle.reinstate(license, world.decider, "整改完成")
    assert lifecycle.verify(license.identifier, world.enterprise.uscc).outcome == "valid"
    with pytest.raises(errors.Refused):
        lifecycle.revoke(license, world.decider, "")
    lifecycle.revoke(license, world.decider, "以欺骗手段取得许可")
    result = lifecycle.verify(license.identifier, world.enterprise.uscc)
    assert result.outcome == "revoked"
    assert [e.action for e in license.events.all()] == ["issue", "suspend", "reinstate", "revoke"]


def test_of_two_deciders_acting_at_once_one_wins_and_the_other_is_told(world, food_license_type):
    license = lifecycle.issue(food_license_type, issuer=world.department, holder=world.enterprise)
    as_read_by_the_second = License.objects.get(pk=license.pk)  # read before the first decider acts
    lifecycle.revoke(license, world.decider, "以欺骗手段取得许可")
    with pytest.raises(errors.Conflict):
        lifecycle.suspend(as_read_by_the_second, world.decider, "责令整改")
    license.refresh_from_db()
    assert license.status == License.Status.REVOKED  # the revocation stands, not overwritten by the suspension
    assert [e.action for e in license.events.all()] == ["issue", "revoke"]


def test_the_lifecycle_is_one_table_of_changes_between_statuses():
    for change in lifecycle.LIFECYCLE.values():
        assert change.target not in change.sources
        assert set(change.sources) <= set(License.Status.values) and change.target in License.Status.values
    # a license that ended stays ended: nothing leads out of revoked, expired or superseded
    ended = {License.Status.REVOKED, License.Status.EXPIRED, License.Status.SUPERSEDED}
    assert not any(set(change.sources) & ended for change in lifecycle.LIFECYCLE.values())


def test_expiry_by_the_task(world, food_license_type):
    license = lifecycle.issue(food_license_type, issuer=world.department, holder=world.enterprise, on=datetime.date(2020, 3, 1))
    assert lifecycle.verify(license.identifier, world.enterprise.uscc).outcome == "expired"  # before the task runs
    from django.core.management import call_command

    call_command("casefiles", "tick")
    license.refresh_from_db()
    assert license.status == "expired"
    assert license.events.last().action == "expire"


def test_a_person_is_masked_in_public_answers(world, food_license_type):
    license = lifecycle.issue(food_license_type, issuer=world.department, holder=world.person)
    public = lifecycle.verify(license.identifier, world.person.id_number).public()
    assert public["holder"] == "张*" and world.person.id_number not in json.dumps(public)


def test_a_change_refused_for_want_of_a_reason_leaves_the_license_and_its_journal_as_they_were(world, food_license_type):
    license = lifecycle.issue(food_license_type, issuer=world.department, holder=world.enterprise)
    with pytest.raises(errors.Invalid):
        lifecycle.suspend(license, world.decider, "   ")
    assert license.status == License.Status.VALID
    license.refresh_from_db()
    assert (license.status, license.status_reason) == (License.Status.VALID, "")
    assert [e.action for e in license.events.all()] == ["issue"]


def test_the_changes_only_the_system_makes_are_refused_to_a_person(world, food_license_type):
    license = lifecycle.issue(food_license_type, issuer=world.department, holder=world.enterprise)
    for name in ("expire", "supersede"):
        with pytest.raises(errors.NotPermitted):
            lifecycle.change(license, name, world.decider)
    lifecycle.change(license, "expire")  # the nightly task
    license.refresh_from_db()
    assert license.status == License.Status.EXPIRED and license.events.last().actor is None
