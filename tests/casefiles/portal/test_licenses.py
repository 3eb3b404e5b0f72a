"""Electronic licenses as people meet them: the public verify page and API, the public keys,
the certificate PDF, the holder's wallet with share links, the issuing department's admin
pages, the 用证率 report, and the key rotation command."""

import datetime
import hashlib
import io
import json
import re
from unittest import mock

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone, translation
from pypdf import PdfReader

from casefiles.licenses import certificates, lifecycle, signing
from casefiles.licenses.models import License, LicenseEvent, LicenseShare, LicenseType, SigningKey
from casefiles.portal import licenses as license_views
from config import siteurl

AGENCY_USCC = "11440400MB2C92390J"
PUBLIC_KEYS = {"outcome", "message", "identifier", "number", "type", "holder", "holder_code", "issuer", "issued",
               "valid_until", "version", "status"}


@pytest.fixture
def food_type(world):
    world.department.uscc = AGENCY_USCC
    world.department.save()
    return LicenseType.objects.create(
        code="11100000000013338W025", name="食品经营许可证", issuing_department=world.department, validity_years=5,
        template=LicenseType.Template.FOOD_BUSINESS,
        data_fields=[{"key": "premises", "label": "经营场所"}, {"key": "scope", "label": "经营项目"}],
    )


@pytest.fixture
def license(world, food_type):
    return lifecycle.issue(food_type, issuer=world.department, holder=world.enterprise,
                          data={"premises": "珠海市香洲区情侣中路47号首层", "scope": "热食类食品制售"})


@pytest.fixture
def person_license(world, food_type):
    return lifecycle.issue(food_type, issuer=world.department, holder=world.person, data={"scope": "预包装食品销售"})


def expected_title(outcome):
    with translation.override(settings.LANGUAGE_CODE):
        return str(license_views.OUTCOMES[outcome][2])


def put_in_state(world, food_type, license, state):
    """The license (or a fitting other one) in ``state``; returns (identifier, holder code)."""
    if state == "suspended":
        lifecycle.suspend(license, world.decider, "监督检查发现问题，责令整改")
    elif state == "revoked":
        lifecycle.revoke(license, world.decider, "以欺骗手段取得许可")
    elif state == "expired":
        old = lifecycle.issue(food_type, issuer=world.department, holder=world.other_enterprise,
                             on=timezone.localdate() - datetime.timedelta(days=6 * 366))
        return old.identifier, old.holder_code
    elif state == "superseded":
        lifecycle.issue(food_type, issuer=world.department, holder=world.enterprise, data={"scope": "热食类；冷食类"})
    elif state == "not_found":
        return license.identifier, world.other_enterprise.uscc
    return license.identifier, license.holder_code


def forged_payload(license):
    message_text, signature, key_id = lifecycle.qr_payload(license).split(".")
    fields = json.loads(signing.unb64url(message_text))
    fields["u"] = "2099-12-31"  # the holder extends their own license
    forged = signing.b64url(json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode())
    return f"{forged}.{signature}.{key_id}"


STATES = ["valid", "suspended", "revoked", "expired", "superseded", "not_found"]


# --- the verify page ------------------------------------------------------------------------

@pytest.mark.parametrize("state", STATES)
def test_the_verify_page_says_each_status_in_words(client, world, food_type, license, state):
    identifier, holder_code = put_in_state(world, food_type, license, state)
    answer = client.get("/licenses/verify/", {"identifier": identifier, "holder_code": holder_code})
    assert answer.status_code == 200
    page = answer.content.decode()
    assert f'data-outcome="{state}"' in page
    assert expected_title(state) in page  # in words, not only a colour
    assert answer["Cache-Control"] == "no-store"
    if state == "not_found":
        assert world.enterprise.name not in page
    else:
        assert identifier in page


def test_a_scanned_code_verifies_and_a_forged_one_is_called_out(client, world, license):
    answer = client.get("/licenses/verify/", {"p": lifecycle.qr_payload(license)})
    assert 'data-outcome="valid"' in answer.content.decode() and license.number in answer.content.decode()
    answer = client.get("/licenses/verify/", {"p": forged_payload(license)})
    page = answer.content.decode()
    assert 'data-outcome="tampered"' in page and expected_title("tampered") in page
    assert license.number not in page and world.enterprise.name not in page


