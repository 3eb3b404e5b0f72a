"""/api/v1/bundles/ and /api/v1/activities/: 一件事 and 一照通行 over HTTP.

In front of ``casefiles.bundles.applications`` and ``casefiles.bundles.activities``. A bundle is found by
its parent's number; whoever may not see it (the applicant, the lead department, or a
department handling one of its parts) gets the 404 of a missing case.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework import status as http
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from casefiles.access import disclosure, permissions
from casefiles.api import serializers as s
from casefiles.api.views import (
    ERRORS,
    NUMBER,
    CaseFileAPIView,
    error_response,
    no_such_case,
    resolve_applicant,
)
from casefiles.bundles import activities
from casefiles.bundles import applications as bundles
from casefiles.cases.models import CaseFile, Channel, Status
from casefiles.materials import uploads as materials
from cms.models import BundlePage, ServiceItemPage

# --- shapes ----------------------------------------------------------------------------------


class ActivitySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    items = serializers.SerializerMethodField()

    def get_items(self, activity) -> list[str]:
        return [item.item_code for item in activity.items.all()]


class ProposedItemSerializer(serializers.Serializer):
    code = serializers.CharField(source="item_code")
    title = serializers.CharField()
    department = serializers.CharField(source="department.name")
    needed_for = serializers.ListField(child=serializers.CharField(), help_text="The activities that need it; empty for the registration.")


class ProposalSerializer(serializers.Serializer):
    items = ProposedItemSerializer(many=True)
    unknown = serializers.ListField(child=serializers.CharField(), help_text="Codes asked for that are not offered.")


class BundleCreateSerializer(s.CaseCreateSerializer):
    """A new draft bundle: name a bundle page's ``bundle`` code, or the ``activities`` of 一照通行
    (with ``new_business``), or the ``items`` themselves."""

    item = None
    bundle = serializers.CharField(required=False, max_length=64, help_text="The bundle's code (一件事编码).")
    activities = serializers.ListField(child=serializers.CharField(), required=False, help_text="一照通行: activity codes.")
    new_business = serializers.BooleanField(default=True, help_text="With activities: add the business registration.")
    items = serializers.ListField(child=serializers.CharField(), required=False, help_text="Item codes.")

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if sum(bool(attrs.get(key)) for key in ("bundle", "activities", "items")) != 1:
            raise serializers.ValidationError(_("Name one of bundle, activities or items."))
        return attrs


class PartSerializer(serializers.Serializer):
    number = serializers.CharField(source="case.number")
    item = s.ItemSerializer(source="case")
    department = s.DepartmentSerializer(source="case.department")
    status = serializers.SerializerMethodField(help_text="As you are told it (casefiles.access.disclosure).")
    outcome = serializers.ChoiceField(choices=[(v, v) for v in (bundles.GRANTED, bundles.REFUSED, bundles.WITHDRAWN, bundles.PENDING)])
    promised_due = serializers.DateField(source="case.promised_due", allow_null=True)
    visible = serializers.BooleanField(help_text="Whether you may open this part's case.")

    @extend_schema_field(serializers.ChoiceField(choices=Status.choices))
    def get_status(self, part):
        return disclosure.status(part.case.status, self.context["seen_by"])


class SharedFileSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField(source="original_name")
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    shared_by = serializers.IntegerField(help_text="How many parts use this one stored file.")


class SlotSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="Send it as `material` to upload a file for this material.")
    name = serializers.CharField(source="material.name")
    required = serializers.BooleanField(source="material.required")
    shared = serializers.BooleanField(source="material.shared")
    items = serializers.ListField(child=serializers.CharField())
    files = SharedFileSerializer(many=True)
    promised = serializers.SerializerMethodField()

    def get_promised(self, slot) -> bool:
        return slot.promise is not None


class SummarySerializer(serializers.Serializer):
    granted = serializers.IntegerField()
    refused = serializers.IntegerField()
    withdrawn = serializers.IntegerField()
    pending = serializers.IntegerField()
    total = serializers.IntegerField()


class BundleSerializer(serializers.Serializer):
    number = serializers.CharField()
    verification_code = serializers.SerializerMethodField()
    title = serializers.CharField(source="item_title")
    code = serializers.CharField(source="item_code")
    lead_department = s.DepartmentSerializer(source="department")
    applicant_name = serializers.CharField()
    status = serializers.SerializerMethodField(help_text="As you are told it (casefiles.access.disclosure).")
    version = serializers.IntegerField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    promised_due = serializers.DateField(allow_null=True)
    concluded_at = serializers.DateTimeField(allow_null=True)
    summary = serializers.SerializerMethodField()
    parts = serializers.SerializerMethodField()
    materials = serializers.SerializerMethodField()

    def get_verification_code(self, parent) -> str:
        return disclosure.verification_code(self.context["request"].user, parent)

    def _seen_by(self, parent):
        if "seen_by" not in self.context:
            self.context["seen_by"] = disclosure.bundle_audience(self.context["request"].user, parent)
        return self.context["seen_by"]

    @extend_schema_field(serializers.ChoiceField(choices=Status.choices))
    def get_status(self, parent):
        return disclosure.status(parent.status, self._seen_by(parent))

    @extend_schema_field(SummarySerializer)
    def get_summary(self, parent):
        return SummarySerializer(bundles.summary(parent)).data

    @extend_schema_field(PartSerializer(many=True))
    def get_parts(self, parent):
        return PartSerializer(bundles.parts(parent, self.context["request"].user), many=True,
                              context={"seen_by": self._seen_by(parent)}).data

    @extend_schema_field(SlotSerializer(many=True))
    def get_materials(self, parent):
        if not permissions.can(self.context["request"].user, "apply_casefile", parent):
            return []  # the departments read their own part's materials
        return SlotSerializer(bundles.slots(parent), many=True).data


class SharedUploadSerializer(serializers.Serializer):
    material = serializers.CharField(help_text="The slot's key (see the bundle's materials).")
    file = serializers.FileField(required=False, allow_empty_file=True, use_url=False)
    commitment = serializers.CharField(required=False, help_text="Instead of a file: the signed 容缺 commitment.")


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, help_text="The version you saw.")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500)


# --- views -----------------------------------------------------------------------------------

def visible_bundle(user, number) -> CaseFile:
    parent = CaseFile.objects.select_related("department").filter(number=number, is_bundle=True).first()
    if parent is None or not bundles.may_view(user, parent):
        raise no_such_case()
    return parent


def answer(parent, request, status=http.HTTP_200_OK):
    parent.refresh_from_db()
    response = Response(BundleSerializer(parent, context={"request": request}).data, status=status)
    response["ETag"] = f'"{parent.version}"'
    return response


class ActivityListView(CaseFileAPIView):
    permission_classes = [AllowAny]  # public, like the guides
    @extend_schema(tags=["bundles"], operation_id="activities_list", summary="Business activities (一照通行)",
                   responses={200: ActivitySerializer(many=True)})
    def get(self, request):
        return Response(ActivitySerializer(activities.offered(), many=True).data)


class ProposalView(CaseFileAPIView):
    permission_classes = [AllowAny]
    @extend_schema(
        tags=["bundles"], operation_id="activities_proposal", summary="The items a business with these activities needs",
        parameters=[
            OpenApiParameter("activity", OpenApiTypes.STR, many=True, description="Activity codes (repeat the parameter)."),
            OpenApiParameter("new_business", OpenApiTypes.BOOL, description="Add the business registration (default true)."),
        ],
        responses={200: ProposalSerializer},
    )
    def get(self, request):
        new_business = request.query_params.get("new_business", "true").lower() not in ("0", "false", "no")
        proposal = activities.propose(request.query_params.getlist("activity"), new_business=new_business)
        for item in proposal.items:
            item.needed_for = proposal.reasons.get(item.pk, [])
        return Response(ProposalSerializer({"items": proposal.items, "unknown": proposal.unknown}).data)


class BundleListView(CaseFileAPIView):
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    @extend_schema(
        tags=["bundles"], operation_id="bundles_create", summary="Start a bundle application (one draft, a part per item)",
        request=BundleCreateSerializer,
        responses={201: BundleSerializer, 400: ERRORS[400], 403: ERRORS[403]},
        examples=[OpenApiExample("企业开办一件事", request_only=True, value={
            "bundle": "ZH-YJS-QYKB", "enterprise_uscc": "91440400MA55L8QJ28", "contact_phone": "0756-2212345"}),
            OpenApiExample("一照通行", request_only=True, value={"activities": ["catering", "hotel"], "contact_phone": "13800000000"})],
    )
    def post(self, request):
        serializer = BundleCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        channel = data.get("channel", Channel.ONLINE)
        applicant = resolve_applicant(request.user, {**data, "channel": channel})
        common = dict(channel=channel, contact_name=data.get("contact_name", ""), contact_phone=data.get("contact_phone", ""),
                      contact_email=data.get("contact_email", ""), form_data=data.get("form_data"))
        if data.get("bundle"):
            bundle = BundlePage.objects.live().filter(bundle_code=data["bundle"]).first()
            if bundle is None:
                return error_response(http.HTTP_400_BAD_REQUEST, "refused", [_("No bundle has this code.")])
            parent = bundles.start(request.user, applicant, bundle=bundle, **common)
        elif data.get("activities"):
            proposal = activities.propose(data["activities"], new_business=data["new_business"])
            if proposal.unknown:
                return error_response(http.HTTP_400_BAD_REQUEST, "refused", [
                    _("Unknown business activities: %(codes)s.") % {"codes": ", ".join(proposal.unknown)}])
            parent = bundles.start(request.user, applicant, items=proposal.items, activities=proposal.activities, **common)
        else:
            found = {i.item_code: i for i in ServiceItemPage.objects.live().filter(item_code__in=data["items"])}
            missing = [code for code in data["items"] if code not in found]
            if missing:
                return error_response(http.HTTP_400_BAD_REQUEST, "refused", [
                    _("No service item has these codes: %(codes)s.") % {"codes": ", ".join(missing)}])
            parent = bundles.start(request.user, applicant, items=[found[c] for c in data["items"]], **common)
        return answer(parent, request, http.HTTP_201_CREATED)


class BundleDetailView(CaseFileAPIView):
    @extend_schema(tags=["bundles"], operation_id="bundles_retrieve", parameters=[NUMBER],
                   summary="A bundle: its status, each part's outcome, and (for the applicant) its shared materials",
                   responses={200: BundleSerializer, 404: ERRORS[404]})
    def get(self, request, number):
        return answer(visible_bundle(request.user, number), request)


class BundleMaterialView(CaseFileAPIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        tags=["bundles"], operation_id="bundles_material", parameters=[NUMBER],
        summary="Upload a shared material once (or promise it for later)",
        description="multipart/form-data. The file is stored once and given to every part whose item asks for it.",
        request={"multipart/form-data": SharedUploadSerializer},
        responses={201: BundleSerializer, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404]},
    )
    def post(self, request, number):
        parent = visible_bundle(request.user, number)
        serializer = SharedUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data.get("file") is not None:
            bundles.add_shared(parent, data["material"], data["file"], request.user)
        elif data.get("commitment"):
            bundles.promise_shared(parent, data["material"], request.user, data["commitment"])
        else:
            raise materials.UploadRefused(_("Send a file, or a commitment to supply it later."))
        return answer(parent, request, http.HTTP_201_CREATED)


class BundleSubmitView(CaseFileAPIView):
    @extend_schema(tags=["bundles"], operation_id="bundles_submit", parameters=[NUMBER],
                   summary="Submit every part at once", request=VersionSerializer,
                   responses={200: BundleSerializer, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404],
                              409: s.ConflictSerializer})
    def post(self, request, number):
        parent = visible_bundle(request.user, number)
        serializer = VersionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        bundles.submit(parent, request.user, expected_version=serializer.validated_data.get("version"))
        return answer(parent, request)


class BundleWithdrawView(CaseFileAPIView):
    @extend_schema(tags=["bundles"], operation_id="bundles_withdraw", parameters=[NUMBER],
                   summary="Withdraw the bundle: every part not yet decided", request=VersionSerializer,
                   responses={200: BundleSerializer, 403: ERRORS[403], 404: ERRORS[404], 409: s.ConflictSerializer})
    def post(self, request, number):
        parent = visible_bundle(request.user, number)
        serializer = VersionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        bundles.withdraw(parent, request.user, expected_version=serializer.validated_data.get("version"),
                         reason=serializer.validated_data.get("reason", ""))
        return answer(parent, request)
