"""/api/v1/supervision/: 督办 (supervision orders: list, detail, issue, reply) and 红黄牌 (cards),
in front of casefiles.supervision.orders and .cards. Refusals answer as in every channel: an
order the caller may not see is 404 like a missing one, one they may see but not act on 403,
a second reply 409, a bad date or empty text 400."""

from datetime import datetime, time, timedelta

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from casefiles.api.views import ERRORS, CaseFileAPIView, visible_case
from casefiles.directory import lookup
from casefiles.supervision import cards, orders
from casefiles.supervision.models import Card, Order

ORDER_ID = OpenApiParameter("order_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The order's id.")



class OrderSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.code", help_text="The department's code.")
    department_name = serializers.CharField(source="department.name")
    case = serializers.SerializerMethodField(help_text="The number of the case the order is on (null: the department).")
    status = serializers.SerializerMethodField(help_text="waiting, overdue (unanswered after reply_due) or answered.")
    issued_by = serializers.CharField(source="issued_by.get_username")

    class Meta:
        model = Order
        fields = ["id", "department", "department_name", "case", "subject", "text", "issued_by", "issued_at",
                  "reply_due", "status", "reply", "replied_at", "escalated_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_case(self, order):
        return order.case.number if order.case_id else None

    @extend_schema_field(serializers.CharField())
    def get_status(self, order):
        return orders.status(order)


class OrderQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=orders.OrderStatus.choices, required=False)
    department = serializers.CharField(required=False, help_text="A department's code.")


class IssueSerializer(serializers.Serializer):
    case = serializers.CharField(required=False, help_text="The case's number (an order on a case).")
    department = serializers.CharField(required=False, help_text="A department's code (an order on a department).")
    subject = serializers.CharField(max_length=orders.SUBJECT_CHARS)
    text = serializers.CharField(max_length=orders.TEXT_CHARS)
    reply_due = serializers.DateField(help_text="The date the department must reply by: after today.")


class ReplySerializer(serializers.Serializer):
    text = serializers.CharField(max_length=orders.TEXT_CHARS)


class OrderListView(CaseFileAPIView, GenericAPIView):
    serializer_class = OrderSerializer
    queryset = Order.objects.none()

    @extend_schema(tags=["supervision"], operation_id="supervision_orders_list", parameters=[OrderQuerySerializer],
                   summary="Supervision orders (督办) you see: supervisors every one, staff their departments'",
                   responses={200: OrderSerializer(many=True), 400: ERRORS[400], 403: ERRORS[403]})
    def get(self, request):
        query = OrderQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        found = orders.listing(request.user, query.validated_data.get("status", ""),
                               lookup.department_by_code(query.validated_data.get("department")))
        page = self.paginate_queryset(found)
        return self.get_paginated_response(OrderSerializer(page, many=True).data)

    @extend_schema(tags=["supervision"], operation_id="supervision_orders_issue", request=IssueSerializer,
                   summary="Issue a supervision order on a case or a department (supervisors)",
                   responses={201: OrderSerializer, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404]})
    def post(self, request):
        given = IssueSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        orders.require_issuer(request.user)  # before the case is looked up: the same 403 for every case
        case = visible_case(request.user, data["case"]) if data.get("case") else None
        order = orders.issue(request.user, case=case, department=lookup.department_by_code(data.get("department")),
                             subject=data["subject"], text=data["text"], reply_due=data["reply_due"])
        return Response(OrderSerializer(order).data, status=201)


class OrderDetailView(CaseFileAPIView):
    @extend_schema(tags=["supervision"], operation_id="supervision_orders_detail", parameters=[ORDER_ID],
                   summary="One supervision order", responses={200: OrderSerializer, 403: ERRORS[403], 404: ERRORS[404]})
    def get(self, request, order_id):
        return Response(OrderSerializer(orders.visible_order(request.user, order_id)).data)


class OrderReplyView(CaseFileAPIView):
    @extend_schema(tags=["supervision"], operation_id="supervision_orders_reply", parameters=[ORDER_ID],
                   request=ReplySerializer, summary="The department's reply (once)",
                   responses={200: OrderSerializer, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404],
                              409: ERRORS[400]})
    def post(self, request, order_id):
        given = ReplySerializer(data=request.data)
        given.is_valid(raise_exception=True)
        order = orders.visible_order(request.user, order_id)
        return Response(OrderSerializer(orders.reply(order, request.user, given.validated_data["text"])).data)


class CardSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.code")
    department_name = serializers.CharField(source="department.name")
    case = serializers.SerializerMethodField()

    class Meta:
        model = Card
        fields = ["id", "department", "department_name", "case", "colour", "rule", "reason", "issued_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_case(self, card):
        return card.case.number if card.case_id else None


class CardQuerySerializer(serializers.Serializer):
    department = serializers.CharField(required=False, help_text="A department's code.")
    since = serializers.DateField(required=False)
    until = serializers.DateField(required=False, help_text="The last day included.")


def _start_of(day):
    return timezone.make_aware(datetime.combine(day, time.min)) if day else None


class CardListView(CaseFileAPIView, GenericAPIView):
    serializer_class = CardSerializer
    queryset = Card.objects.none()

    @extend_schema(tags=["supervision"], operation_id="supervision_cards_list", parameters=[CardQuerySerializer],
                   summary="Cards (红黄牌): supervisors every department's, staff their own; newest first",
                   responses={200: CardSerializer(many=True), 400: ERRORS[400], 403: ERRORS[403]})
    def get(self, request):
        query = CardQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        until = data.get("until")
        found = cards.visible_cards(request.user, lookup.department_by_code(data.get("department")), _start_of(data.get("since")),
                                    _start_of(until + timedelta(days=1)) if until else None)
        page = self.paginate_queryset(found)
        return self.get_paginated_response(CardSerializer(page, many=True).data)