def test_the_certificate_qr_code_opens_the_verify_page(client, license):
    url = certificates.verify_url(license)
    assert url.startswith(siteurl.base_url() + "/licenses/verify/?p=")
    answer = client.get(url.removeprefix(siteurl.base_url()))
    assert 'data-outcome="valid"' in answer.content.decode()


def verdict(page: str) -> str:
    """The answer's section of a page (the form may repeat what the visitor typed)."""
    found = re.search(r'<section class="verdict.*?</section>', page, re.S)
    assert found, "no verification answer on the page"
    return found.group(0)


def test_a_persons_name_and_number_are_masked_on_the_verify_page(client, world, person_license):
    page = client.get("/licenses/verify/", {"identifier": person_license.identifier,
                                            "holder_code": world.person.id_number}).content.decode()
    answer = verdict(page)
    assert 'data-outcome="valid"' in answer
    assert "张*" in answer and "张伟" not in page
    assert world.person.id_number not in answer and world.person.masked_id_number in answer


def test_a_persons_qr_code_carries_no_full_identity_number(world, person_license):
    message = signing.unb64url(lifecycle.qr_payload(person_license).split(".")[0]).decode()
    assert world.person.id_number not in message and "张伟" not in message
    assert json.loads(message)["hc"] == world.person.masked_id_number
    assert lifecycle.verify_payload(lifecycle.qr_payload(person_license)).outcome == "valid"


def test_an_incomplete_form_says_what_is_missing(client, license):
    answer = client.get("/licenses/verify/", {"identifier": license.identifier})
    assert answer.status_code == 400 and "data-outcome" not in answer.content.decode()


def test_the_verify_page_is_rate_limited_per_address(client, license):
    query = {"identifier": license.identifier, "holder_code": license.holder_code}
    for _ in range(settings.YIWANG_RATE_LIMITS["license-verify"][0]):
        assert client.get("/licenses/verify/", query).status_code == 200
    answer = client.get("/licenses/verify/", query)
    assert answer.status_code == 429 and answer["Retry-After"]
    assert "data-outcome" not in answer.content.decode()
    assert client.get("/licenses/verify/", query, REMOTE_ADDR="198.51.100.7").status_code == 200
    assert client.get("/licenses/verify/").status_code == 200  # the empty form is not a look-up


# --- the API --------------------------------------------------------------------------------

def api_verify(client, identifier, **query):
    return client.get(f"/api/v1/licenses/{identifier}/verify/", query)


@pytest.mark.parametrize("state", STATES)
def test_the_api_answers_each_status_with_public_fields_only(client, world, food_type, license, state):
    identifier, holder_code = put_in_state(world, food_type, license, state)
    answer = api_verify(client, identifier, holder_code=holder_code)
    assert answer.status_code == 200
    body = answer.json()
    assert body["outcome"] == state
    if state == "not_found":
        assert set(body) == {"outcome", "message"}
    else:
        assert set(body) == PUBLIC_KEYS and body["identifier"] == identifier
        assert "data" not in body and "signature" not in body


def test_the_api_takes_a_qr_payload_and_rejects_a_forged_one(client, world, food_type, license):
    assert api_verify(client, license.identifier, p=lifecycle.qr_payload(license)).json()["outcome"] == "valid"
    forged = api_verify(client, license.identifier, p=forged_payload(license)).json()
    assert forged == {"outcome": "tampered", "message": forged["message"]}
    other = lifecycle.issue(food_type, issuer=world.department, holder=world.other_enterprise)
    # A genuine payload of another license does not vouch for this identifier.
    assert api_verify(client, license.identifier, p=lifecycle.qr_payload(other)).json()["outcome"] == "not_found"


def test_the_api_masks_a_persons_name(client, world, person_license):
    body = api_verify(client, person_license.identifier, holder_code=world.person.id_number).json()
    assert body["holder"] == "张*" and body["holder_code"] == world.person.masked_id_number


def test_the_api_wants_a_holder_code_or_a_payload(client, license):
    answer = api_verify(client, license.identifier)
    assert answer.status_code == 400 and answer.json()["code"] == "refused"


