"""A license issued from the case's data: what fills each field of the certificate.

Each data field of the produced license type (``LicenseType.data_fields``) is filled, in order,
by the form field that says it fills it (``license_field``, or the same key), then by the
applicant's record: the data field's ``source`` (e.g. ``enterprise.legal_representative``), or an
attribute of the same name (an enterprise's ``legal_representative`` and ``address``). A field
with none of these is a configuration error, caught when the guide is saved (``unfilled``); a
required value missing at approval refuses the approval (``license_data``), so no certificate
shows "—".
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from casefiles.directory.models import Enterprise
from casefiles.errors import Conflict
from casefiles.forms import definition, prefill
from casefiles.licenses import lifecycle

PROFILE_DEFAULTS = {
    "legal_representative": "enterprise.legal_representative",
    "address": "enterprise.address",
}


def _profile_source(data_field: dict, service_object: str = "") -> str:
    key = str(data_field.get("key") or "")
    source = str(data_field.get("source") or "")
    if source:
        return source
    if key in PROFILE_DEFAULTS and service_object != "person":
        return PROFILE_DEFAULTS[key]
    return ""


def _filling_field(form, key):
    return next((f for f in form if f.fills == key and f.type not in ("commitment",)), None)


def changes_a_held_license(page) -> bool:
    """An item whose materials accept the very license it produces changes that license (企业变更登记):
    what its form does not change stays as the held license has it."""
    license_type_id = page.result_license_type_id
    return license_type_id is not None and any(
        license_type_id in [t.pk for t in requirement.license_types.all()]
        for requirement in page.material_requirements.all()
    )


def unfilled(page, form=None) -> list[str]:
    """Why some field of the license ``page`` produces would have no value (empty: none)."""
    license_type = page.result_license_type
    if license_type is None:
        return []
    form = form or definition.of_page(page)
    changing = changes_a_held_license(page)
    found = []
    for data_field in license_type.data_fields or []:
        key, label = str(data_field.get("key")), str(data_field.get("label") or data_field.get("key"))
        field = _filling_field(form, key)
        if field is not None:
            if (not field.required or field.condition is not None) and not changing:
                found.append(_("%(field)s fills the license's %(label)s: it must be required and always asked.") % {
                    "field": field.label, "label": label})
            continue
        if _profile_source(data_field, page.service_object) or changing:
            continue
        found.append(_("The license's field %(label)s (%(key)s) has no source: add a form field with the key %(key)s "
                       "or one that fills it.") % {"label": label, "key": key})
    return found


def _decision_source(source, case, decider):
    day = timezone.localdate()
    if source == "decision.date":
        return f"{day.year}年{day.month:02d}月{day.day:02d}日"
    if source == "decision.long_term":
        return f"{day.year}年{day.month:02d}月{day.day:02d}日至长期"
    if source == "department.name":
        return case.department.name
    if source == "decider.name" and decider is not None:
        return decider.get_full_name() or decider.get_username()
    return None


def license_data(case, license_type, decider=None) -> dict:
    """The license's data fields for ``case``; refuses if one has no value."""
    form = definition.of_case(case)
    values = case.form_data or {}
    held = next((lic for lic in prefill.valid_licenses(case.applicant) if lic.license_type_id == license_type.pk), None)
    kept = held.data if held is not None else {}  # a change keeps what it does not change
    data, empty = {}, []
    for data_field in license_type.data_fields or []:
        key, label = str(data_field.get("key")), str(data_field.get("label") or data_field.get("key"))
        field = _filling_field(form, key)
        value = None
        if field is not None:
            value = values.get(field.key)
            if field.type == "choice":
                labels = dict(field.options)
                value = "；".join(labels.get(v, v) for v in value) if isinstance(value, list) else labels.get(value, value)
            elif field.type == "table" and isinstance(value, list):
                value = "；".join("，".join(str(v) for v in row.values()) for row in value)
        if value in (None, "", []):
            source = _profile_source(data_field, "enterprise" if isinstance(case.applicant, Enterprise) else "person")
            if source.startswith(("department.", "decider.", "decision.")):
                value = _decision_source(source, case, decider)
            else:
                value = prefill.profile_value(case.applicant, source) if source else None
        if value in (None, "", []):
            value = kept.get(key)
        if value in (None, "", []):
            empty.append(label)
            continue
        data[key] = value if isinstance(value, (int, float)) else str(value)
    if empty:
        raise Conflict(_("The license cannot be issued: %(fields)s have no value in the application.") % {
            "fields": "、".join(empty)})
    return data


lifecycle.register_contents(license_data)
