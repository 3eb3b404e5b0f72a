"""The signing keys' password: a setting of its own, changed by re-encrypting every key at once."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from casefiles.directory.models import Department
from casefiles.licenses import lifecycle, signing
from casefiles.licenses.models import LicenseType, SigningKey

OLD = "old-key-password-" + "Ws4Nd9Kq2Lx7Rb5Tz1Mc8Hv3Jp6Gy0Fe" * 2
NEW = "new-key-password-" + "Pa7Xk2Qm9Zr4Wt1Lb6Nc3Hs8Jd5Gv0Ku" * 2


@pytest.fixture
def license_type(world):
    world.department.uscc = "11440400MB2C92390J"
    world.department.save()
    world.other_department.uscc = "11440400007197336N"
    world.other_department.save()
    return LicenseType.objects.create(code="11100000MB0143028X041", name="食品经营许可证", validity_years=5)


def issue(world, license_type, issuer=None):
    return lifecycle.issue(license_type, issuer=issuer or world.department, holder=world.enterprise)


def reencrypt(*args, **env):
    out = io.StringIO()
    with override_settings(**env):
        call_command("license_keys", "reencrypt", *args, stdout=out)
    return out.getvalue()


def opens(key, password):
    return signing._load(SigningKey.objects.get(pk=key.pk).private_key, password.encode()) is not None


def test_reencrypting_moves_every_key_to_the_new_password_and_signatures_stand(world, license_type):
    with override_settings(YIWANG_KEY_PASSWORD=OLD):
        before = [issue(world, license_type), issue(world, license_type, world.other_department)]
        signing.rotate(world.department)  # a retired key too: it must stay openable for nothing but its record
    keys = list(SigningKey.objects.all())
    assert len(keys) == 3
    out = reencrypt(YIWANG_KEY_PASSWORD=NEW, YIWANG_KEY_PASSWORD_OLD=OLD)
    assert "3 key(s) re-encrypted" in out
    assert all(opens(key, NEW) and not opens(key, OLD) for key in keys)
    with override_settings(YIWANG_KEY_PASSWORD=NEW):
        for license in before:
            assert lifecycle.verify(license.identifier, world.enterprise.uscc).outcome in ("valid", "superseded")
        after = issue(world, license_type)
        assert lifecycle.verify(after.identifier, world.enterprise.uscc).outcome == "valid"
        # Run again, it finds nothing left to do.
        assert "3 key(s) already encrypted" in reencrypt(YIWANG_KEY_PASSWORD=NEW, YIWANG_KEY_PASSWORD_OLD=OLD)


def test_one_key_that_does_not_open_changes_nothing(world, license_type):
    with override_settings(YIWANG_KEY_PASSWORD=OLD):
        issue(world, license_type)
    with override_settings(YIWANG_KEY_PASSWORD="some-other-" + "Zq1" * 20):
        issue(world, license_type, world.other_department)
    before = dict(SigningKey.objects.values_list("pk", "private_key"))
    with pytest.raises(CommandError, match="nothing changed"):
        reencrypt(YIWANG_KEY_PASSWORD=NEW, YIWANG_KEY_PASSWORD_OLD=OLD)
    assert dict(SigningKey.objects.values_list("pk", "private_key")) == before


def test_keys_from_before_the_password_was_a_setting_are_reencrypted_with_legacy(settings, world, license_type):
    with override_settings(YIWANG_KEY_PASSWORD=f"yiwang-keys:{settings.SECRET_KEY}"):  # what the old code used
        old_license = issue(world, license_type)
    with pytest.raises(signing.KeyLocked, match="license_keys reencrypt"):
        issue(world, license_type)  # a clear refusal, not a decryption error
    assert "1 key(s) re-encrypted" in reencrypt("--legacy")
    assert issue(world, license_type).signing_key == old_license.signing_key


def test_the_old_password_must_be_given(world, license_type):
    issue(world, license_type)
    with pytest.raises(CommandError, match="YIWANG_KEY_PASSWORD_OLD"):
        reencrypt()


def test_keys_cannot_be_made_or_opened_without_a_password(world, license_type):
    from django.core.exceptions import ImproperlyConfigured

    with override_settings(YIWANG_KEY_PASSWORD=None), pytest.raises(ImproperlyConfigured, match="YIWANG_KEY_PASSWORD"):
        signing.rotate(Department.objects.get(pk=world.department.pk))