def test_the_api_is_rate_limited_per_address(client, license):
    for _ in range(30):
        assert api_verify(client, license.identifier, holder_code=license.holder_code).status_code == 200
    assert api_verify(client, license.identifier, holder_code=license.holder_code).status_code == 429


def test_the_api_is_in_the_schema(client):
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/licenses/{identifier}/verify/"]["get"]
    assert {"identifier", "holder_code", "p"} <= {p["name"] for p in operation["parameters"]}
    assert {"200", "400", "429"} <= set(operation["responses"])


# --- the public keys ------------------------------------------------------------------------

def test_keys_json_lists_active_and_retired_keys_and_may_be_cached(client, world, license):
    old_key = license.signing_key
    new_key = signing.rotate(world.department)
    answer = client.get("/licenses/keys.json")
    assert answer.status_code == 200 and answer["Content-Type"].startswith("application/json")
    assert "public" in answer["Cache-Control"] and "max-age" in answer["Cache-Control"]
    keys = {key["kid"]: key for key in answer.json()["keys"]}
    assert keys[old_key.key_id]["retired"] is not None and keys[new_key.key_id]["retired"] is None
    assert keys[old_key.key_id]["x"] == old_key.public_key and keys[old_key.key_id]["issuer_code"] == AGENCY_USCC
    again = client.get("/licenses/keys.json", HTTP_IF_NONE_MATCH=answer["ETag"])
    assert again.status_code == 304


def test_a_payload_verifies_offline_with_keys_json(client, license):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    keys = {key["kid"]: key for key in client.get("/licenses/keys.json").json()["keys"]}
    message, signature, key_id = lifecycle.qr_payload(license).split(".")
    public = Ed25519PublicKey.from_public_bytes(signing.unb64url(keys[key_id]["x"]))
    public.verify(signing.unb64url(signature), signing.unb64url(message))  # raises if it does not verify
    assert json.loads(signing.unb64url(message))["id"] == license.identifier


# --- the certificate ------------------------------------------------------------------------

def embedded_cjk_fonts(reader):
    found = set()
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts") or [font]:
                descriptor = descendant.get_object().get("/FontDescriptor")
                if descriptor is not None and any(k in descriptor.get_object() for k in ("/FontFile2", "/FontFile3")):
                    found.add(str(font.get("/BaseFont")))
    return found


