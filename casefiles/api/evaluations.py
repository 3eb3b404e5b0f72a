"""/api/v1/cases/<number>/evaluation/: 好差评, in front of casefiles.evaluations.reviews.

GET: the case's reviews (first round first) and whether the caller may review now — for anyone
who may see the case (its applicant's side, the handling staff, supervisors). POST: the
applicant (or their agent in force) reviews a closed case: 201 with the review. Refusals keep
the domain's statuses: 404 a case the caller may not see (like a missing one), 403 not the
applicant's side, 409 not closed yet or reviewed already, 400 the level or reasons wrong.
"""

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from casefiles.api import serializers as s
from casefiles.api.views import ERRORS, NUMBER, CaseFileAPIView, visible_case
from casefiles.evaluations import reviews
from casefiles.evaluations.models import Channel, Evaluation, Level, Reason

CONFLICT = OpenApiResponse(s.ErrorSerializer, description="The case is not closed yet, or has been reviewed already.")


class EvaluationSerializer(serializers.ModelSerializer):
    level = serializers.ChoiceField(choices=Level.choices)
    level_display = serializers.CharField(source="get_level_display")
    reasons = serializers.ListField(child=serializers.ChoiceField(choices=Reason.choices))
    reasons_display = serializers.SerializerMethodField()
    channel = serializers.ChoiceField(choices=Channel.choices)
    rectification_due = serializers.SerializerMethodField()
    rectified = serializers.SerializerMethodField()

    class Meta:
        model = Evaluation
        fields = ["round", "level", "level_display", "reasons", "reasons_display", "text", "channel", "as_agent",
                  "created_at", "rectification_due", "rectified"]
        read_only_fields = fields

    def get_reasons_display(self, evaluation) -> list[str]:
        labels = dict(Reason.choices)
        return [str(labels.get(r, r)) for r in evaluation.reasons]

    def _rectification(self, evaluation):
        return getattr(evaluation, "rectification", None)  # none opened: the reverse one-to-one raises AttributeError

    def get_rectification_due(self, evaluation) -> str | None:
        rectification = self._rectification(evaluation)
        return rectification.due.isoformat() if rectification else None

    def get_rectified(self, evaluation) -> bool | None:
        """Whether the rectification a bad review opened has called the applicant back (null: none opened)."""
        rectification = self._rectification(evaluation)
        return rectification.is_done if rectification else None


class CaseEvaluationSerializer(serializers.Serializer):
    reviews = EvaluationSerializer(many=True)
    may_review = serializers.BooleanField(help_text="Whether you may review the case now.")
    next_round = serializers.IntegerField(allow_null=True, help_text="1, 2 after a call-back; null when none is due.")


class GiveEvaluationSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=Level.choices, help_text="5 非常满意 … 1 非常不满意.")
    reasons = serializers.ListField(child=serializers.ChoiceField(choices=Reason.choices), required=False, default=list,
                                    help_text="Required (one or more) for the two lowest levels; ignored otherwise.")
    text = serializers.CharField(required=False, allow_blank=True, default="", max_length=reviews.TEXT_CHARS)


def evaluation_of(user, case) -> dict:
    return {"reviews": EvaluationSerializer(reviews.given(case), many=True).data,
            "may_review": reviews.may_review(user, case), "next_round": reviews.next_round(case)}


class CaseEvaluationView(CaseFileAPIView):
    @extend_schema(tags=["evaluations"], operation_id="cases_evaluation", parameters=[NUMBER],
                   summary="好差评: the case's reviews",
                   description="The reviews of the case (first round first), for whoever may see the case.",
                   responses={200: CaseEvaluationSerializer, 404: ERRORS[404]})
    def get(self, request, number):
        case = visible_case(request.user, number)
        return Response(evaluation_of(request.user, case))

    @extend_schema(
        tags=["evaluations"], operation_id="cases_evaluation_give", parameters=[NUMBER],
        summary="好差评: review the service",
        description="The applicant, or their agent while authorised, reviews a closed case (concluded, not accepted "
                    "or withdrawn): once, and once more after a bad review's rectification has called them back.",
        request=GiveEvaluationSerializer,
        responses={201: EvaluationSerializer, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404], 409: CONFLICT},
        examples=[OpenApiExample("Dissatisfied", request_only=True,
                                 value={"level": 2, "reasons": ["materials_twice"], "text": "补正了两次"})],
    )
    def post(self, request, number):
        case = visible_case(request.user, number)
        body = GiveEvaluationSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        evaluation = reviews.give(case, request.user, data["level"], data["reasons"], data["text"], channel=Channel.PORTAL)
        return Response(EvaluationSerializer(evaluation).data, status=status.HTTP_201_CREATED)
