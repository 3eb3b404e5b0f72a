"""HTTP in front of casefiles.handling.applications, materials and workflow.

Every case is found by its number and trimmed by ``permissions.can(user, "view_casefile")``:
a case the caller may not see answers exactly like one that does not exist. The domain's
refusals carry their status (``casefiles.errors``); the exception handler (``api/errors.py``)
turns them into one error shape: ``{"detail", "messages", "code"}``, plus ``current``
(status and version) on 409.
"""

import datetime
import re

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status as http
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import APIException, Throttled, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from casefiles.access import disclosure, permissions
from casefiles.api import serializers as s
from casefiles.api.errors import refusal_response
from casefiles.api.throttles import ProgressThrottle
from casefiles.handling import applications, workflow
from casefiles.cases.models import CaseFile, Channel
from casefiles.deadlines import working_days
from casefiles.directory import lookup, roles
from casefiles.errors import Conflict, Invalid, NotFound, NotPermitted
from casefiles.forms import definition as form_definition
from casefiles.forms import prefill as form_prefill
from casefiles.forms import schema as form_schema
from casefiles.forms import storing as form_storing
from casefiles.forms import validation as form_validation
from casefiles.licenses import reuse
from casefiles.materials import downloads, submission, uploads
from casefiles.notices import documents
from casefiles.notices.models import Notice
from casefiles.portal.progress import look_up
from cms.models import ServiceItemPage
from config import signin

CASE_RELATIONS = ("department", "item", "parent")

# --- errors --------------------------------------------------------------------------------

def error_response(status_code, code, messages, **extra):
    messages = [str(m) for m in messages]
    return Response({"detail": " ".join(messages), "messages": messages, "code": code, **extra}, status=status_code)


def current_state(case, user):
    """The case's status (as ``user`` is told it) and version now."""
    fresh = CaseFile.objects.filter(pk=case.pk).values("status", "version").first()
    seen = disclosure.audience(user, case)
    return {"status": disclosure.status(fresh["status"], seen), "status_display": disclosure.status_label(fresh["status"], seen),
            "version": fresh["version"]}


# The domain's refusals are answered by casefiles.api.errors.exception_handler (the setting's
# EXCEPTION_HANDLER), with their status codes. (A comment, not a docstring: drf-spectacular would
# show a docstring as every subclass's description.)
class CaseFileAPIView(APIView):
    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        if isinstance(exc, APIException) and not isinstance(exc, ValidationError):
            # DRF's own refusals (not signed in, throttled …) in the same shape as ours; field
            # errors keep DRF's {"field": ["message"]}.
            response.data = {"detail": str(exc.detail), "messages": [str(exc.detail)], "code": exc.get_codes()}
        return response


def no_such_case():
    return NotFound(_("No such case."))


def visible_case(user, number) -> CaseFile:
    case = CaseFile.objects.select_related(*CASE_RELATIONS).filter(number=number).first()
    if case is None or not permissions.can(user, "view_casefile", case):
        raise no_such_case()
    return case


def tagged(response, case):
    """The case's version as its entity tag: the client sends it back as If-Match."""
    response["ETag"] = f'"{case.version}"'
    return response


def detail(case, request):
    return s.CaseDetailSerializer(case, context={"request": request}).data


# --- documentation pieces --------------------------------------------------------------------

NUMBER = OpenApiParameter("number", OpenApiTypes.STR, OpenApiParameter.PATH, description="The case number (办件编号).")
MATERIAL_ID = OpenApiParameter("material_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The material's id.")
ERRORS = {
    400: OpenApiResponse(s.ErrorSerializer, description="Refused: the messages say why."),
    403: OpenApiResponse(s.ErrorSerializer, description="Not signed in, or you may not take this step."),
    404: OpenApiResponse(s.ErrorSerializer, description="No such case — or one you may not see: the answer is the same."),
}
NOT_FOUND_EXAMPLE = OpenApiExample(
    "Not found", status_codes=["404"], response_only=True,
    value={"detail": "No such case.", "messages": ["No such case."], "code": "not_found"},
)


# --- cases -----------------------------------------------------------------------------------