def test_the_certificate_is_a_pdf_with_the_holder_and_number_in_an_embedded_chinese_font(client, world, license):
    client.force_login(world.applicant)
    answer = client.get(f"/my/licenses/{license.identifier}/certificate.pdf")
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    disposition = answer["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=UTF-8''" in disposition
    assert "%E9%A3%9F%E5%93%81" in disposition  # 食品, the type's name, in the UTF-8 file name
    reader = PdfReader(io.BytesIO(b"".join(answer.streaming_content)))
    text = re.sub(r"\s", "", "".join(page.extract_text() for page in reader.pages))  # titles are letter-spaced
    assert len(reader.pages) == 1
    for expected in (world.enterprise.name, license.number, "食品经营许可证", "珠海市香洲区情侣中路47号首层", "电子证照",
                     license.identifier, "2031年"):
        assert expected in text
    assert any("Yiwang-CJK" in name for name in embedded_cjk_fonts(reader))  # the @font-face of YIWANG_CJK_FONT


def test_the_certificate_is_rendered_once_and_streamed_from_storage_after(client, world, license):
    client.force_login(world.applicant)
    url = f"/my/licenses/{license.identifier}/certificate.pdf"
    with mock.patch("casefiles.licenses.certificates.render", wraps=certificates.render) as render:
        first = b"".join(client.get(url).streaming_content)
        second = b"".join(client.get(url).streaming_content)
        assert certificates.certificate_pdf(License.objects.get(pk=license.pk)) == first
    assert render.call_count == 1
    assert first == second
    license.refresh_from_db()
    assert license.pdf.name and license.pdf_sha256 == hashlib.sha256(first).hexdigest()


def test_a_business_license_is_landscape_and_long_term(world):
    world.department.uscc = AGENCY_USCC
    world.department.save()
    business = LicenseType.objects.create(code="11100000000013338W011", name="营业执照", issuing_department=world.department,
                                          template=LicenseType.Template.BUSINESS_LICENSE,
                                          data_fields=[{"key": "scope", "label": "经营范围"}])
    license = lifecycle.issue(business, issuer=world.department, holder=world.enterprise, data={"scope": "餐饮服务"})
    reader = PdfReader(io.BytesIO(certificates.certificate_pdf(license)))
    box = reader.pages[0].mediabox
    assert float(box.width) > float(box.height)
    text = re.sub(r"\s", "", reader.pages[0].extract_text())
    assert "营业执照" in text and "长期" in text and world.enterprise.uscc in text


def test_the_certificate_draws_the_issuers_seal_as_a_circle_at_its_size(world, license):
    html = certificates.certificate_html(license)
    drawn = re.search(r'<div class="seal seal-drawn[^"]*"[^>]*style="width: ([\d.]+)mm; height: ([\d.]+)mm', html)
    assert drawn and drawn.group(1) == drawn.group(2) == "40.0" and "border-radius: 50%" in html
    assert "证照专用章" in html


# --- the wallet (我的证照) ------------------------------------------------------------------------

def test_the_holder_sees_their_licenses_and_status(client, world, license):
    lifecycle.suspend(license, world.decider, "责令整改")
    client.force_login(world.applicant)
    page = client.get("/my/licenses/").content.decode()
    assert license.number in page and str(License.Status.SUSPENDED.label) in page
    detail = client.get(f"/my/licenses/{license.identifier}/").content.decode()
    assert "珠海市香洲区情侣中路47号首层" in detail and "责令整改" in detail


def test_a_citizen_sees_their_own_license_unmasked(client, world, person_license, license):
    client.force_login(world.citizen)
    page = client.get("/my/licenses/").content.decode()
    assert person_license.number in page and "张伟" in page
    assert license.number not in page  # the enterprise's is not theirs


def test_others_get_404_on_the_page_and_the_download(client, world, license):
    client.force_login(world.stranger)
    assert license.number not in client.get("/my/licenses/").content.decode()
    for url in (f"/my/licenses/{license.identifier}/", f"/my/licenses/{license.identifier}/certificate.pdf",
                "/my/licenses/1.2.156.3005.2.NOPE.NOPE.20260000001.001.X/"):
        assert client.get(url).status_code == 404
    assert client.post(f"/my/licenses/{license.identifier}/shares/", {"duration": "1h"}).status_code == 404
    assert not LicenseShare.objects.exists()


def test_a_license_past_its_end_shows_as_expired_and_cannot_be_shown(client, world, food_type):
    old = lifecycle.issue(food_type, issuer=world.department, holder=world.enterprise,
                         on=timezone.localdate() - datetime.timedelta(days=6 * 366))
    assert old.status == "valid"  # the nightly task has not run yet
    client.force_login(world.applicant)
    assert str(License.Status.EXPIRED.label) in client.get("/my/licenses/").content.decode()
    answer = client.post(f"/my/licenses/{old.identifier}/shares/", {"duration": "10m"})
    assert answer.status_code == 400 and not LicenseShare.objects.exists()


def test_the_wallet_needs_a_login(client, license):
    answer = client.get(f"/my/licenses/{license.identifier}/certificate.pdf")
    assert answer.status_code == 302 and "/accounts/login/" in answer["Location"]


def share(client, world, license, duration="10m"):
    client.force_login(world.applicant)
    answer = client.post(f"/my/licenses/{license.identifier}/shares/", {"duration": duration})
    assert answer.status_code == 302
    return LicenseShare.objects.filter(license=license).latest("created_at")


def test_a_share_link_shows_the_public_fields_and_qr_until_it_expires(client, world, license):
    link = share(client, world, license, "1h")
    assert datetime.timedelta(minutes=59) < link.expires_at - timezone.now() <= datetime.timedelta(hours=1)
    client.logout()
    answer = client.get(f"/licenses/shared/{link.token}/")
    page = answer.content.decode()
    assert answer.status_code == 200 and 'data-outcome="valid"' in page
    assert license.number in page and "data:image/svg+xml" in page
    assert "热食类食品制售" not in page  # the license's data stays with the holder
    LicenseShare.objects.filter(pk=link.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get(f"/licenses/shared/{link.token}/").status_code == 404


def test_a_revoked_share_link_is_gone(client, world, license):
    link = share(client, world, license)
    assert link.token in client.get(f"/my/licenses/{license.identifier}/").content.decode()
    answer = client.post(f"/my/licenses/{license.identifier}/shares/{link.pk}/revoke/")
    assert answer.status_code == 302
    client.logout()
    assert client.get(f"/licenses/shared/{link.token}/").status_code == 404


def test_a_share_link_masks_a_persons_name(client, world, person_license):
    client.force_login(world.citizen)
    client.post(f"/my/licenses/{person_license.identifier}/shares/", {"duration": "1d"})
    link = LicenseShare.objects.get(license=person_license)
    client.logout()
    page = client.get(f"/licenses/shared/{link.token}/").content.decode()
    assert "张*" in verdict(page) and "张伟" not in page and world.person.id_number not in page


def test_a_suspended_license_cannot_be_shown(client, world, license):
    lifecycle.suspend(license, world.decider, "责令整改")
    client.force_login(world.applicant)
    answer = client.post(f"/my/licenses/{license.identifier}/shares/", {"duration": "10m"})
    assert answer.status_code == 400 and not LicenseShare.objects.exists()


def test_a_share_needs_one_of_the_offered_durations(client, world, license):
    client.force_login(world.applicant)
    answer = client.post(f"/my/licenses/{license.identifier}/shares/", {"duration": "1y"})
    assert answer.status_code == 400 and not LicenseShare.objects.exists()


# --- the issuing department's admin pages ---------------------------------------------------

def test_the_issuing_departments_decider_suspends_reinstates_and_revokes(client, world, license):
    client.force_login(world.decider)
    detail = client.get(f"/admin/licenses/{license.pk}/")
    assert detail.status_code == 200 and license.number in detail.content.decode()
    answer = client.post(f"/admin/licenses/{license.pk}/suspend/", {"reason": "监督检查发现问题，责令整改"})
    assert answer.status_code == 302
    license.refresh_from_db()
    assert license.status == "suspended" and license.status_reason == "监督检查发现问题，责令整改"
    client.post(f"/admin/licenses/{license.pk}/reinstate/", {"reason": "整改完毕"})
    license.refresh_from_db()
    assert license.status == "valid"
    client.post(f"/admin/licenses/{license.pk}/revoke/", {"reason": "以欺骗手段取得许可"})
    license.refresh_from_db()
    assert license.status == "revoked"
    assert list(LicenseEvent.objects.filter(license=license).values_list("action", "actor")) == [
        ("issue", None), ("suspend", world.decider.pk), ("reinstate", world.decider.pk), ("revoke", world.decider.pk)]
    assert lifecycle.verify(license.identifier, license.holder_code).outcome == "revoked"


def test_supervision_reads_a_persons_license_with_the_number_masked(client, world, food_type):
    """The issuing department sees the holder's whole number; 电子监察, which only views, sees
    it masked in the list, on the license's page and in its data."""
    from casefiles.directory.identifiers import mask_resident_id

    number = world.person.id_number
    license = lifecycle.issue(food_type, issuer=world.department, holder=world.person,
                             data={"scope": "预包装食品销售", "premises": f"负责人身份证 {number}"})
    client.force_login(world.supervisor)
    for url in ("/admin/licenses/", f"/admin/licenses/{license.pk}/"):
        page = client.get(url).content.decode()
        assert license.number in page and number not in page and mask_resident_id(number) in page, url
    client.force_login(world.clerk)
    for url in ("/admin/licenses/", f"/admin/licenses/{license.pk}/"):
        assert number in client.get(url).content.decode(), url


def _pdf_text(response) -> str:
    body = b"".join(response.streaming_content)
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages))


