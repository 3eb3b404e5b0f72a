"""/api/v1/: 承办人, in front of casefiles.supervision.handlers — a case's handlers per stage (now and
before) with each stage's clock, assigning, claiming and transferring a stage, and the caller's
own cases (我的办件, staff).

Only the case's staff read its handlers (applicants are never told who of the staff handles
their case: 403); a case the caller may not see answers 404 like one that does not exist. The
domain's refusals keep their statuses: 403 not the caller's to do, 409 someone else was first or
the case's state forbids it, 400 the chosen person cannot hold the stage or no reason given.
"""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from casefiles.access import disclosure
from casefiles.api import serializers as s
from casefiles.api.views import ERRORS, NUMBER, CaseFileAPIView, visible_case
from casefiles.cases.models import CaseFile
from casefiles.deadlines import working_days
from casefiles.errors import Invalid, NotPermitted
from casefiles.supervision import clocks, handlers
from casefiles.supervision.models import Assignment, Stage

STAGE = OpenApiParameter("stage", OpenApiTypes.STR, OpenApiParameter.PATH, enum=Stage.values,
                         description="The handling stage: acceptance (受理), review (审查), decision (决定).")
ACTION = OpenApiParameter("action", OpenApiTypes.STR, OpenApiParameter.PATH, enum=["assign", "claim", "transfer"],
                          description="assign (the department's lead or a clerk, a stage nobody handles), claim (a "
                                      "member of the stage's role, a stage nobody handles), transfer (the handler, "
                                      "the lead or a clerk; a reason is required).")
CONFLICT = OpenApiResponse(s.ErrorSerializer, description="Someone else handles or took the stage first, or the case's "
                                                          "state no longer lets its handlers change.")


def _name(user):
    return handlers.display_name(user)


class StaffMemberSerializer(serializers.Serializer):
    username = serializers.CharField()
    name = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField())
    def get_name(self, user):
        return _name(user)


class AssignmentSerializer(serializers.ModelSerializer):
    stage_display = serializers.CharField(source="get_stage_display")
    handler = StaffMemberSerializer()
    how_display = serializers.CharField(source="get_how_display")
    by = StaffMemberSerializer(allow_null=True)

    class Meta:
        model = Assignment
        fields = ["stage", "stage_display", "handler", "how", "how_display", "by", "reason", "since", "until"]
        read_only_fields = fields


class StageSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=Stage.choices)
    stage_display = serializers.CharField()
    started = serializers.DateField(allow_null=True, help_text="When the stage's clock started (null: not reached).")
    due = serializers.DateField(allow_null=True)
    done = serializers.BooleanField()
    light = s.LightSerializer(allow_null=True, help_text="The running stage's light only.")
    changes_hands = serializers.BooleanField(help_text="Whether its handler may change now (a stage still ahead of a "
                                                       "case whose clock runs).")
    handler = AssignmentSerializer(allow_null=True, help_text="Its handler now (null: unassigned, claimable).")


class HandlersSerializer(serializers.Serializer):
    stages = StageSerializer(many=True)
    history = AssignmentSerializer(many=True, help_text="Every assignment, oldest first (until null: now).")


class HandlerActionSerializer(serializers.Serializer):
    handler = serializers.CharField(required=False, help_text="The username of whom to assign or transfer to "
                                                              "(not for claim).")
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=handlers.REASON_MAX_LENGTH,
                                   help_text="Why (required for transfer).")


def _light(reading):
    if reading is None:
        return None
    return {"light": reading.light, "reason": str(reading.reason), "remaining_working_days": reading.remaining_working_days}


def handlers_of(case) -> dict:
    held = handlers.current(case)
    open_stages = handlers.stages_open(case)
    stages = [{
        "stage": clock.stage, "stage_display": Stage(clock.stage).label, "started": clock.started, "due": clock.due,
        "done": clock.done, "light": _light(clock.light), "changes_hands": Stage(clock.stage) in open_stages,
        "handler": AssignmentSerializer(held[Stage(clock.stage)]).data if Stage(clock.stage) in held else None,
    } for clock in clocks.stage_clocks(case)]
    return {"stages": stages, "history": AssignmentSerializer(handlers.history(case), many=True).data}


def staff_case(user, number) -> CaseFile:
    case = visible_case(user, number)
    if not disclosure.is_staff(user, case):
        raise NotPermitted(_("Only the case's staff see who handles it."))
    return case


class CaseHandlersView(CaseFileAPIView):
    @extend_schema(tags=["handlers"], operation_id="cases_handlers", parameters=[NUMBER],
                   summary="The case's handlers (承办人) and each stage's clock",
                   description="Each stage (acceptance, review, decision) with its clock and its handler now, and "
                               "the history of its handlers. The case's staff only.",
                   responses={200: HandlersSerializer, 403: ERRORS[403], 404: ERRORS[404]})
    def get(self, request, number):
        return Response(handlers_of(staff_case(request.user, number)))


class HandlerActionView(CaseFileAPIView):
    @extend_schema(
        tags=["handlers"], operation_id="cases_handlers_change", parameters=[NUMBER, STAGE, ACTION],
        summary="Assign, claim or transfer a stage",
        description="Answers the case's handlers as GET does. The one to hold a stage must hold its role in the "
                    "case's department (acceptance: a clerk, or a window clerk; review: a reviewer or decider; "
                    "decision: a decider).",
        request=HandlerActionSerializer,
        responses={200: HandlersSerializer, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404], 409: CONFLICT},
        examples=[OpenApiExample("Transfer", request_only=True, value={"handler": "reviewer2", "reason": "休假"}),
                  OpenApiExample("Taken first", status_codes=["409"], response_only=True, value={
                      "detail": "审查 is already handled by 王芳.", "messages": ["审查 is already handled by 王芳."],
                      "code": "conflict"})],
    )
    def post(self, request, number, stage, action):
        case = staff_case(request.user, number)
        if stage not in Stage.values or action not in ("assign", "claim", "transfer"):
            raise Invalid(_("There is no such handling stage."))
        body = HandlerActionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        if action == "claim":
            handlers.claim(case, stage, request.user)
        else:
            to = get_user_model().objects.filter(username=data.get("handler", ""), is_active=True).first()
            if to is None:
                raise Invalid(_("Choose who is to handle it."))
            if action == "assign":
                handlers.assign(case, stage, to, request.user, data["reason"])
            else:
                handlers.transfer(case, stage, to, request.user, data["reason"])
        return Response(handlers_of(case))


class MyCasesView(CaseFileAPIView, GenericAPIView):
    serializer_class = s.CaseSummarySerializer
    queryset = CaseFile.objects.none()  # for the schema

    @extend_schema(tags=["handlers"], operation_id="staff_my_cases", summary="我的办件: the cases you handle",
                   description="The cases of which you handle a stage now, the open ones first (then by their "
                               "promised date). Paginated, 50 a page.",
                   responses={200: s.CaseSummarySerializer(many=True), 403: ERRORS[403]})
    def get(self, request):
        cases = handlers.my_cases(request.user).select_related("department", "item", "parent")
        page = self.paginate_queryset(cases)
        disclosure.prefetch(request.user, page)
        context = {"request": request, "calendar": working_days.get_calendar()}
        return self.get_paginated_response(s.CaseSummarySerializer(page, many=True, context=context).data)
