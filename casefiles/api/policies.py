"""/api/v1/: 惠企政策 — the calculator (政策计算器), an enterprise's file (一企一档) and its
declaration, policy subscriptions, benefits without application (免申即享) and 一键申报, in
front of casefiles.policies (calculator, profiles, subscriptions, benefits, applying).

Refusals keep the domain's statuses (``casefiles.api.errors``): an enterprise, a subscription
or a benefit the caller is not a member of or does not own is 404 like a missing one; an answer
that cannot be read 400 with every message; a benefit no longer waiting for that step 409.
"""

from datetime import date
from decimal import Decimal

from django.db import transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework import status as http
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from casefiles.api import serializers as s
from casefiles.api.throttles import PolicyCalculatorThrottle
from casefiles.api.views import CASE_RELATIONS, ERRORS, CaseFileAPIView, detail, tagged
from casefiles.cases.models import CaseFile
from casefiles.directory.models import Enterprise
from casefiles.licenses import reuse
from casefiles.licenses.models import LicenseType
from casefiles.members import enterprises
from casefiles.policies import applying, benefits, calculator, profiles, subscriptions
from casefiles.policies.eligibility import Check, Kind
from casefiles.policies.models import Benefit, Qualification, Source, Subscription
from cms.models import PolicyPage, ServiceItemPage

USCC = OpenApiParameter("uscc", OpenApiTypes.STR, OpenApiParameter.PATH,
                        description="The enterprise's unified social credit code (统一社会信用代码).")
BENEFIT_ID = OpenApiParameter("benefit_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The benefit's id.")
SUBSCRIPTION_ID = OpenApiParameter("subscription_id", OpenApiTypes.INT, OpenApiParameter.PATH,
                                   description="The subscription's id.")
POLICY_ID = OpenApiParameter("policy_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The policy's page id.")
NOT_YOURS = OpenApiResponse(s.ErrorSerializer, description="No such record — or not yours: the answer is the same.")
NOT_NOW = OpenApiResponse(s.ErrorSerializer, description="The benefit is no longer waiting for this step.")
STATES = [("met", "met"), ("unmet", "unmet"), ("unknown", "unknown")]
BASES = [("verified", "verified"), ("declared", "declared"), ("", "")]
FACT_SOURCES = [*Source.choices, ("", "")]  # empty: nothing known


def _text(value):
    """A fact as text: a date as YYYY-MM-DD, an amount without trailing zeros."""
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return str(value)


# --- the policy and its conditions ---------------------------------------------------------

class PolicyBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.SerializerMethodField(help_text="The policy's page on the portal.")
    document_number = serializers.CharField(help_text="文号.")
    department = s.DepartmentSerializer(allow_null=True)
    category = serializers.ChoiceField(choices=PolicyPage.Category.choices)
    category_display = serializers.CharField(source="get_category_display")
    benefit = serializers.CharField(help_text="What an eligible enterprise receives, in a line.")
    benefit_amount = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True,
                                              help_text="The most an enterprise receives (yuan), where stated.")
    free_to_enjoy = serializers.BooleanField(help_text="免申即享: enjoyed without applying.")

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_url(self, policy):
        return policy.url or None


class ConditionVerdictSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(source="condition.kind", choices=Kind.choices)
    checked_by = serializers.ChoiceField(source="condition.checked_by", choices=Check.choices,
                                         help_text="verified: only verified data count; declared: what the enterprise "
                                                   "declared counts too; person: checked by a person when applying.")
    description = serializers.CharField(source="condition.describe", help_text="The condition as the policy states it.")
    state = serializers.ChoiceField(source="verdict.state", choices=STATES)
    basis = serializers.ChoiceField(source="verdict.basis", choices=BASES,
                                    help_text="For a condition met: from verified data, or from what was declared.")
    reason = serializers.CharField(source="verdict.reason", help_text="Why, as the enterprise reads it.")
    settle = serializers.CharField(source="verdict.settle", help_text="For an unknown one: what would settle it.")


class CalculatorResultSerializer(serializers.Serializer):
    policy = PolicyBriefSerializer()
    state = serializers.ChoiceField(choices=STATES, help_text="met: every kind of condition met; unmet: one is not; "
                                                              "unknown: the rest cannot tell yet.")
    proven = serializers.BooleanField(help_text="Every condition met from verified data alone.")
    conditions = serializers.SerializerMethodField()

    @extend_schema_field(ConditionVerdictSerializer(many=True))
    def get_conditions(self, result):
        return ConditionVerdictSerializer([{"condition": c, "verdict": v} for c, v in result.verdicts], many=True).data


