"""What the case-file API reads and writes.

Requests are checked here for shape only (types, presence); whether a step is allowed is
asked of casefiles.handling.applications, materials and workflow by the views.
"""

import json

from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from casefiles.access import disclosure
from casefiles.access.models import Authorisation
from casefiles.handling import workflow
from casefiles.cases.models import CaseFile, Channel, Status
from casefiles.deadlines import working_days as deadlines
from casefiles.licenses import wallet
from casefiles.materials.models import Material
from casefiles.supervision import clocks
from casefiles.notices.models import Notice

# What the caller is told of a case — its status, journal, reviews, identity numbers, the
# verification code — is casefiles.access.disclosure's rule; the serializers ask it, case by case
# (permissions keeps the answers for the request: a listing prefetches them for its page).

def _user(serializer):
    request = serializer.context.get("request")
    return request.user if request is not None else None


def seen_by(serializer, case) -> str:
    return disclosure.audience(_user(serializer), case)


# --- errors (documentation of the shapes views/errors.py produces) ------------------------

class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="Every message, joined; show it to the person who tried.")
    messages = serializers.ListField(child=serializers.CharField(), help_text="Each reason on its own.")
    code = serializers.CharField(help_text="not_found, not_permitted, not_allowed_now, conflict, guard_failed, refused, precondition_required")


class CaseStateSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices, help_text="As you are told it (see the case's status).")
    status_display = serializers.CharField()
    version = serializers.IntegerField()


class ConflictSerializer(ErrorSerializer):
    current = CaseStateSerializer(help_text="The case as it is now: reload before trying again.")


# --- pieces of a case -----------------------------------------------------------------------

class DepartmentSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class ItemSerializer(serializers.Serializer):
    code = serializers.CharField(source="item_code")
    title = serializers.CharField(source="item_title")
    revision = serializers.IntegerField(source="item_revision_id", allow_null=True,
                                        help_text="The guide revision the application was filed against.")


class ApplicantSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[("enterprise", "enterprise"), ("person", "person")])
    name = serializers.CharField()
    code = serializers.CharField(help_text="USCC, or the resident ID number (masked unless you act on the case: its applicant, their agent, staff who handle it).")


class LightSerializer(serializers.Serializer):
    light = serializers.ChoiceField(choices=deadlines.Light.choices)
    reason = serializers.CharField()
    remaining_working_days = serializers.IntegerField(allow_null=True)


class DeadlinesSerializer(serializers.Serializer):
    promised_due = serializers.DateField(allow_null=True)
    statutory_due = serializers.DateField(allow_null=True)
    provisional = serializers.BooleanField(source="deadline_provisional")
    deferred_due = serializers.DateField(allow_null=True)
    correction_due = serializers.DateField(allow_null=True)
    light = serializers.SerializerMethodField()

    @extend_schema_field(LightSerializer(allow_null=True))
    def get_light(self, case):
        return light_of(case, self.context.get("calendar"))


def light_of(case, calendar=None):
    """The supervision light while the clock runs (``clocks.light_of``: the acceptance stage's
    five working days from receipt, then the promised and statutory dates)."""
    reading = clocks.light_of(case, limit_working_days=case.item.promised_days, calendar=calendar)
    if reading is None:
        return None
    return {"light": reading.light, "reason": str(reading.reason), "remaining_working_days": reading.remaining_working_days}


class DatesSerializer(serializers.Serializer):
    created_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    accepted_at = serializers.DateTimeField(allow_null=True)
    deemed_accepted = serializers.BooleanField(help_text="Accepted by operation of law (行政许可法 Art. 32).")
    decided_at = serializers.DateTimeField(allow_null=True)
    concluded_at = serializers.DateTimeField(allow_null=True)