class CaseListView(CaseFileAPIView, GenericAPIView):
    serializer_class = s.CaseSummarySerializer
    queryset = CaseFile.objects.none()  # for the schema; requests use cases_for()

    ORDERINGS = {
        "promised_due": ["promised_due", "pk"],
        "-promised_due": ["-promised_due", "-pk"],
        "submitted_at": ["submitted_at", "pk"],
        "-submitted_at": ["-submitted_at", "-pk"],
    }

    @staticmethod
    def cases_for(user, role, statuses=()):
        """The listing, in ``statuses`` if any: staff's cases by their status, the applicant's by
        the status they are told (casefiles.access.disclosure): a step waiting inside the department
        is not found by its own name."""
        if role == "staff":
            return permissions.staff_cases(user, statuses)
        if role == "applicant":
            own = permissions.applicant_cases(user)
            return own.filter(status__in=disclosure.told_as(statuses)) if statuses else own
        if statuses:
            return permissions.staff_cases(user, statuses) | permissions.applicant_cases(user).filter(
                status__in=disclosure.told_as(statuses))
        return permissions.visible_cases(user)

    @extend_schema(
        tags=["cases"], operation_id="cases_list", parameters=[s.CaseListQuerySerializer],
        summary="List the cases you may see",
        description="Staff see the cases of their departments (and parallel approvals); applicants their own. "
                    "Drafts are only ever their applicant's. Paginated, 50 a page.",
        responses={200: s.CaseSummarySerializer(many=True), 400: ERRORS[400], 403: ERRORS[403]},
    )
    def get(self, request):
        query = s.CaseListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        q = query.validated_data
        cases = self.cases_for(request.user, q.get("role"), q.get("status") or ()).select_related(*CASE_RELATIONS)
        if q.get("number"):
            cases = cases.filter(number=q["number"])
        if q.get("department"):
            cases = cases.filter(department__code=q["department"])
        if q.get("item"):
            cases = cases.filter(item_code=q["item"])
        if q.get("received_from"):
            cases = cases.filter(submitted_at__gte=start_of(q["received_from"]))
        if q.get("received_to"):
            cases = cases.filter(submitted_at__lt=start_of(q["received_to"] + datetime.timedelta(days=1)))
        cases = cases.order_by(*self.ORDERINGS.get(q.get("ordering"), ["-created_at", "-pk"]))
        page = self.paginate_queryset(cases)
        disclosure.prefetch(request.user, page)  # what the caller is told of each, asked for the page at once
        context = {"request": request, "calendar": working_days.get_calendar()}
        return self.get_paginated_response(s.CaseSummarySerializer(page, many=True, context=context).data)

    @extend_schema(
        tags=["cases"], operation_id="cases_create", summary="Start an application (a draft), or apply in one go",
        description="`form_data` is checked against the item's form (GET /api/v1/items/{item_code}/form/): a draft may "
                    "leave fields empty, but every value given must fit; the draft starts with the pre-filled values "
                    "under those sent (a locked one as its source has it). A refused value answers 400 with "
                    '`{"form_data": {key: [messages]}}`.\n\n'
                    "**In one go:** with `submit=true` the application is started, its files stored and submitted in "
                    "one transaction — as `multipart/form-data`, each file keyed `materials[<requirement id>]` (the key "
                    "repeated for several files of one material) and `form_data` as JSON text. A refused file (by its "
                    "content, name or size: 400 `refused`) or a refused submission (a condition of the step: 400 "
                    "`guard_failed`, every unmet condition listed) leaves nothing: no case, no number, no file. "
                    "Success answers 201 with the case, submitted.",
        request={"application/json": s.CaseApplySerializer, "multipart/form-data": s.case_apply_multipart_schema()},
        responses={201: s.CaseDetailSerializer, 400: ERRORS[400], 403: ERRORS[403]},
        examples=[
            OpenApiExample("For your enterprise", request_only=True, media_type="application/json", value={
                "item": "11440400MB2C92390J4440111001000", "enterprise_uscc": "91440400MA55L8QJ28",
                "contact_name": "林晓燕", "contact_phone": "0756-2212345",
            }),
            OpenApiExample("Refused", status_codes=["400"], response_only=True, value={
                "detail": "You may not apply on behalf of this applicant.",
                "messages": ["You may not apply on behalf of this applicant."], "code": "refused",
            }),
            OpenApiExample("Submitted in one go, a material missing", status_codes=["400"], response_only=True, value={
                "detail": "Required materials are missing: 营业执照.",
                "messages": ["Required materials are missing: 营业执照."], "code": "guard_failed",
            }),
        ],
    )
    def post(self, request):
        serializer = s.CaseApplySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        sent = sent_materials(request, submit=data["submit"])
        item = ServiceItemPage.objects.filter(item_code=data["item"]).first()
        if item is None:
            return error_response(http.HTTP_400_BAD_REQUEST, "refused", [_("No service item has this code.")])
        applicant = resolve_applicant(request.user, data)
        try:
            form_data = starting_form_data(item, applicant, data.get("form_data"))
        except form_validation.FormInvalid as invalid:
            return form_errors(invalid)
        details = {"channel": data["channel"], "contact_name": data.get("contact_name", ""),
                   "contact_phone": data.get("contact_phone", ""), "contact_email": data.get("contact_email", ""),
                   "form_data": form_data}
        if data["submit"]:
            case = submission.submit_application(request.user, item, applicant, materials_of(item, sent),
                                                 prepare=NEW_DRAFT, **details)
        else:
            with transaction.atomic():
                case = applications.start(request.user, item, applicant, **details)
                for step in NEW_DRAFT:
                    step(case, request.user)
        case = CaseFile.objects.select_related(*CASE_RELATIONS).get(pk=case.pk)
        response = tagged(Response(detail(case, request), status=http.HTTP_201_CREATED), case)
        response["Location"] = request.build_absolute_uri(response.data["url"])
        return response