def test_supervision_reads_a_copy_of_the_certificate_with_the_number_masked(client, world, food_type):
    from casefiles.directory.identifiers import mask_resident_id

    number = world.person.id_number
    license = lifecycle.issue(food_type, issuer=world.department, holder=world.person,
                             data={"scope": "预包装食品销售", "premises": f"负责人身份证 {number}"})
    client.force_login(world.clerk)
    issued = _pdf_text(client.get(f"/admin/licenses/{license.pk}/certificate.pdf"))
    assert number in issued and "查阅副本" not in issued
    client.force_login(world.citizen)  # the holder, in the wallet
    assert number in _pdf_text(client.get(f"/my/licenses/{license.identifier}/certificate.pdf"))
    client.force_login(world.supervisor)
    copy = _pdf_text(client.get(f"/admin/licenses/{license.pk}/certificate.pdf"))
    assert number not in copy and mask_resident_id(number) in copy and "查阅副本" in copy
    license.refresh_from_db()
    assert number in _pdf_text_of(license)  # the stored certificate is the holder's, untouched


def _pdf_text_of(license) -> str:
    with license.pdf.open("rb") as handle:
        return re.sub(r"\s+", "", "".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages))


def test_the_holders_number_is_encrypted_at_rest_and_still_verifies_and_finds(client, world, food_type):
    from django.db import connection

    license = lifecycle.issue(food_type, issuer=world.department, holder=world.person)
    with connection.cursor() as cursor:
        cursor.execute("SELECT holder_code FROM casefiles_license WHERE id = %s", [license.pk])
        stored = cursor.fetchone()[0]
    assert world.person.id_number not in stored
    assert lifecycle.verify(license.identifier, world.person.id_number.lower()).outcome == "valid"
    assert lifecycle.verify(license.identifier, world.enterprise.uscc).outcome == "not_found"
    again = lifecycle.issue(food_type, issuer=world.department, holder=world.person)  # found by its digest: a new version
    assert again.version == 2 and again.previous_id == license.pk
    client.force_login(world.decider)
    page = client.get("/admin/licenses/", {"q": world.person.id_number}).content.decode()
    assert again.number in page