class MaterialSerializer(serializers.ModelSerializer):
    requirement = serializers.IntegerField(source="requirement_id", allow_null=True)
    file_url = serializers.SerializerMethodField()
    review_state = serializers.SerializerMethodField(
        help_text="Staff see every review. The applicant is told \"rejected\" only for a file the correction notice they "
                  "must answer names (its words in review_reason); otherwise \"pending\".")
    review_reason = serializers.SerializerMethodField()

    class Meta:
        model = Material
        fields = [
            "id", "requirement", "requirement_name", "original_name", "size", "content_type", "sha256", "version",
            "is_current", "replaces", "deferred", "commitment", "review_state", "review_reason", "uploaded_at", "file_url",
        ]
        read_only_fields = fields

    def _review(self, material):
        case = material.case
        found = self.context.setdefault("_reviews", {})
        if case.pk not in found:
            audience = seen_by(self, case)
            found[case.pk] = (audience, disclosure.correction_notes(case) if audience != disclosure.STAFF else {})
        audience, notes = found[case.pk]
        return disclosure.review(material, audience, notes)

    @extend_schema_field(serializers.ChoiceField(choices=Material.Review.choices))
    def get_review_state(self, material):
        return self._review(material)[0]

    @extend_schema_field(serializers.CharField())
    def get_review_reason(self, material):
        return self._review(material)[1]

    @extend_schema_field(OpenApiTypes.URI)
    def get_file_url(self, material):
        if not material.file:
            return None  # a promise (容缺) has no file yet
        return self._absolute(reverse("casefiles_api:material-file", args=[material.case.number, material.pk]))

    def _absolute(self, path):
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class TransitionSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    target = serializers.CharField(help_text="The status the case moves to (one of the status values).")
    needs = serializers.ListField(child=serializers.CharField(),
                                  help_text="Parameters to send with it: reason, problems, deferred_due.")
    notice = serializers.CharField(allow_null=True, help_text="The kind of notice it issues, if any.")
    url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, transition):
        case = self.context["case"]
        path = reverse("casefiles_api:case-transition", args=[case.number, transition.name])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


# --- cases ----------------------------------------------------------------------------------

class CaseSummarySerializer(serializers.ModelSerializer):
    """One line of a listing."""

    status = serializers.SerializerMethodField(
        help_text="As you are told it: to the applicant a step waiting inside the department reads as the state "
                  "before it (denial_pending as under_review, non_acceptance_pending as submitted).")
    status_display = serializers.SerializerMethodField()
    item = ItemSerializer(source="*")
    department = DepartmentSerializer()
    applicant = serializers.SerializerMethodField()
    dates = DatesSerializer(source="*")
    deadlines = DeadlinesSerializer(source="*")
    url = serializers.SerializerMethodField()

    class Meta:
        model = CaseFile
        fields = ["number", "status", "status_display", "version", "channel", "item", "department", "applicant",
                  "dates", "deadlines", "url"]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=Status.choices))
    def get_status(self, case):
        return disclosure.status(case.status, seen_by(self, case))

    @extend_schema_field(serializers.CharField())
    def get_status_display(self, case):
        return disclosure.status_label(case.status, seen_by(self, case))

    @extend_schema_field(ApplicantSerializer)
    def get_applicant(self, case):
        code = disclosure.applicant_code(case, disclosure.shows_identity(_user(self), case))
        return {"kind": "enterprise" if case.enterprise_id else "person", "name": case.applicant_name, "code": code}

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, case):
        path = reverse("casefiles_api:case-detail", args=[case.number])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class ContactSerializer(serializers.Serializer):
    name = serializers.CharField(source="contact_name")
    phone = serializers.SerializerMethodField(help_text="Masked (138****8000) unless you act on the case.")
    email = serializers.CharField(source="contact_email")

    @extend_schema_field(serializers.CharField())
    def get_phone(self, case):
        return disclosure.contact_phone(case, disclosure.shows_identity(_user(self), case))


# --- 免提交: licenses in place of materials -------------------------------------------------

class LicenseBriefSerializer(serializers.Serializer):
    identifier = serializers.CharField()
    number = serializers.CharField()
    type = serializers.CharField(source="license_type.name")
    holder = serializers.CharField(source="holder_name")
    issuer = serializers.CharField(source="issuer_name")
    valid_until = serializers.DateField(allow_null=True, help_text="Empty: long-term.")
    status = serializers.SerializerMethodField(help_text="Its status now: valid, suspended, revoked, expired, superseded.")

    @extend_schema_field(serializers.CharField())
    def get_status(self, license):
        return wallet.current_status(license)