# What every new draft of the API gets once started, in its transaction (a draft's, or the one
# of an application submitted in one go): 免提交 — the licenses held chosen by default.
NEW_DRAFT = (reuse.use_held_licenses,)

MATERIAL_KEY = re.compile(r"materials\[(\d{1,18})\]")


def sent_materials(request, *, submit) -> list[tuple[int, object]]:
    """The files sent to apply in one go, as (requirement id, upload) in the order sent: each keyed
    ``materials[<requirement id>]``. Another key, or files without ``submit``, are refused field by field."""
    sent = []
    for key, files in request.FILES.lists():
        found = MATERIAL_KEY.fullmatch(key)
        if found is None:
            raise ValidationError({key: [_("Send each file as materials[<requirement id>].")]})
        sent.extend((int(found.group(1)), upload) for upload in files)
    if sent and not submit:
        raise ValidationError({"submit": [
            _("Files are sent with submit=true only; a draft's files are uploaded one by one to its materials.")]})
    return sent


def materials_of(item, sent) -> list[tuple[object, object]]:
    """(requirement, upload) pairs for ``submission.submit_application``; a requirement of another item is refused."""
    requirements = {r.pk: r for r in item.material_requirements.filter(pk__in={pk for pk, _upload in sent})}
    if any(pk not in requirements for pk, _upload in sent):
        raise uploads.UploadRefused(_("That material is not one this item asks for."))
    return [(requirements[pk], upload) for pk, upload in sent]


def form_errors(invalid):
    """A refused form, field by field: ``{"form_data": {key: [messages]}}``."""
    return Response({"form_data": invalid.errors}, status=http.HTTP_400_BAD_REQUEST)


def starting_form_data(item, applicant, given) -> dict:
    """What a new draft's form holds: the values sent (checked, a draft's: ``partial``) over the
    pre-filled ones, a locked one as its source has it."""
    form = form_definition.of_item(item)
    if given is not None:
        form_validation.clean(form, given, partial=True)  # each value sent fits, or 400 field by field
    found = form_prefill.prefill(form, applicant, item_code=item.item_code)
    values = {**form_prefill.values(found), **(given or {})}
    values.update({key: p.value for key, p in found.items() if p.locked})
    return form_validation.clean(form, values, partial=True)