def test_a_revocation_needs_a_reason(client, world, license):
    client.force_login(world.decider)
    answer = client.post(f"/admin/licenses/{license.pk}/revoke/", {"reason": "  "})
    assert answer.status_code == 400
    license.refresh_from_db()
    assert license.status == "valid"


def test_only_the_issuing_departments_deciders_change_the_status(client, world, license, django_user_model):
    client.force_login(world.clerk)  # same department, not a decider: sees, may not act
    page = client.get(f"/admin/licenses/{license.pk}/").content.decode()
    assert license.number in page and "/suspend/" not in page
    refused = client.post(f"/admin/licenses/{license.pk}/suspend/", {"reason": "x"})
    assert refused.status_code == 302 and refused["Location"] == "/admin/"  # Wagtail's answer to PermissionDenied
    client.force_login(world.other_clerk)  # another department: the license does not exist for them
    assert client.get(f"/admin/licenses/{license.pk}/").status_code == 404
    other_decider = django_user_model.objects.create_user("other-decider", password="pw-for-tests-only")
    other_decider.groups.add(world.other_department.group("decider"))
    client.force_login(other_decider)
    assert client.post(f"/admin/licenses/{license.pk}/revoke/", {"reason": "x"}).status_code == 404
    client.force_login(world.applicant)  # not staff at all
    assert client.get("/admin/licenses/").status_code == 302
    license.refresh_from_db()
    assert license.status == "valid"


def test_the_admin_list_searches_and_filters(client, world, food_type, license):
    other = lifecycle.issue(food_type, issuer=world.department, holder=world.other_enterprise)
    lifecycle.suspend(other, world.decider, "责令整改")
    client.force_login(world.decider)
    page = client.get("/admin/licenses/").content.decode()
    assert license.number in page and other.number in page
    page = client.get("/admin/licenses/", {"q": "海湾"}).content.decode()
    assert license.number in page and other.number not in page
    page = client.get("/admin/licenses/", {"status": "suspended"}).content.decode()
    assert other.number in page and license.number not in page
    page = client.get("/admin/licenses/", {"q": license.identifier}).content.decode()
    assert license.number in page and other.number not in page


# --- the 用证率 report ---------------------------------------------------------------------------