class LicenseUseSerializer(serializers.Serializer):
    requirement = serializers.IntegerField(source="requirement_id", allow_null=True)
    requirement_name = serializers.CharField()
    license = LicenseBriefSerializer()
    used_at = serializers.DateTimeField()


class LicenseOfferSerializer(serializers.Serializer):
    requirement = serializers.IntegerField(source="requirement.pk")
    requirement_name = serializers.CharField(source="requirement.name")
    licenses = LicenseBriefSerializer(many=True, help_text="The applicant's licenses that may stand in for it now.")
    in_use = LicenseBriefSerializer(allow_null=True, help_text="The license chosen for it; null: a file is uploaded.")


class LicenseChoiceSerializer(serializers.Serializer):
    requirement = serializers.IntegerField(help_text="The material's id (a requirement of the item).")
    license = serializers.CharField(max_length=120, help_text="The license's identifier (电子证照标识).")


class CaseDetailSerializer(CaseSummarySerializer):
    verification_code = serializers.SerializerMethodField(
        help_text="The key to the anonymous progress look-up: for whoever acts as the applicant (the applicant, "
                  "their agent, the front desk that filed it); empty for everyone else.")
    contact = ContactSerializer(source="*")
    form_data = serializers.SerializerMethodField(
        help_text="The application form; identity numbers in it masked unless you act on the case.")
    parent = serializers.SlugRelatedField(slug_field="number", read_only=True)
    materials = serializers.SerializerMethodField()
    license_uses = serializers.SerializerMethodField(help_text="Materials supplied by an electronic license (免提交).")
    transitions = serializers.SerializerMethodField()

    class Meta(CaseSummarySerializer.Meta):
        fields = CaseSummarySerializer.Meta.fields + [
            "verification_code", "contact", "form_data", "parent", "materials", "license_uses", "transitions",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_verification_code(self, case):
        return disclosure.verification_code(_user(self), case)

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_form_data(self, case):
        return disclosure.form_data(case, disclosure.shows_identity(_user(self), case))

    @extend_schema_field(MaterialSerializer(many=True))
    def get_materials(self, case):
        current = case.materials.filter(is_current=True).select_related("case")
        return MaterialSerializer(current, many=True, context=self.context).data

    @extend_schema_field(LicenseUseSerializer(many=True))
    def get_license_uses(self, case):
        uses = case.license_uses.select_related("license__license_type").order_by("requirement_name", "pk")
        return LicenseUseSerializer(uses, many=True, context=self.context).data

    @extend_schema_field(TransitionSerializer(many=True))
    def get_transitions(self, case):
        user = self.context["request"].user
        return TransitionSerializer(workflow.available(case, user), many=True,
                                    context={**self.context, "case": case}).data


class CaseCreateSerializer(serializers.Serializer):
    """A new draft. Name the applicant by one of ``applicant`` (a key from the choices the
    portal offers), ``enterprise_uscc`` or ``person_id_number``; with none, the only applicant
    you may act for is taken."""

    item = serializers.CharField(max_length=64, help_text="The service item's code (事项编码).")
    applicant = serializers.CharField(required=False, help_text='"enterprise:<id>" or "person:<id>".')
    enterprise_uscc = serializers.CharField(required=False, max_length=18)
    person_id_number = serializers.CharField(required=False, max_length=18)
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.ONLINE)
    contact_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    contact_phone = serializers.CharField(required=False, allow_blank=True, max_length=40)
    contact_email = serializers.EmailField(required=False, allow_blank=True)
    form_data = serializers.JSONField(required=False, help_text="The application form's fields.")

    def validate(self, attrs):
        named = [key for key in ("applicant", "enterprise_uscc", "person_id_number") if attrs.get(key)]
        if len(named) > 1:
            raise serializers.ValidationError(_("Name the applicant one way only."))
        return attrs