def start_of(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def resolve_applicant(user, data):
    """The applicant named in the request, among those ``user`` may act for.

    A window clerk taking an application at the window (channel "window") may name any
    registered applicant by code; applications.start checks that role again.
    """
    refused = NotPermitted(_("You may not apply on behalf of this applicant."))
    choices = applications.applicants_for(user)
    if data.get("applicant"):
        applicant = applications.resolve_applicant(user, data["applicant"])
        if applicant is None:
            raise refused
        return applicant
    at_window = data["channel"] == Channel.WINDOW and roles.has_global_role(user, roles.WINDOW_CLERK)
    for field, kind in (("enterprise_uscc", lookup.USCC), ("person_id_number", lookup.RESIDENT_ID)):
        if not data.get(field):
            continue
        code = lookup.read_code(data[field], kind)
        for choice in choices:
            if code.names(choice.applicant):
                return choice.applicant
        applicant = code.registered() if at_window else None
        if applicant is None:
            raise refused  # the same answer whether or not the code is registered
        return applicant
    if len(choices) == 1:
        return choices[0].applicant
    raise Invalid(_("Say for whom you apply: applicant, enterprise_uscc or person_id_number."))


class CaseDetailView(CaseFileAPIView):
    @extend_schema(
        tags=["cases"], operation_id="cases_retrieve", parameters=[NUMBER], summary="One case",
        description='The answer carries the header ETag: "<version>"; send it back as If-Match with a transition.',
        responses={200: s.CaseDetailSerializer, 403: ERRORS[403], 404: ERRORS[404]}, examples=[NOT_FOUND_EXAMPLE],
    )
    def get(self, request, number):
        case = visible_case(request.user, number)
        return tagged(Response(detail(case, request)), case)


# Parameters a transition may use; ``deferred_due`` and ``problems`` reach only the transitions
# that declare them in workflow.TRANSITIONS (``needs``), so an ordinary acceptance cannot
# carry a deferral date.
ALWAYS_PASSED = ("reason", "correction_due")


def seen_version(request, data):
    """The version the client saw, from If-Match ("3", W/"3") or the body's ``version``."""
    header = request.headers.get("If-Match", "").strip()
    from_header = None
    if header:
        value = header.removeprefix("W/").strip('"')
        if not value.isdigit():
            raise ValidationError({"If-Match": [_('If-Match must be the version you saw, in quotes: If-Match: "3".')]})
        from_header = int(value)
    from_body = data.get("version")
    if from_header is not None and from_body is not None and from_header != from_body:
        raise ValidationError({"version": [_("If-Match and version disagree.")]})
    return from_header if from_header is not None else from_body


class TransitionView(CaseFileAPIView):
    @extend_schema(
        tags=["cases"], operation_id="cases_transition",
        summary="Take a step of the workflow (submit, accept, request_correction, withdraw …)",
        description=(
            "Send the version you saw as the header `If-Match: \"<version>\"` (or the field `version`). "
            "The parameters a step needs are listed with it in the case's `transitions`. "
            "409 when the case changed since you loaded it or the step is not possible in its status; "
            "the answer then carries the case's current status and version."
        ),
        parameters=[
            NUMBER,
            OpenApiParameter("name", OpenApiTypes.STR, OpenApiParameter.PATH,
                             enum=sorted(workflow.TRANSITIONS), description="The transition."),
            OpenApiParameter("If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
                             description='The version you saw, as an entity tag: "3".'),
        ],
        request=s.TransitionRequestSerializer,
        responses={
            200: s.TransitionResultSerializer,
            400: OpenApiResponse(s.ErrorSerializer, description="A condition is not met; every message is listed."),
            403: ERRORS[403], 404: ERRORS[404],
            409: OpenApiResponse(s.ConflictSerializer, description="Changed meanwhile, or not possible now."),
            428: OpenApiResponse(s.ErrorSerializer, description="No version given."),
        },
        examples=[
            OpenApiExample("Accept", request_only=True, value={"comment": "材料齐全"}),
            OpenApiExample("Request correction", request_only=True, value={
                "version": 2,
                "problems": [{"material": "营业执照", "problem": "复印件不清晰，请重新上传彩色扫描件"}],
                "correction_due": "2026-12-04",
            }),
            OpenApiExample("Accept with deferred materials", request_only=True, value={"version": 2, "deferred_due": "2026-12-10"}),
            OpenApiExample("Guard failed", status_codes=["400"], response_only=True, value={
                "detail": "Give the reason: it is written into the decision the applicant receives.",
                "messages": ["Give the reason: it is written into the decision the applicant receives."],
                "code": "guard_failed",
            }),
            OpenApiExample("Conflict", status_codes=["409"], response_only=True, value={
                "detail": "This case has changed since you loaded it (you saw version 2, it is now at version 3). "
                          "Reload it and try again.",
                "messages": ["This case has changed since you loaded it (you saw version 2, it is now at version 3). "
                             "Reload it and try again."],
                "code": "conflict", "current": {"status": "accepted", "status_display": "Accepted", "version": 3},
            }),
        ],
    )
    def post(self, request, number, name):
        case = visible_case(request.user, number)
        serializer = s.TransitionRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        seen = seen_version(request, data)
        if seen is None:
            return error_response(http.HTTP_428_PRECONDITION_REQUIRED, "precondition_required", [
                _('Send the version of the case you saw: the header If-Match: "%(version)s" or the field version.')
                % {"version": case.version}
            ])
        if seen != case.version:
            return error_response(http.HTTP_409_CONFLICT, "conflict", [
                _("This case has changed since you loaded it (you saw version %(seen)s, it is now at version %(current)s). "
                  "Reload it and try again.") % {"seen": seen, "current": case.version}
            ], current=current_state(case, request.user))
        transition = workflow.TRANSITIONS.get(name)
        passed = set(ALWAYS_PASSED) | set(transition.needs if transition else ())
        params = {key: value for key, value in data.items() if key in passed}
        if "problems" in params:
            params["problems"] = [dict(problem) for problem in params["problems"]]
        try:
            event = workflow.perform(case, name, request.user, expected_version=seen, comment=data["comment"], **params)
        except Conflict as exc:  # and NotAllowedNow: with the state the case is in now
            return refusal_response(exc, current=current_state(case, request.user))
        case = CaseFile.objects.select_related(*CASE_RELATIONS).get(pk=case.pk)
        told = disclosure.disclose(event, case, disclosure.audience(request.user, case))
        return tagged(Response({"event": s.EventSerializer(told).data if told else None, "case": detail(case, request)}), case)


class EventListView(CaseFileAPIView):
    @extend_schema(tags=["cases"], operation_id="cases_events", parameters=[NUMBER], summary="The case's journal (日志)",
                   description="Staff read the journal as it is; the applicant the events they are told of "
                               "(decisions, not the department's deliberation), the department acting, never its staff.",
                   responses={200: s.EventSerializer(many=True), 403: ERRORS[403], 404: ERRORS[404]})
    def get(self, request, number):
        case = visible_case(request.user, number)
        return Response(s.EventSerializer(disclosure.events(case, disclosure.audience(request.user, case)), many=True).data)


# --- materials -------------------------------------------------------------------------------

def material_of(case, material_id, **conditions):
    material = case.materials.select_related("case").filter(pk=material_id, **conditions).first()
    if material is None:
        raise NotFound(_("No such material."))
    return material


class MaterialListView(CaseFileAPIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(tags=["materials"], operation_id="materials_list", parameters=[NUMBER],
                   summary="The case's current materials",
                   responses={200: s.MaterialSerializer(many=True), 403: ERRORS[403], 404: ERRORS[404]})
    def get(self, request, number):
        case = visible_case(request.user, number)
        current = case.materials.filter(is_current=True).select_related("case")
        return Response(s.MaterialSerializer(current, many=True, context={"request": request}).data)

    @extend_schema(
        tags=["materials"], operation_id="materials_upload", parameters=[NUMBER], summary="Upload a material",
        description="multipart/form-data. The file is checked by its content (PDF, OFD, JPEG, PNG, DOCX, XLSX; "
                    "size; archive bombs; names with paths). `replaces` makes it the next version of a current file.",
        request={"multipart/form-data": s.MaterialUploadSerializer},
        responses={201: s.MaterialSerializer, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404]},
        examples=[OpenApiExample("Refused", status_codes=["400"], response_only=True, value={
            "detail": "This kind of file is not accepted: upload PDF, OFD, JPEG, PNG, DOCX or XLSX.",
            "messages": ["This kind of file is not accepted: upload PDF, OFD, JPEG, PNG, DOCX or XLSX."],
            "code": "refused",
        })],
    )
    def post(self, request, number):
        case = visible_case(request.user, number)
        serializer = s.MaterialUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        requirement = case.item.material_requirements.filter(pk=data["requirement"]).first()
        if requirement is None:
            raise uploads.UploadRefused(_("That material is not one this item asks for."))
        replaces = None
        if data.get("replaces") is not None:
            replaces = case.materials.filter(pk=data["replaces"]).first()
            if replaces is None:
                raise uploads.UploadRefused(_("Only a current file of the same material can be replaced."))
        upload = data["file"]
        if data.get("original_name") is not None:
            # Checked before Django's own clean-up of names could quietly drop a path from it.
            upload.name = uploads.check_name(data["original_name"])
        material = uploads.add(case, requirement, upload, request.user, replaces=replaces)
        return Response(s.MaterialSerializer(material, context={"request": request}).data, status=http.HTTP_201_CREATED)


class MaterialPromiseView(CaseFileAPIView):
    @extend_schema(
        tags=["materials"], operation_id="materials_promise", parameters=[NUMBER],
        summary="Promise to supply a material after acceptance (容缺承诺)",
        request=s.PromiseSerializer,
        responses={201: s.MaterialSerializer, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404]},
        examples=[OpenApiExample("Commitment", request_only=True, value={
            "requirement": 12, "commitment": "本单位承诺在受理后5个工作日内补交营业执照原件。"})],
    )
    def post(self, request, number):
        case = visible_case(request.user, number)
        serializer = s.PromiseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        requirement = case.item.material_requirements.filter(pk=serializer.validated_data["requirement"]).first()
        if requirement is None:
            raise uploads.UploadRefused(_("That material is not one this item asks for."))
        material = uploads.promise_later(case, requirement, request.user, serializer.validated_data["commitment"])
        return Response(s.MaterialSerializer(material, context={"request": request}).data, status=http.HTTP_201_CREATED)


