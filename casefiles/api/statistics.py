"""/api/v1/statistics/<figure>/ (电子监察's figures, for supervisors and departments' leads) and
/api/v1/public/figures/ (办件公示, for everyone), in front of ``casefiles.supervision.statistics``:
the same rows as the workbench's page and its exports."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from casefiles.api.serializers import ErrorSerializer
from casefiles.api.views import ERRORS, CaseFileAPIView
from casefiles.errors import NotFound
from casefiles.supervision import statistics
from casefiles.supervision.statistics import Filters

FIGURE = OpenApiParameter("figure", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(statistics.FIGURES),
                          description="Which figure.")


class StatisticsQuerySerializer(serializers.Serializer):
    def get_fields(self):
        # "from" is a Python keyword: the fields are named here.
        return {
            "from": serializers.DateField(required=False, help_text="Submitted on or after (YYYY-MM-DD)."),
            "to": serializers.DateField(required=False, help_text="Submitted on or before (YYYY-MM-DD)."),
            "department": serializers.ListField(child=serializers.IntegerField(), required=False,
                                                help_text="Department ids (repeat the parameter); none: every "
                                                          "department you may see."),
        }

    def validate(self, attrs):
        if attrs.get("from") and attrs.get("to") and attrs["from"] > attrs["to"]:
            raise serializers.ValidationError(_("The start date is after the end date."))
        return attrs


class ColumnSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField(help_text="In the language asked for.")
    kind = serializers.ChoiceField(choices=["text", "count", "rate", "days"],
                                   help_text="rate: a share from 0 to 1 (null: nothing to divide by).")


class FigureSerializer(serializers.Serializer):
    figure = serializers.CharField()
    title = serializers.CharField()
    note = serializers.CharField(help_text="How the figure is counted.")
    columns = ColumnSerializer(many=True)
    rows = serializers.ListField(child=serializers.DictField(), help_text="One object per row, by the columns' "
                                 "names, plus its key (a department's or item's id; \"\": the total row).")


class PublicRowSerializer(serializers.Serializer):
    department = serializers.CharField()
    month = serializers.CharField(help_text="YYYY-MM, of submission.")
    submitted = serializers.IntegerField(help_text="Cases submitted (办件量).")
    decided = serializers.IntegerField(help_text="Of them decided, with a promised date.")
    on_time = serializers.IntegerField(help_text="Of those, decided on or before it.")
    rate = serializers.FloatField(allow_null=True, help_text="按期办结率: on_time ÷ decided (null: none decided).")


class StatisticsView(CaseFileAPIView):
    @extend_schema(
        tags=["statistics"], operation_id="statistics_figure", parameters=[FIGURE, StatisticsQuerySerializer],
        summary="One figure of the statistics (电子监察统计)",
        description="Supervisors see every department, a department's lead (负责人) their own; anyone else 403. "
                    "Counted by the date of submission; a bundle's parts are counted, not the bundle itself.",
        responses={200: FigureSerializer, 400: ERRORS[400], 403: ERRORS[403],
                   404: OpenApiResponse(ErrorSerializer, description="No such figure.")},
    )
    def get(self, request, figure):
        found = statistics.figure(figure)
        if found is None:
            raise NotFound(_("No such figure."))
        query = StatisticsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        asked = query.validated_data
        [(found, rows)] = statistics.figures_for(
            request.user, Filters(asked.get("from"), asked.get("to"), tuple(asked.get("department") or ()) or None),
            names=[found.name])
        return Response({
            "figure": found.name, "title": str(found.title), "note": str(found.note),
            "columns": [{"name": c.name, "label": str(c.label), "kind": c.kind} for c in found.columns],
            "rows": [statistics.as_dict(row) for row in rows],
        })


class PublicFiguresView(CaseFileAPIView):
    permission_classes = [AllowAny]
    authentication_classes = []  # for everyone: a stale token must not turn it into a 401

    @extend_schema(
        tags=["statistics"], operation_id="public_figures", auth=[],
        summary="Public figures (办件公示)",
        description="Each department's cases by month of submission over the last 12 months, and the on-time rate. "
                    "Counts only; refreshed every few minutes.",
        responses={200: PublicRowSerializer(many=True)},
    )
    def get(self, request):
        return Response([row._asdict() for row in statistics.public_figures()])