class FormDataField(serializers.JSONField):
    """The form's values: a JSON object — in ``multipart/form-data``, its JSON text."""

    def to_internal_value(self, data):
        if isinstance(data, str) and isinstance(getattr(self.parent, "initial_data", None), QueryDict):
            try:
                data = json.loads(data)
            except ValueError:
                self.fail("invalid")
        return super().to_internal_value(data)


class CaseApplySerializer(CaseCreateSerializer):
    """``POST /api/v1/cases/``: a draft, or with ``submit`` the application submitted in one go,
    its files (``materials[<requirement id>]``, multipart) with it."""

    form_data = FormDataField(required=False, help_text="The application form's fields (in multipart/form-data: "
                                                       "the JSON text of the object).")
    submit = serializers.BooleanField(
        default=False, help_text="Submit the application in the same request: the draft, its files and the submit step "
                                 "stand or fall together (nothing is kept of a refused one).")


# The multipart/form-data body of ``POST /api/v1/cases/`` (with files, ``submit=true``), for the
# schema: its files' keys name their requirement, which no serializer field can say.


def case_apply_multipart_schema() -> dict:
    text = {"type": "string"}
    return {
        "type": "object",
        "required": ["item"],
        "properties": {
            "item": {**text, "maxLength": 64, "description": "The service item's code (事项编码)."},
            "applicant": {**text, "description": '"enterprise:<id>" or "person:<id>".'},
            "enterprise_uscc": {**text, "maxLength": 18},
            "person_id_number": {**text, "maxLength": 18},
            "channel": {**text, "enum": list(Channel.values), "default": Channel.ONLINE},
            "contact_name": {**text, "maxLength": 100},
            "contact_phone": {**text, "maxLength": 40},
            "contact_email": {**text, "format": "email"},
            "form_data": {**text, "description": 'The application form\'s fields: the JSON text of the object, e.g. '
                                                 '{"shop_name": "海湾餐厅"}.'},
            "submit": {"type": "boolean", "default": False, "description": "true: submit in the same request."},
        },
        "additionalProperties": {
            "type": "string", "format": "binary",
            "description": "A file of a material, keyed materials[<requirement id>] (the id of the guide's material "
                           "requirement, as in the guide and the case's materials); repeat the key for several files "
                           "of one material. Only with submit=true.",
        },
    }


class MaterialUploadSerializer(serializers.Serializer):
    requirement = serializers.IntegerField(help_text="The id of the guide's material requirement.")
    file = serializers.FileField(allow_empty_file=True, use_url=False)
    replaces = serializers.IntegerField(required=False, help_text="Id of the current file this one replaces.")
    original_name = serializers.CharField(required=False, max_length=255,
                                          help_text="The file name to keep, if not the uploaded one's.")


class PromiseSerializer(serializers.Serializer):
    requirement = serializers.IntegerField()
    commitment = serializers.CharField(help_text="The signed commitment to supply the material after acceptance (容缺).")


class ProblemSerializer(serializers.Serializer):
    material = serializers.CharField(required=False, allow_blank=True, help_text="The material's name.")
    material_id = serializers.IntegerField(required=False, help_text="A file of this case to mark as needing correction.")
    problem = serializers.CharField(allow_blank=True, help_text="What must be corrected.")


class TransitionRequestSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, min_value=0,
                                       help_text='The version you saw; or send it as the header If-Match: "<version>".')
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    reason = serializers.CharField(required=False, allow_blank=True)
    problems = ProblemSerializer(many=True, required=False)
    deferred_due = serializers.DateField(required=False)
    correction_due = serializers.DateField(required=False)


class EventSerializer(serializers.Serializer):
    """A journal event (``casefiles.access.disclosure.Event``) as the caller is told it: staff read the
    journal as it is; the applicant the events they are told of, with their data, the
    department acting rather than its staff."""

    sequence = serializers.IntegerField()
    action = serializers.CharField()
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    actor = serializers.CharField(allow_null=True,
                                  help_text="Who acted, by name — a staff member's only to staff: the applicant is told "
                                            "the department or the front desk. null: the system (by operation of law).")
    on_behalf_of = serializers.CharField(
        allow_null=True, help_text="The applicant's user an agent (帮办代办) or the front desk acted for; null otherwise.")
    comment = serializers.CharField()
    data = serializers.JSONField()
    created_at = serializers.DateTimeField()