class MaterialDetailView(CaseFileAPIView):
    @extend_schema(tags=["materials"], operation_id="materials_remove", parameters=[NUMBER, MATERIAL_ID],
                   summary="Take a file out of an application being prepared",
                   responses={204: None, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404]})
    def delete(self, request, number, material_id):
        case = visible_case(request.user, number)
        uploads.remove(material_of(case, material_id, is_current=True), request.user)
        return Response(status=http.HTTP_204_NO_CONTENT)


# --- 免提交: an electronic license in place of a material -----------------------------------

REQUIREMENT_ID = OpenApiParameter("requirement_id", OpenApiTypes.INT, OpenApiParameter.PATH,
                                  description="The material's id (a requirement of the item).")


def requirement_of(case, requirement_id):
    requirement = case.item.material_requirements.filter(pk=requirement_id).first()
    if requirement is None:
        raise Invalid(_("That material is not one this item asks for."))
    return requirement


def offer_of(case, requirement):
    return next((o for o in reuse.offers(case) if o.requirement.pk == requirement.pk), None)


class LicenseOfferView(CaseFileAPIView):
    @extend_schema(
        tags=["materials"], operation_id="licenses_offers", parameters=[NUMBER],
        summary="Licenses that may stand in for the materials (免提交)",
        description="Per material that accepts an electronic license: the applicant's licenses usable now "
                    "(valid, not past their end) and the one in use, with its status now.",
        responses={200: s.LicenseOfferSerializer(many=True), 403: ERRORS[403], 404: ERRORS[404]},
    )
    def get(self, request, number):
        case = visible_case(request.user, number)
        return Response(s.LicenseOfferSerializer(reuse.offers(case), many=True).data)

    @extend_schema(
        tags=["materials"], operation_id="licenses_use", parameters=[NUMBER],
        summary="Use a license in place of a material",
        description="While the application is with the applicant (a draft, a correction). Another license chosen "
                    "for the same material is replaced; a file already uploaded stays.",
        request=s.LicenseChoiceSerializer,
        responses={201: s.LicenseOfferSerializer, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404],
                   409: OpenApiResponse(s.ErrorSerializer, description="Not while the case is in this state.")},
        examples=[OpenApiExample("营业执照", request_only=True, value={
            "requirement": 12, "license": "1.2.156.3005.2.11100000000013338W011.11440400MB2C92390J.20210000001.001.X"})],
    )
    def post(self, request, number):
        case = visible_case(request.user, number)
        serializer = s.LicenseChoiceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        requirement = requirement_of(case, serializer.validated_data["requirement"])
        identifier = serializer.validated_data["license"].strip().upper()
        offer = offer_of(case, requirement)
        license = next((lic for lic in (offer.licenses if offer else []) if lic.identifier == identifier), None)
        if license is None:  # another's license, a lapsed one or none: the same answer
            raise Invalid(_("This license cannot stand in for that material."))
        reuse.use_license(case, requirement, license, request.user)
        return Response(s.LicenseOfferSerializer(offer_of(case, requirement)).data, status=http.HTTP_201_CREATED)


