"""/api/v1/enterprises/mine/: the enterprises the caller acts for, with their role in each
(casefiles.members). Members are managed on the portal's pages (docs/enterprises.md)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from casefiles.api.views import ERRORS, CaseFileAPIView
from casefiles.members import acting, enterprises


class MyEnterpriseSerializer(serializers.Serializer):
    uscc = serializers.CharField(help_text="Unified social credit code (统一社会信用代码).")
    name = serializers.CharField()
    role = serializers.CharField(help_text="administrator (管理员) or handler (经办人).")
    role_label = serializers.CharField()
    acting_for = serializers.BooleanField(help_text="Whether the caller's session acts for this enterprise.")


class MyEnterprisesView(CaseFileAPIView):
    @extend_schema(tags=["enterprises"], operation_id="enterprises_mine",
                   summary="The enterprises you act for, with your role in each",
                   responses={200: MyEnterpriseSerializer(many=True), 403: ERRORS[403]})
    def get(self, request):
        current = acting.acting_for(request.user, getattr(request, "session", None))
        rows = [{"uscc": row.enterprise.uscc, "name": row.enterprise.name, "role": row.role,
                 "role_label": str(row.role_label), "acting_for": current is not None and current.pk == row.enterprise.pk}
                for row in enterprises.mine(request.user)]
        return Response(MyEnterpriseSerializer(rows, many=True).data)