class CalculatorRequestSerializer(serializers.Serializer):
    enterprise_uscc = serializers.CharField(required=False, max_length=18,
                                            help_text="Your enterprise's file instead of answers (signed in, a member).")
    industry_code = serializers.CharField(required=False, allow_blank=True, max_length=5,
                                          help_text="GB/T 4754 code: a section (H), division (H62) or class (H6210).")
    scale = serializers.CharField(required=False, allow_blank=True, max_length=10,
                                  help_text="large, medium, small or micro.")
    region_code = serializers.CharField(required=False, allow_blank=True, max_length=6, help_text="GB/T 2260, six digits.")
    established_on = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=10,
                                           help_text="YYYY-MM-DD.")
    registered_capital = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=20,
                                               help_text="In 10,000 yuan.")
    employees = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=20,
                                      help_text="A whole number.")
    qualifications = serializers.ListField(child=serializers.CharField(max_length=40), required=False, max_length=50,
                                           help_text="Qualification codes (资质), e.g. high-tech.")


def _own(user, uscc) -> Enterprise:
    return enterprises.own_enterprise(user, uscc)


class CalculatorView(CaseFileAPIView):
    permission_classes = [AllowAny]  # answers from anyone; an enterprise's file only for its members
    throttle_classes = [PolicyCalculatorThrottle]

    @extend_schema(
        tags=["policies"], operation_id="policies_calculator", auth=[{}, {"tokenAuth": []}, {"cookieAuth": []}],
        summary="政策计算器: the policies in force against your answers or your enterprise's file",
        description="Either the questionnaire's answers (anyone: every answer counts as declared; licenses and cases "
                    "are not known) or `enterprise_uscc` (signed in, a member of the enterprise: its file, 一企一档). "
                    "Ranked: proven from verified data first, then met with declarations, then those with fewer "
                    "unknowns, the ones with an unmet condition last. Rate limited per client address (429).",
        request=CalculatorRequestSerializer,
        responses={200: CalculatorResultSerializer(many=True), 400: ERRORS[400], 404: NOT_YOURS,
                   429: OpenApiResponse(description="Too many requests: try again later.")},
        examples=[OpenApiExample("Answers", request_only=True, value={
            "industry_code": "H6210", "scale": "micro", "region_code": "440402", "established_on": "2024-03-01",
            "registered_capital": "50", "employees": 8, "qualifications": []})],
    )
    def post(self, request):
        body = CalculatorRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        if data.get("enterprise_uscc"):
            results = calculator.for_enterprise(_own(request.user, data["enterprise_uscc"]))
        else:
            results = calculator.for_answers({k: v for k, v in data.items() if k in profiles.QUESTIONS})
        return Response(CalculatorResultSerializer(results, many=True).data)


# --- 一企一档: the enterprise's file --------------------------------------------------------

FACT_NAMES = ("industry_code", "scale", "region_code", "established_on", "registered_capital", "employees")
FACTS = [(name, name) for name in FACT_NAMES]


class FactSerializer(serializers.Serializer):
    name = serializers.ChoiceField(choices=FACTS)
    value = serializers.CharField(allow_null=True, help_text="The verified value, else the declared one.")
    source = serializers.ChoiceField(choices=FACT_SOURCES, help_text="Where the value comes from "
                                                                                   "(empty: nothing known).")
    verified = serializers.CharField(allow_null=True, help_text="The registry's value.")
    declared = serializers.CharField(allow_null=True, help_text="What the enterprise declared.")


class HeldLicenseSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="The license type's code.")
    type_name = serializers.CharField()
    number = serializers.CharField()


class HeldQualificationSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    source = serializers.ChoiceField(choices=Source.choices)


class ConcludedCaseSerializer(serializers.Serializer):
    item_code = serializers.CharField(allow_null=True)
    item_title = serializers.CharField(allow_null=True)
    number = serializers.CharField(help_text="The case number.")


class DeclarationSerializer(serializers.Serializer):
    employees = serializers.IntegerField(allow_null=True)
    industry_code = serializers.CharField()
    scale = serializers.CharField()
    established_on = serializers.DateField(allow_null=True)
    registered_capital = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    annual_revenue = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    updated_at = serializers.DateTimeField()


class EnterpriseBriefSerializer(serializers.Serializer):
    uscc = serializers.CharField()
    name = serializers.CharField()