class LicenseUseView(CaseFileAPIView):
    @extend_schema(
        tags=["materials"], operation_id="licenses_stop_using", parameters=[NUMBER, REQUIREMENT_ID],
        summary="Stop using a license in place of a material (upload it instead)",
        responses={204: None, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404],
                   409: OpenApiResponse(s.ErrorSerializer, description="Not while the case is in this state.")},
    )
    def delete(self, request, number, requirement_id):
        case = visible_case(request.user, number)
        if not reuse.stop_using(case, requirement_of(case, requirement_id), request.user):
            raise NotFound(_("No license is used for that material."))
        return Response(status=http.HTTP_204_NO_CONTENT)


FILE_RESPONSE = OpenApiResponse(OpenApiTypes.BINARY, description="The file.")


class MaterialFileView(CaseFileAPIView):
    @extend_schema(tags=["materials"], operation_id="materials_file", parameters=[NUMBER, MATERIAL_ID],
                   summary="Download a material's file (any version)",
                   responses={(200, "application/octet-stream"): FILE_RESPONSE, 403: ERRORS[403], 404: ERRORS[404]})
    def get(self, request, number, material_id):
        case = visible_case(request.user, number)
        material = material_of(case, material_id)
        if not material.file:
            raise NotFound(_("This material was promised for later and has no file yet."))
        return downloads.file_response(material.file.open("rb"), name=material.original_name,
                                       content_type=material.content_type)