class TransitionResultSerializer(serializers.Serializer):
    event = EventSerializer(allow_null=True)
    case = CaseDetailSerializer()


class NoticeSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display")
    content = serializers.SerializerMethodField(
        help_text="The particulars printed on it; a person's identity number, and any identity or mobile number "
                  "in its texts, masked unless you act on the case (so is the PDF you are given).")
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = Notice
        fields = ["number", "kind", "kind_display", "issued_at", "sha256", "content", "pdf_url"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_content(self, notice):
        return disclosure.notice_content(notice, disclosure.shows_identity(_user(self), notice.case))

    @extend_schema_field(OpenApiTypes.URI)
    def get_pdf_url(self, notice):
        path = reverse("casefiles_api:notice-pdf", args=[notice.number])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class CaseListQuerySerializer(serializers.Serializer):
    role = serializers.ChoiceField(
        choices=[("staff", "staff"), ("applicant", "applicant")], required=False,
        help_text="staff: the cases you handle; applicant: your own (我的办件). Without it, both.",
    )
    number = serializers.CharField(required=False)
    status = serializers.MultipleChoiceField(choices=Status.choices, required=False,
                                             help_text="One or more, repeated or comma-separated.")
    department = serializers.CharField(required=False, help_text="Department code.")
    item = serializers.CharField(required=False, help_text="Service item code.")
    received_from = serializers.DateField(required=False, help_text="Submitted on or after this day.")
    received_to = serializers.DateField(required=False, help_text="Submitted on or before this day.")
    ordering = serializers.ChoiceField(
        choices=[(o, o) for o in ("promised_due", "-promised_due", "submitted_at", "-submitted_at")], required=False,
        help_text="Default: newest first.",
    )

    def to_internal_value(self, data):
        if hasattr(data, "getlist") and "status" in data:
            data = data.copy()
            data.setlist("status", [s for value in data.getlist("status") for s in value.split(",") if s])
        return super().to_internal_value(data)

    def validate(self, attrs):
        if attrs.get("received_from") and attrs.get("received_to") and attrs["received_from"] > attrs["received_to"]:
            raise serializers.ValidationError({"received_to": _("The end of the period is before its start.")})
        return attrs


class ProgressQuerySerializer(serializers.Serializer):
    number = serializers.CharField(max_length=64, help_text="The case number (spaces and dashes are ignored).")
    code = serializers.CharField(max_length=32, help_text="The verification code printed on the notices (any case).")


class ProgressSerializer(serializers.Serializer):
    """casefiles.portal.progress.Progress: what an anonymous visitor may learn, and no more."""

    number = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    status_display = serializers.CharField(source="status_label")
    item = serializers.CharField()
    department = serializers.CharField()
    submitted = serializers.DateField(allow_null=True)
    accepted = serializers.DateField(allow_null=True)
    promised_due = serializers.DateField(allow_null=True)
    decided = serializers.DateField(allow_null=True)
    concluded = serializers.DateField(allow_null=True)


# --- agents (帮办代办) and the front desk (一窗受理) -------------------------------------------------

def _user_name(user):
    return (user.get_full_name() or user.get_username()) if user is not None else None


class AuthorisationSerializer(serializers.ModelSerializer):
    case = serializers.CharField(source="case.number")
    applicant = serializers.CharField(source="case.applicant_name")
    agent = serializers.CharField(source="agent.get_username")
    agent_name = serializers.SerializerMethodField()
    granted_by = serializers.SerializerMethodField()
    revoked_by = serializers.SerializerMethodField()
    state = serializers.SerializerMethodField()
    document_url = serializers.SerializerMethodField()

    class Meta:
        model = Authorisation
        fields = ["id", "case", "applicant", "agent", "agent_name", "kind", "scope", "valid_from", "valid_until", "state",
                  "granted_by", "created_at", "revoked_at", "revoked_by", "expired", "document_name", "document_sha256",
                  "document_url"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_agent_name(self, authorisation):
        return _user_name(authorisation.agent)

    @extend_schema_field(serializers.CharField())
    def get_granted_by(self, authorisation):
        return _user_name(authorisation.granted_by)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_revoked_by(self, authorisation):
        return _user_name(authorisation.revoked_by)

    @extend_schema_field(serializers.ChoiceField(choices=Authorisation.State.choices))
    def get_state(self, authorisation):
        return authorisation.state()

    @extend_schema_field(OpenApiTypes.URI)
    def get_document_url(self, authorisation):
        path = reverse("casefiles_api:authorisation-document", args=[authorisation.case.number, authorisation.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class AuthorisationCreateSerializer(serializers.Serializer):
    agent = serializers.CharField(max_length=150, help_text="The agent's username, or the mobile phone of their registration.")
    kind = serializers.ChoiceField(choices=Authorisation.Kind.choices, default=Authorisation.Kind.HELPER)
    scope = serializers.ChoiceField(choices=Authorisation.Scope.choices, default=Authorisation.Scope.SUBMIT)
    valid_from = serializers.DateTimeField(required=False, help_text="Default: now.")
    valid_until = serializers.DateTimeField(help_text="At most 90 days after valid_from.")
    document = serializers.FileField(help_text="The signed authorisation (授权委托书): PDF, OFD, JPEG or PNG.")


class AuthorisationListQuerySerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=[("applicant", "applicant"), ("agent", "agent")], required=False,
                                   help_text="applicant: those you gave (for your enterprises or yourself); agent: those you hold.")


class RevokeSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300)


class HandOutRequestSerializer(serializers.Serializer):
    recipient_name = serializers.CharField(max_length=100)
    recipient_id_number = serializers.CharField(max_length=40, required=False, allow_blank=True,
                                                help_text="Checked; kept masked in the journal.")
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


class HandOutSerializer(serializers.Serializer):
    handed_out = EventSerializer(allow_null=True, help_text="The journal event of the hand-out; null until it happened.")
    notices = serializers.ListField(child=serializers.CharField(), help_text="Decision notices of the case and its children.")
    licenses = serializers.ListField(child=serializers.CharField(), help_text="Identifiers of the licenses issued.")
    unfinished = serializers.ListField(child=serializers.CharField(), help_text="Numbers of the cases still running.")


# --- the application form (申请表) -----------------------------------------------------------

class PrefilledSerializer(serializers.Serializer):
    value = serializers.JSONField()
    source = serializers.ChoiceField(choices=["profile", "license", "earlier"],
                                     help_text="Where the value came from: the applicant's record, a license held, an earlier application.")
    label = serializers.CharField(help_text="Where it came from, as the applicant reads it.")
    locked = serializers.BooleanField(help_text="The value is kept as its source has it, whatever is sent.")


class ItemFormSerializer(serializers.Serializer):
    item_code = serializers.CharField()
    title = serializers.CharField()
    revision = serializers.IntegerField(allow_null=True, help_text="The guide's live revision: the form new applications are asked.")
    schema = serializers.JSONField(help_text="The form as a JSON Schema (draft 2020-12); x- keywords carry labels, "
                                             "order, units, options, conditions, pre-fill sources and locks.")
    prefill = serializers.DictField(child=PrefilledSerializer(), required=False,
                                    help_text="With ?applicant=: the values the form starts with, by field key.")


class ItemFormQuerySerializer(serializers.Serializer):
    applicant = serializers.CharField(required=False, max_length=40,
                                      help_text='"enterprise:<id>" or "person:<id>", one you may act for: adds "prefill".')


class FormDataSerializer(serializers.Serializer):
    form_data = serializers.JSONField(help_text="The form's values by field key (PUT: all of them; PATCH: those to change).")


class CaseFormSerializer(serializers.Serializer):
    number = serializers.CharField()
    form_data = serializers.JSONField(help_text="The values stored.")


class FormErrorsSerializer(serializers.Serializer):
    form_data = serializers.DictField(child=serializers.ListField(child=serializers.CharField()),
                                      help_text="Each refused field's messages, by field key.")
