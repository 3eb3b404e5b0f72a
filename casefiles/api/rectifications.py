"""/api/v1/evaluations/: 好差评 for staff — the reviews they see (supervisors every one, staff
their departments'), a review's rectification (整改: GET; POST the action, the call-back 回访)
and the request to exclude it (申请剔除: POST by the department; POST …/decide/ by a supervisor).
In front of casefiles.evaluations' rectifications, exclusions and staff. Refusals answer as in
every channel: a review the caller may not see is 404 like a missing one, one they may see but
not act on 403, a step the record's state forbids 409, empty text 400. Never who gave a review."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from casefiles.api.views import ERRORS, CaseFileAPIView
from casefiles.directory import lookup
from casefiles.errors import NotFound
from casefiles.evaluations import exclusions, rectifications, staff
from casefiles.evaluations.models import Evaluation, Exclusion, Level, Rectification

EVALUATION_ID = OpenApiParameter("evaluation_id", OpenApiTypes.INT, OpenApiParameter.PATH,
                                 description="The review's id.")



class StaffEvaluationSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.code", help_text="The department's code.")
    department_name = serializers.CharField(source="department.name")
    case = serializers.SerializerMethodField(help_text="The case's number (null: a window visit).")
    item = serializers.SerializerMethodField(help_text="The service item's title.")
    level_label = serializers.CharField(source="get_level_display")
    rectification = serializers.SerializerMethodField(help_text="open, acted, called_back; null: none opened.")
    excluded = serializers.SerializerMethodField(help_text="A supervisor excluded it from the counts.")

    class Meta:
        model = Evaluation
        fields = ["id", "department", "department_name", "case", "item", "round", "level", "level_label",
                  "reasons", "text", "channel", "created_at", "rectification", "excluded"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_case(self, evaluation):
        return evaluation.case.number if evaluation.case_id else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_item(self, evaluation):
        if evaluation.case_id:
            return evaluation.case.item_title
        return evaluation.item.title if evaluation.item_id else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_rectification(self, evaluation):
        found = getattr(evaluation, "rectification", None)
        return rectifications.status(found) if found is not None else None

    @extend_schema_field(serializers.BooleanField())
    def get_excluded(self, evaluation):
        found = getattr(evaluation, "exclusion", None)
        return bool(found is not None and found.excluded)


class RectificationSerializer(serializers.ModelSerializer):
    evaluation = serializers.IntegerField(source="evaluation_id")
    department = serializers.CharField(source="department.code")
    status = serializers.SerializerMethodField(help_text="open, acted (the action recorded), called_back.")
    light = serializers.SerializerMethodField(help_text="green, yellow (near the due date), red (past it); "
                                                        "empty once called back.")
    handler = serializers.SerializerMethodField(help_text="The handler's username.")

    class Meta:
        model = Rectification
        fields = ["evaluation", "department", "opened_at", "due", "due_provisional", "status", "light", "handler",
                  "action", "acted_at", "callback", "callback_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_status(self, rectification):
        return rectifications.status(rectification)

    @extend_schema_field(serializers.CharField())
    def get_light(self, rectification):
        return rectifications.colour_of(rectification)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_handler(self, rectification):
        return rectification.handler.get_username() if rectification.handler_id else None


class ExclusionSerializer(serializers.ModelSerializer):
    evaluation = serializers.IntegerField(source="evaluation_id")
    status = serializers.SerializerMethodField(help_text="waiting, excluded, stands.")

    class Meta:
        model = Exclusion
        fields = ["evaluation", "requested_at", "grounds", "status", "decision", "decided_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_status(self, exclusion):
        return "waiting" if exclusion.excluded is None else ("excluded" if exclusion.excluded else "stands")


class EvaluationQuerySerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=Level.choices, required=False)
    department = serializers.CharField(required=False, help_text="A department's code.")
    since = serializers.DateField(required=False, help_text="Given on or after this day.")
    until = serializers.DateField(required=False, help_text="Given on or before this day.")
    bad_only = serializers.BooleanField(required=False, default=False)


class TextSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=rectifications.TEXT_CHARS)


class GroundsSerializer(serializers.Serializer):
    grounds = serializers.CharField(max_length=exclusions.TEXT_CHARS, help_text="Why the review is malicious.")


class DecideSerializer(serializers.Serializer):
    excluded = serializers.BooleanField(help_text="true: excluded from the counts; false: the review stands.")
    reason = serializers.CharField(max_length=exclusions.TEXT_CHARS, help_text="Shown publicly.")


class EvaluationListView(CaseFileAPIView, GenericAPIView):
    serializer_class = StaffEvaluationSerializer
    queryset = Evaluation.objects.none()

    @extend_schema(tags=["evaluations"], operation_id="evaluations_list", parameters=[EvaluationQuerySerializer],
                   summary="Reviews (好差评) you see: supervisors every one, staff their departments'; newest first",
                   responses={200: StaffEvaluationSerializer(many=True), 400: ERRORS[400], 403: ERRORS[403]})
    def get(self, request):
        query = EvaluationQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        found = staff.listing(request.user, level=data.get("level"), department=lookup.department_by_code(data.get("department")),
                              since=data.get("since"), until=data.get("until"), bad_only=data.get("bad_only"))
        page = self.paginate_queryset(found)
        return self.get_paginated_response(StaffEvaluationSerializer(page, many=True).data)


def _rectification_of(user, evaluation_id) -> Rectification:
    evaluation = staff.visible_review(user, evaluation_id)
    found = getattr(evaluation, "rectification", None)
    if found is None:
        raise NotFound(_("This review has no rectification."))
    return found


class RectificationView(CaseFileAPIView):
    @extend_schema(tags=["evaluations"], operation_id="evaluations_rectification", parameters=[EVALUATION_ID],
                   summary="A bad review's rectification (整改)",
                   responses={200: RectificationSerializer, 403: ERRORS[403], 404: ERRORS[404]})
    def get(self, request, evaluation_id):
        if not staff.may_see_reviews(request.user):
            staff.listing(request.user)  # the same 403 as the list
        return Response(RectificationSerializer(_rectification_of(request.user, evaluation_id)).data)


class RectificationStepView(CaseFileAPIView):
    step = None  # "action" or "callback"

    def post(self, request, evaluation_id):
        given = TextSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        rectification = _rectification_of(request.user, evaluation_id)
        record = rectifications.record_action if self.step == "action" else rectifications.record_callback
        return Response(RectificationSerializer(record(rectification, request.user, given.validated_data["text"])).data)


class RectificationActionView(RectificationStepView):
    step = "action"

    @extend_schema(tags=["evaluations"], operation_id="evaluations_rectification_action", parameters=[EVALUATION_ID],
                   request=TextSerializer, summary="Record (or correct, until the call-back) what the department did",
                   responses={200: RectificationSerializer, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404],
                              409: ERRORS[400]})
    def post(self, request, evaluation_id):
        return super().post(request, evaluation_id)


class RectificationCallbackView(RectificationStepView):
    step = "callback"

    @extend_schema(tags=["evaluations"], operation_id="evaluations_rectification_callback",
                   parameters=[EVALUATION_ID], request=TextSerializer,
                   summary="Record the call-back (回访), after the action, once; the applicant may review again",
                   responses={200: RectificationSerializer, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404],
                              409: ERRORS[400]})
    def post(self, request, evaluation_id):
        return super().post(request, evaluation_id)


class ExclusionRequestView(CaseFileAPIView):
    @extend_schema(tags=["evaluations"], operation_id="evaluations_exclusion_request", parameters=[EVALUATION_ID],
                   request=GroundsSerializer, summary="Ask to exclude a bad review as malicious (申请剔除), once",
                   responses={201: ExclusionSerializer, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404],
                              409: ERRORS[400]})
    def post(self, request, evaluation_id):
        given = GroundsSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        evaluation = staff.visible_review(request.user, evaluation_id)
        exclusion = exclusions.request(evaluation, request.user, given.validated_data["grounds"])
        return Response(ExclusionSerializer(exclusion).data, status=201)


class ExclusionDecideView(CaseFileAPIView):
    @extend_schema(tags=["evaluations"], operation_id="evaluations_exclusion_decide", parameters=[EVALUATION_ID],
                   request=DecideSerializer, summary="A supervisor decides the request, with a public reason, once",
                   responses={200: ExclusionSerializer, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404],
                              409: ERRORS[400]})
    def post(self, request, evaluation_id):
        given = DecideSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        evaluation = staff.visible_review(request.user, evaluation_id)
        exclusion = getattr(evaluation, "exclusion", None)
        if exclusion is None:
            raise NotFound(_("Nobody has asked to exclude this review."))
        data = given.validated_data
        return Response(ExclusionSerializer(exclusions.decide(exclusion, request.user, data["excluded"],
                                                              data["reason"])).data)