# --- notices ---------------------------------------------------------------------------------

class NoticeListView(CaseFileAPIView):
    @extend_schema(tags=["notices"], operation_id="notices_list", parameters=[NUMBER], summary="The case's notices (文书)",
                   responses={200: s.NoticeSerializer(many=True), 403: ERRORS[403], 404: ERRORS[404]})
    def get(self, request, number):
        case = visible_case(request.user, number)
        return Response(s.NoticeSerializer(case.notices.all(), many=True, context={"request": request}).data)


class NoticePdfView(CaseFileAPIView):
    @extend_schema(
        tags=["notices"], operation_id="notices_pdf", summary="A notice's PDF",
        parameters=[OpenApiParameter("notice_number", OpenApiTypes.STR, OpenApiParameter.PATH,
                                     description="The notice's document number, URL-encoded (e.g. SCJGJ受字〔2026〕第00001号).")],
        responses={(200, "application/pdf"): FILE_RESPONSE, 403: ERRORS[403], 404: ERRORS[404]},
    )
    def get(self, request, notice_number):
        notice = Notice.objects.select_related("case").filter(number=notice_number).first()
        if notice is None or not permissions.can(request.user, "view_casefile", notice.case):
            raise NotFound(_("No such notice."))
        pdf, as_issued = documents.open_pdf_for(notice, request.user)
        response = downloads.file_response(pdf, name=f"{notice.number}.pdf", content_type="application/pdf", inline=True)
        if as_issued:
            response["ETag"] = f'"{notice.pdf_sha256}"'  # rendered once, never changed
        return response


# --- anonymous progress look-up ----------------------------------------------------------------

class ProgressView(CaseFileAPIView):
    permission_classes = [AllowAny]
    authentication_classes = []  # anonymous by design: a stale token must not turn it into a 401
    throttle_classes = [ProgressThrottle]

    @extend_schema(
        tags=["progress"], operation_id="progress_lookup", auth=[],
        summary="Progress of a case by its number and verification code (办件进度查询)",
        description="For anyone holding a notice: status, item, department and dates only. "
                    "Rate limited per client address (429 with Retry-After).",
        parameters=[s.ProgressQuerySerializer],
        responses={200: s.ProgressSerializer, 400: ERRORS[400],
                   404: OpenApiResponse(s.ErrorSerializer, description="No case with this number and code."),
                   429: OpenApiResponse(description="Too many look-ups: try again later.")},
    )
    def get(self, request):
        query = s.ProgressQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        # The portal's look-up: drafts never found, one answer for a wrong number and a wrong code.
        progress = look_up(query.validated_data["number"], query.validated_data["code"])
        if progress is None:
            raise no_such_case()
        return Response(s.ProgressSerializer(progress).data)


# --- tokens for systems ------------------------------------------------------------------------

class TokenView(CaseFileAPIView, ObtainAuthToken):
    authentication_classes = []  # the credentials are in the body; a browser session needs no CSRF here
    throttle_classes = []  # a sign-in: limited by config.signin's locks, shared with the sign-in pages

    @extend_schema(
        tags=["auth"], operation_id="auth_token", auth=[],
        summary="Exchange a username and password for an API token",
        description='Send the token on every request as the header `Authorization: Token <key>`. '
                    "The same token is returned until an administrator deletes it. "
                    "Too many failed attempts for one user name, or from one client address — here or on "
                    "the sign-in pages — lock it for a while (429 with Retry-After).",
        responses={200: ObtainAuthToken.serializer_class, 400: OpenApiResponse(description="Wrong credentials."),
                   429: OpenApiResponse(description="Too many attempts: try again later.")},
        examples=[OpenApiExample("Credentials", request_only=True, value={"username": "scjgj-clerk", "password": "…"}),
                  OpenApiExample("Token", response_only=True, value={"token": "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"})],
    )
    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except ValidationError:
            seconds = signin.refusal(request)
            if seconds:
                refused = Throttled(detail=signin.message(seconds))  # the message says when, in minutes
                refused.wait = seconds  # → Retry-After
                raise refused from None
            raise



# --- the application form (申请表) -------------------------------------------------------------