class EnterpriseFileSerializer(serializers.Serializer):
    enterprise = EnterpriseBriefSerializer()
    facts = FactSerializer(many=True)
    licenses = HeldLicenseSerializer(many=True, help_text="Valid electronic licenses held.")
    qualifications = HeldQualificationSerializer(many=True, help_text="In force; verified where a department recorded it.")
    concluded = ConcludedCaseSerializer(many=True, help_text="Approved and concluded cases.")
    declaration = DeclarationSerializer(allow_null=True, help_text="What the enterprise declared of itself (自主申报).")


def file_body(enterprise) -> dict:
    """The file as the API shows it: the profile's facts, with the names of what it refers to."""
    profile = profiles.file_of(enterprise)
    facts = []
    for name in FACT_NAMES:
        fact = getattr(profile, name)
        facts.append({"name": name, "value": _text(fact.value), "source": fact.source,
                      "verified": _text(fact.verified), "declared": _text(fact.declared)})
    type_names = dict(LicenseType.objects.filter(code__in=profile.licenses).values_list("code", "name"))
    names = dict(Qualification.objects.filter(code__in=profile.qualifications).values_list("code", "name"))
    items = {pk: (code, title) for pk, code, title in
             ServiceItemPage.objects.filter(pk__in=profile.concluded).values_list("pk", "item_code", "title")}
    declaration = getattr(enterprise, "declaration", None)
    return {
        "enterprise": enterprise, "facts": facts,
        "licenses": [{"type": code, "type_name": type_names.get(code, code), "number": number}
                     for code, number in sorted(profile.licenses.items())],
        "qualifications": [{"code": code, "name": names.get(code, code), "source": source}
                           for code, source in sorted(profile.qualifications.items())],
        "concluded": [{"item_code": items.get(pk, (None, None))[0], "item_title": items.get(pk, (None, None))[1],
                       "number": number} for pk, number in profile.concluded.items()],
        "declaration": declaration,
    }


class DeclareSerializer(serializers.Serializer):
    employees = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=20)
    industry_code = serializers.CharField(required=False, allow_blank=True, max_length=5)
    scale = serializers.CharField(required=False, allow_blank=True, max_length=10)
    established_on = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=10,
                                           help_text="YYYY-MM-DD.")
    registered_capital = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=20,
                                               help_text="In 10,000 yuan.")
    annual_revenue = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=20,
                                           help_text="Last year's revenue, in 10,000 yuan.")


class EnterpriseFileView(CaseFileAPIView):
    @extend_schema(tags=["policies"], operation_id="enterprises_file", parameters=[USCC],
                   summary="一企一档: your enterprise's file",
                   description="What the system knows of the enterprise and from where: the registry's facts (verified) "
                               "beside what it declared, its valid licenses, its qualifications, its approved and "
                               "concluded cases, its declaration. Members only.",
                   responses={200: EnterpriseFileSerializer, 403: ERRORS[403], 404: NOT_YOURS})
    def get(self, request, uscc):
        enterprise = _own(request.user, uscc)
        return Response(EnterpriseFileSerializer(file_body(enterprise)).data)


class DeclarationView(CaseFileAPIView):
    @extend_schema(tags=["policies"], operation_id="enterprises_file_declare", parameters=[USCC],
                   summary="Declare what the registry does not say (自主申报)",
                   description="Replaces the declaration with the values sent (those left out are cleared); each is "
                               "checked as the calculator's answers are, and always shown as declared.",
                   request=DeclareSerializer,
                   responses={200: EnterpriseFileSerializer, 400: ERRORS[400], 403: ERRORS[403], 404: NOT_YOURS},
                   examples=[OpenApiExample("Declared", request_only=True,
                                            value={"employees": 12, "scale": "micro", "annual_revenue": "380"})])
    def put(self, request, uscc):
        enterprise = _own(request.user, uscc)
        body = DeclareSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        profiles.declare(enterprise, request.user, body.validated_data)
        enterprise = Enterprise.objects.get(pk=enterprise.pk)
        return Response(EnterpriseFileSerializer(file_body(enterprise)).data)


# --- subscriptions ------------------------------------------------------------------------------