def test_the_usage_page_is_for_supervisors_and_shows_targets_in_words(client, world, food_type, submitted_case):
    from cms.models import MaterialRequirement

    requirement = MaterialRequirement.objects.get(page=world.item, name="营业执照")
    requirement.license_types.add(food_type)
    requirement.save()  # a parental many-to-many is written when its owner is saved
    client.force_login(world.decider)
    refused = client.get("/admin/licenses/usage/")
    assert refused.status_code == 302 and refused["Location"] == "/admin/"
    client.force_login(world.supervisor)
    answer = client.get("/admin/licenses/usage/")
    assert answer.status_code == 200
    page = answer.content.decode()
    assert world.department.name in page and "0 %" in page and "40 %" in page and "50 %" in page
    with translation.override(settings.LANGUAGE_CODE):
        assert translation.gettext("Target not met") in page
    future = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    later = client.get("/admin/licenses/usage/", {"start": future}).content.decode()
    assert world.department.name not in later
    assert client.get("/admin/licenses/usage/", {"start": future, "end": "2020-01-01"}).status_code == 200


# --- the rotate command -----------------------------------------------------------------------

def test_the_rotate_command_retires_the_active_key(world, license):
    old = license.signing_key
    out = io.StringIO()
    call_command("license_keys", "rotate", "SCJGJ", stdout=out)
    new = SigningKey.objects.get(department=world.department, retired_at__isnull=True)
    assert new != old and new.key_id in out.getvalue()
    old.refresh_from_db()
    assert old.retired_at is not None
    assert lifecycle.verify_payload(lifecycle.qr_payload(license)).outcome == "valid"
    listing = io.StringIO()
    call_command("license_keys", "list", stdout=listing)
    assert old.key_id in listing.getvalue() and new.key_id in listing.getvalue() and "retired" in listing.getvalue()
    with pytest.raises(CommandError):
        call_command("license_keys", "rotate", "NO-SUCH-DEPT")


# --- the demo ---------------------------------------------------------------------------------

def test_the_demo_licenses_are_issued_once_with_their_layouts(world):
    from casefiles.demo import licenses as demo_licenses

    business = LicenseType.objects.create(code="11100000000013338W011", name="营业执照", issuing_department=world.department)
    food = LicenseType.objects.create(code="11100000000013338W025", name="食品经营许可证", issuing_department=world.department,
                                      validity_years=5)
    from casefiles.directory.identifiers import validate_uscc
    from cms.models import ServiceItemPage

    ServiceItemPage.objects.filter(pk=world.item.pk).update(item_code="11440400MB2C92390T4440111001000")
    first = demo_licenses.load_licenses()
    world.department.refresh_from_db()
    assert world.department.uscc == "11440400MB2C92390T"  # the agency code its item codes (实施编码) begin with
    world.other_department.refresh_from_db()  # no guides: a computed code of an agency in its region
    assert validate_uscc(world.other_department.uscc).startswith("11440400")
    business.refresh_from_db()
    assert business.template == LicenseType.Template.BUSINESS_LICENSE and business.data_fields
    # Both enterprises get a 营业执照, the caterer a 食品经营许可证.
    assert first["issued"] == 3 and License.objects.filter(license_type=business).count() == 2
    catering = License.objects.get(license_type=food)
    assert catering.holder_code == world.enterprise.uscc and catering.data["premises"]
    assert signing.verify(catering.signing_key, lifecycle.canonical(catering), catering.signature)
    assert demo_licenses.load_licenses()["issued"] == 0 and License.objects.count() == 3


def test_the_usage_page_shows_the_months_and_downloads_as_csv(client, world, held_license):
    from casefiles.handling import applications, workflow
    from casefiles.licenses import reuse
    from casefiles.materials import uploads
    from tests.casefiles.conftest import pdf_upload

    case = applications.start(world.applicant, world.item, world.enterprise)
    reuse.use_held_licenses(case, world.applicant)
    uploads.add(case, world.requirements[0], pdf_upload(), world.applicant)
    workflow.perform(case, "submit", world.applicant)
    client.force_login(world.supervisor)
    page = client.get("/admin/licenses/usage/").content.decode()
    assert 'id="usage-trend-table"' in page and timezone.localdate().strftime("%Y-%m") in page and "100 %" in page
    answer = client.get("/admin/licenses/usage/", {"format": "csv"})
    assert answer["Content-Type"].startswith("text/csv")
    rows = answer.content.decode("utf-8-sig").splitlines()
    assert any(world.department.name in row and row.endswith(",1,1,100.0") for row in rows)