ITEM_CODE = OpenApiParameter("item_code", OpenApiTypes.STR, OpenApiParameter.PATH, description="The service item's code (事项编码).")
FORM_ERRORS = OpenApiResponse(s.FormErrorsSerializer, description="A value does not fit the form: each field's messages.")
FORM_ERRORS_EXAMPLE = OpenApiExample("Refused field by field", status_codes=["400"], response_only=True, value={
    "form_data": {"capital": ["Enter a number."], "mobile": ["Enter a mobile number of 11 digits starting with 1."]}})


class ItemFormView(CaseFileAPIView):
    permission_classes = [AllowAny]  # a live guide's form is public; the pre-fill is the caller's own

    @extend_schema(
        tags=["forms"], operation_id="items_form",
        summary="An item's application form (申请表) as a JSON Schema, with what it starts with for an applicant",
        description="Readable without signing in. With `?applicant=enterprise:<id>` (or `person:<id>`), one you may act "
                    "for, `prefill` gives the values a new application starts with and where each came from.",
        parameters=[ITEM_CODE, s.ItemFormQuerySerializer],
        responses={200: s.ItemFormSerializer, 403: ERRORS[403],
                   404: OpenApiResponse(s.ErrorSerializer, description="No live service item has this code.")},
    )
    def get(self, request, item_code):
        query = s.ItemFormQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        item = ServiceItemPage.objects.live().filter(item_code=str(item_code)[:64]).first()
        if item is None:
            raise NotFound(_("No service item has this code."))
        form = form_definition.of_item(item)
        body = {"item_code": item.item_code, "title": item.title, "revision": item.live_revision_id,
                "schema": form_schema.json_schema(form, title=item.title, item_code=item.item_code)}
        key = query.validated_data.get("applicant")
        if key:
            applicant = applications.resolve_applicant(request.user, key)
            if applicant is None:
                raise NotPermitted(_("You may not apply on behalf of this applicant."))
            found = form_prefill.prefill(form, applicant, item_code=item.item_code)
            body["prefill"] = {k: {"value": p.value, "source": p.source, "label": str(p.label), "locked": p.locked}
                               for k, p in found.items()}
        return Response(body)


class CaseFormView(CaseFileAPIView):
    def _save(self, request, number, *, replace):
        case = visible_case(request.user, number)
        serializer = s.FormDataSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            case = form_storing.save(case, serializer.validated_data["form_data"], request.user, replace=replace)
        except form_validation.FormInvalid as invalid:
            return form_errors(invalid)
        return Response({"number": case.number,
                         "form_data": disclosure.form_data(case, disclosure.shows_identity(request.user, case))})

    @extend_schema(
        tags=["forms"], operation_id="cases_form_retrieve", parameters=[NUMBER], summary="The case's form values",
        responses={200: s.CaseFormSerializer, 403: ERRORS[403], 404: ERRORS[404]}, examples=[NOT_FOUND_EXAMPLE],
    )
    def get(self, request, number):
        case = visible_case(request.user, number)
        return Response({"number": case.number,
                         "form_data": disclosure.form_data(case, disclosure.shows_identity(request.user, case))})

    @extend_schema(
        tags=["forms"], operation_id="cases_form_replace", parameters=[NUMBER],
        summary="Replace the form's values (a draft, or an application sent back for correction)",
        description="Exactly the values sent are kept (locked pre-filled ones as their source has them); a draft may "
                    "leave fields empty, submitting checks them. 409 when the application is no longer with the applicant.",
        request=s.FormDataSerializer,
        responses={200: s.CaseFormSerializer, 400: FORM_ERRORS, 403: ERRORS[403], 404: ERRORS[404],
                   409: OpenApiResponse(s.ErrorSerializer, description="The form cannot be changed now.")},
        examples=[OpenApiExample("Values", request_only=True, value={"form_data": {"shop_name": "海湾餐厅", "capital": 500000}}),
                  FORM_ERRORS_EXAMPLE, NOT_FOUND_EXAMPLE],
    )
    def put(self, request, number):
        return self._save(request, number, replace=True)

    @extend_schema(
        tags=["forms"], operation_id="cases_form_update", parameters=[NUMBER],
        summary="Change some of the form's values (the others are kept)",
        request=s.FormDataSerializer,
        responses={200: s.CaseFormSerializer, 400: FORM_ERRORS, 403: ERRORS[403], 404: ERRORS[404],
                   409: OpenApiResponse(s.ErrorSerializer, description="The form cannot be changed now.")},
        examples=[OpenApiExample("Values", request_only=True, value={"form_data": {"capital": 800000}}),
                  FORM_ERRORS_EXAMPLE, NOT_FOUND_EXAMPLE],
    )
    def patch(self, request, number):
        return self._save(request, number, replace=False)
