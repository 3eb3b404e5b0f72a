"""/api/v1/messages/: the caller's own inbox (站内消息), in front of casefiles.notifications.messages.

Every answer is about the caller's own messages only; someone else's message id answers 404
exactly like one that does not exist.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from casefiles.api.serializers import ErrorSerializer
from casefiles.api.views import ERRORS, CaseFileAPIView
from casefiles.notifications import messages as message_centre
from casefiles.notifications.models import Message

MESSAGE_ID = OpenApiParameter("message_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The message's id.")
MESSAGE_NOT_FOUND = OpenApiResponse(ErrorSerializer,
                                    description="No such message — or someone else's: the answer is the same.")


class MessageSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", help_text="The kind, in the language asked for.")
    url = serializers.SerializerMethodField(help_text="The page the message leads to, as an absolute URL (null: none).")
    case = serializers.SerializerMethodField(help_text="The number of the case the message is about, if any.")
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Message
        fields = ["id", "kind", "kind_display", "title", "body", "link", "url", "case", "created_at", "read_at", "is_read"]
        read_only_fields = fields
        extra_kwargs = {"link": {"help_text": "The page on this site the message leads to, as a path (\"\": none)."},
                        "body": {"help_text": "Plain text, with line breaks."}}

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_url(self, message):
        request = self.context.get("request")
        if not message.link:
            return None
        return request.build_absolute_uri(message.link) if request else message.link

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_case(self, message):
        return message.case.number if message.case_id else None


class MessageListQuerySerializer(serializers.Serializer):
    unread = serializers.BooleanField(required=False, default=False, help_text="1: only the unread ones.")
    kind = serializers.ChoiceField(choices=Message.Kind.choices, required=False,
                                   error_messages={"invalid_choice": _("There is no such kind of message.")})


class UnreadCountSerializer(serializers.Serializer):
    unread = serializers.IntegerField(help_text="How many of your messages are unread.")


class MarkedSerializer(UnreadCountSerializer):
    marked = serializers.IntegerField(help_text="How many messages this request marked read.")


class MessageListView(CaseFileAPIView, GenericAPIView):
    serializer_class = MessageSerializer
    queryset = Message.objects.none()  # for the schema; requests use the caller's inbox

    @extend_schema(
        tags=["messages"], operation_id="messages_list", parameters=[MessageListQuerySerializer],
        summary="Your messages (站内消息), newest first",
        description="Only your own. Case updates are posted on each change of state of your applications that you "
                    "are told of; alerts, reminders and policy pushes follow. Paginated, 50 a page.",
        responses={200: MessageSerializer(many=True), 400: ERRORS[400], 403: ERRORS[403]},
    )
    def get(self, request):
        query = MessageListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        found = message_centre.inbox(request.user, kind=query.validated_data.get("kind"),
                                     unread_only=query.validated_data["unread"])
        page = self.paginate_queryset(found)
        return self.get_paginated_response(MessageSerializer(page, many=True, context={"request": request}).data)


class UnreadCountView(CaseFileAPIView):
    @extend_schema(tags=["messages"], operation_id="messages_unread_count", summary="How many of your messages are unread",
                   responses={200: UnreadCountSerializer, 403: ERRORS[403]},
                   examples=[OpenApiExample("Unread", response_only=True, value={"unread": 3})])
    def get(self, request):
        return Response({"unread": message_centre.unread_count(request.user)})


class MarkReadView(CaseFileAPIView):
    @extend_schema(tags=["messages"], operation_id="messages_read", parameters=[MESSAGE_ID], request=None,
                   summary="Mark one of your messages read (again: no change)",
                   responses={200: MessageSerializer, 403: ERRORS[403], 404: MESSAGE_NOT_FOUND},
                   examples=[OpenApiExample("Not found", status_codes=["404"], response_only=True, value={
                       "detail": "No such message.", "messages": ["No such message."], "code": "not_found"})])
    def post(self, request, message_id):
        message_centre.mark_read(request.user, [message_id])
        message = message_centre.message(request.user, message_id)
        return Response(MessageSerializer(message, context={"request": request}).data)


class MarkAllReadView(CaseFileAPIView):
    @extend_schema(tags=["messages"], operation_id="messages_read_all", request=None,
                   summary="Mark all your messages read",
                   responses={200: MarkedSerializer, 403: ERRORS[403]},
                   examples=[OpenApiExample("Marked", response_only=True, value={"marked": 3, "unread": 0})])
    def post(self, request):
        marked = message_centre.mark_all_read(request.user)
        return Response({"marked": marked, "unread": message_centre.unread_count(request.user)})