class SubscriptionSerializer(serializers.ModelSerializer):
    enterprise = EnterpriseBriefSerializer(allow_null=True, help_text="Whose matches, for “whatever matches me”.")
    industries = serializers.ListField(child=serializers.CharField(), help_text="GB/T 4754 codes.")
    categories = serializers.ListField(child=serializers.ChoiceField(choices=PolicyPage.Category.choices))
    description = serializers.SerializerMethodField(help_text="The subscription in a line.")

    class Meta:
        model = Subscription
        fields = ["id", "matches_me", "enterprise", "industries", "categories", "region_code", "by_email", "by_sms",
                  "weekly_digest", "created_at", "description"]
        read_only_fields = fields

    def get_description(self, subscription) -> str:
        return subscriptions.describe(subscription)


class SubscribeSerializer(serializers.Serializer):
    matches_me = serializers.BooleanField(required=False, default=False,
                                          help_text="Be told of whatever matches `enterprise_uscc`'s file.")
    enterprise_uscc = serializers.CharField(required=False, allow_blank=True, max_length=18)
    industries = serializers.ListField(child=serializers.CharField(max_length=20), required=False, default=list,
                                       help_text="GB/T 4754 codes (a policy for one under them, or above, fits).")
    categories = serializers.ListField(child=serializers.CharField(max_length=20), required=False, default=list,
                                       help_text="Policy categories: subsidy, tax, finance, talent, land, innovation, "
                                                 "market, employment, other.")
    region_code = serializers.CharField(required=False, allow_blank=True, default="", max_length=6)
    by_email = serializers.BooleanField(required=False, default=True)
    by_sms = serializers.BooleanField(required=False, default=False)
    weekly_digest = serializers.BooleanField(required=False, default=True)


class SubscriptionListView(CaseFileAPIView):
    @extend_schema(tags=["policies"], operation_id="policy_subscriptions_list", summary="Your policy subscriptions",
                   responses={200: SubscriptionSerializer(many=True), 403: ERRORS[403]})
    def get(self, request):
        return Response(SubscriptionSerializer(subscriptions.of_user(request.user), many=True).data)

    @extend_schema(tags=["policies"], operation_id="policy_subscriptions_create", request=SubscribeSerializer,
                   summary="Subscribe to policies (政策订阅)",
                   description="By industries, categories and a region (at least one), or `matches_me` with an "
                               "enterprise you act for. Told in the message centre, by email and SMS where chosen.",
                   responses={201: SubscriptionSerializer, 400: ERRORS[400], 403: ERRORS[403]},
                   examples=[OpenApiExample("By filters", request_only=True,
                                            value={"industries": ["H62"], "categories": ["subsidy"]}),
                             OpenApiExample("Whatever matches me", request_only=True,
                                            value={"matches_me": True, "enterprise_uscc": "91440400MA55L8QJ28"})])
    def post(self, request):
        body = SubscribeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        uscc = data.pop("enterprise_uscc", "")
        enterprise = Enterprise.objects.filter(uscc=uscc.strip().upper()).first() if uscc else None
        subscription = subscriptions.subscribe(request.user, enterprise=enterprise, **data)
        return Response(SubscriptionSerializer(subscription).data, status=http.HTTP_201_CREATED)


class SubscriptionDetailView(CaseFileAPIView):
    @extend_schema(tags=["policies"], operation_id="policy_subscriptions_delete", parameters=[SUBSCRIPTION_ID],
                   summary="Unsubscribe", responses={204: None, 403: ERRORS[403], 404: NOT_YOURS})
    def delete(self, request, subscription_id):
        subscriptions.unsubscribe(request.user, subscription_id)
        return Response(status=http.HTTP_204_NO_CONTENT)


# --- 免申即享: benefits without application ------------------------------------------------------

class BenefitSerializer(serializers.ModelSerializer):
    policy = PolicyBriefSerializer()
    enterprise = EnterpriseBriefSerializer()
    status = serializers.ChoiceField(choices=Benefit.Status.choices,
                                     help_text="invited (apply: 一键申报), offered (confirm or decline by confirm_by), "
                                               "confirmed (awaiting payout by payout_due), paid, declined.")
    status_display = serializers.CharField(source="get_status_display")
    reasons = serializers.ListField(child=serializers.CharField(), help_text="Each condition met, and from what.")
    case = serializers.SerializerMethodField(help_text="The number of the case opened for it (null: invited).")

    class Meta:
        model = Benefit
        fields = ["id", "policy", "enterprise", "status", "status_display", "amount", "reasons", "case", "found_at",
                  "confirm_by", "confirmed_at", "payout_due", "declined_at", "decline_reason", "paid_on",
                  "paid_amount", "payout_reference"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_case(self, benefit):
        return benefit.case.number if benefit.case_id else None


class BenefitQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Benefit.Status.choices, required=False)


class DeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=benefits.MAX_REASON_CHARS)


class BenefitListView(CaseFileAPIView, GenericAPIView):
    serializer_class = BenefitSerializer
    queryset = Benefit.objects.none()  # for the schema; requests use benefits.of_user()

    @extend_schema(tags=["policies"], operation_id="benefits_list", parameters=[BenefitQuerySerializer],
                   summary="免申即享: the benefits found for the enterprises you act for",
                   description="Newest first, 50 a page.",
                   responses={200: BenefitSerializer(many=True), 400: ERRORS[400], 403: ERRORS[403]})
    def get(self, request):
        query = BenefitQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        found = benefits.of_user(request.user).select_related("policy__department")
        if query.validated_data.get("status"):
            found = found.filter(status=query.validated_data["status"])
        page = self.paginate_queryset(found.order_by("-found_at", "-pk"))
        return self.get_paginated_response(BenefitSerializer(page, many=True).data)


class BenefitDetailView(CaseFileAPIView):
    @extend_schema(tags=["policies"], operation_id="benefits_retrieve", parameters=[BENEFIT_ID],
                   summary="One benefit", responses={200: BenefitSerializer, 403: ERRORS[403], 404: NOT_YOURS})
    def get(self, request, benefit_id):
        return Response(BenefitSerializer(benefits.benefit_for(request.user, benefit_id)).data)


class BenefitConfirmView(CaseFileAPIView):
    @extend_schema(tags=["policies"], operation_id="benefits_confirm", parameters=[BENEFIT_ID], request=None,
                   summary="Take the benefit (确认): its payout (兑现) falls due",
                   responses={200: BenefitSerializer, 403: ERRORS[403], 404: NOT_YOURS, 409: NOT_NOW})
    def post(self, request, benefit_id):
        benefit = benefits.benefit_for(request.user, benefit_id)
        return Response(BenefitSerializer(benefits.confirm(benefit, request.user)).data)


class BenefitDeclineView(CaseFileAPIView):
    @extend_schema(tags=["policies"], operation_id="benefits_decline", parameters=[BENEFIT_ID],
                   request=DeclineSerializer, summary="Decline the benefit: its case is withdrawn, never offered again",
                   responses={200: BenefitSerializer, 400: ERRORS[400], 403: ERRORS[403], 404: NOT_YOURS, 409: NOT_NOW},
                   examples=[OpenApiExample("Declined", request_only=True, value={"reason": "暂不需要"})])
    def post(self, request, benefit_id):
        benefit = benefits.benefit_for(request.user, benefit_id)
        body = DeclineSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return Response(BenefitSerializer(benefits.decline(benefit, request.user, body.validated_data["reason"])).data)


# --- 一键申报 ------------------------------------------------------------------------------------

class ApplySerializer(serializers.Serializer):
    enterprise_uscc = serializers.CharField(max_length=18, help_text="The enterprise you apply for (a member).")


class PolicyApplyView(CaseFileAPIView):
    @extend_schema(
        tags=["policies"], operation_id="policies_apply", parameters=[POLICY_ID], request=ApplySerializer,
        summary="一键申报: a draft application for the policy's benefit, filled from the enterprise's file",
        description="The draft of the policy's service item, its form pre-filled as every application's is and from "
                    "the enterprise's file; check it and submit it as any other (`POST /api/v1/cases/{number}/"
                    "transitions/submit/`). 404 for a policy not published or an enterprise not yours; 409 for a "
                    "policy not in force or with no item to apply through.",
        responses={201: s.CaseDetailSerializer, 400: ERRORS[400], 403: ERRORS[403], 404: NOT_YOURS,
                   409: OpenApiResponse(s.ErrorSerializer, description="Not in force, or no item to apply through.")},
    )
    def post(self, request, policy_id):
        body = ApplySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        enterprise = _own(request.user, body.validated_data["enterprise_uscc"])
        with transaction.atomic():
            case = applying.apply(request.user, policy_id, enterprise)
            reuse.use_held_licenses(case, request.user)  # 免提交, as for every new draft (POST /api/v1/cases/)
        case = CaseFile.objects.select_related(*CASE_RELATIONS).get(pk=case.pk)
        response = tagged(Response(detail(case, request), status=http.HTTP_201_CREATED), case)
        response["Location"] = request.build_absolute_uri(response.data["url"])
        return response

