"""/api/v1/ for agents (帮办代办) and the front desk's hand-out (统一出件), in front of
casefiles.agents.authorisations and casefiles.frontdesk.window.

Filing at the window (一窗受理) is ``POST /api/v1/cases/`` with ``"channel": "window"`` and the
applicant's ``enterprise_uscc`` or ``person_id_number`` (views.CaseListView). The agent then
uses the ordinary case endpoints (materials, transitions); the journal names them and the
applicant (``on_behalf_of`` in the events).
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status as http
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from casefiles.access import disclosure
from casefiles.agents import authorisations as agents
from casefiles.api import serializers as s
from casefiles.api.views import ERRORS, NUMBER, CaseFileAPIView, visible_case
from casefiles.errors import Invalid, NotFound
from casefiles.frontdesk import window as frontdesk
from casefiles.materials import downloads

AUTHORISATION_ID = OpenApiParameter("authorisation_id", OpenApiTypes.INT, OpenApiParameter.PATH,
                                    description="The authorisation's id.")


def _authorisation_of(case, authorisation_id):
    authorisation = agents.for_case(case).filter(pk=authorisation_id).select_related("case").first()
    if authorisation is None:
        raise NotFound(_("No such authorisation."))
    return authorisation


def _data(authorisations, request, many=True):
    return s.AuthorisationSerializer(authorisations, many=many, context={"request": request}).data


class MyAuthorisationsView(CaseFileAPIView):
    @extend_schema(tags=["agents"], operation_id="authorisations_mine", parameters=[s.AuthorisationListQuerySerializer],
                   summary="Your authorisations: those you gave as applicant, and those you hold as agent",
                   responses={200: s.AuthorisationSerializer(many=True), 403: ERRORS[403]})
    def get(self, request):
        query = s.AuthorisationListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        role = query.validated_data.get("role")
        found = []
        if role in (None, "applicant"):
            found += list(agents.given_by(request.user)[:500])
        if role in (None, "agent"):
            found += [a for a in agents.given_to(request.user)[:500] if a not in found]
        return Response(_data(found, request))


class CaseAuthorisationsView(CaseFileAPIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(tags=["agents"], operation_id="authorisations_list", parameters=[NUMBER],
                   summary="The agents authorised on a case (and, for a bundle's child, on its bundle)",
                   responses={200: s.AuthorisationSerializer(many=True), 403: ERRORS[403], 404: ERRORS[404]})
    def get(self, request, number):
        case = visible_case(request.user, number)
        return Response(_data(agents.for_case(case), request))

    @extend_schema(
        tags=["agents"], operation_id="authorisations_create", parameters=[NUMBER],
        summary="Authorise an agent on your case (帮办代办)",
        description="multipart/form-data, by the applicant only. The agent gets the applicant's rights on the case "
                    "(and a bundle's children) until `valid_until`; the signed authorisation is checked like any upload.",
        request={"multipart/form-data": s.AuthorisationCreateSerializer},
        responses={201: s.AuthorisationSerializer, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404]},
        examples=[OpenApiExample("Refused", status_codes=["400"], response_only=True, value={
            "detail": "An authorisation lasts at most 90 days.", "messages": ["An authorisation lasts at most 90 days."],
            "code": "refused"})],
    )
    def post(self, request, number):
        case = visible_case(request.user, number)
        serializer = s.AuthorisationCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        agent = agents.find_agent(data["agent"])
        if agent is None:
            raise Invalid(_("No registered user has this username or phone number."))
        authorisation = agents.authorise(case, request.user, agent, data["document"], valid_until=data["valid_until"],
                                         valid_from=data.get("valid_from"), kind=data["kind"], scope=data["scope"])
        return Response(_data(authorisation, request, many=False), status=http.HTTP_201_CREATED)


class RevokeAuthorisationView(CaseFileAPIView):
    parser_classes = [JSONParser, FormParser]

    @extend_schema(tags=["agents"], operation_id="authorisations_revoke", parameters=[NUMBER, AUTHORISATION_ID],
                   summary="Revoke an authorisation (the applicant only): the agent loses the case at once",
                   request=s.RevokeSerializer,
                   responses={200: s.AuthorisationSerializer, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404]})
    def post(self, request, number, authorisation_id):
        case = visible_case(request.user, number)
        authorisation = _authorisation_of(case, authorisation_id)
        serializer = s.RevokeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if not (agents.is_applicant(request.user, case) or request.user.is_superuser):
            raise PermissionDenied(_("Only the applicant can revoke an authorisation."))
        agents.revoke(authorisation, request.user, reason=serializer.validated_data.get("reason", ""))
        authorisation.refresh_from_db()
        return Response(_data(authorisation, request, many=False))


class AuthorisationDocumentView(CaseFileAPIView):
    @extend_schema(tags=["agents"], operation_id="authorisations_document", parameters=[NUMBER, AUTHORISATION_ID],
                   summary="The signed authorisation (授权委托书)",
                   responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY),
                              403: ERRORS[403], 404: ERRORS[404]})
    def get(self, request, number, authorisation_id):
        case = visible_case(request.user, number)
        authorisation = _authorisation_of(case, authorisation_id)
        return downloads.file_response(authorisation.document.open("rb"), name=authorisation.document_name,
                                       content_type=authorisation.document_type)


class HandOutView(CaseFileAPIView):
    parser_classes = [JSONParser, FormParser]

    @staticmethod
    def _state(case, request):
        found = frontdesk.results(case)
        handed = frontdesk.handed_out(case)
        if handed is not None:  # as the caller is told it: to the applicant, the front desk hands out
            handed = disclosure.disclose(handed, case, disclosure.audience(request.user, case))
        return s.HandOutSerializer({
            "handed_out": handed,
            "notices": [n.number for n in found.notices],
            "licenses": [lic.identifier for lic in found.licenses],
            "unfinished": [c.number for c in found.unfinished],
        }).data

    @extend_schema(tags=["front desk"], operation_id="hand_out_status", parameters=[NUMBER],
                   summary="The results of a case and its children, and whether they were handed out (统一出件)",
                   responses={200: s.HandOutSerializer, 403: ERRORS[403], 404: ERRORS[404]})
    def get(self, request, number):
        return Response(self._state(visible_case(request.user, number), request))

    @extend_schema(
        tags=["front desk"], operation_id="hand_out_record", parameters=[NUMBER],
        summary="Record that the results were handed out at the window (window clerks, the department's clerks)",
        request=s.HandOutRequestSerializer,
        responses={201: s.HandOutSerializer, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404]},
        examples=[OpenApiExample("Hand-out", request_only=True, value={"recipient_name": "林晓燕", "note": "原件已核验"})],
    )
    def post(self, request, number):
        case = visible_case(request.user, number)
        serializer = s.HandOutRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        frontdesk.hand_out(case, request.user, recipient_name=data["recipient_name"],
                           recipient_id_number=data.get("recipient_id_number", ""), note=data.get("note", ""))
        return Response(self._state(case, request), status=http.HTTP_201_CREATED)
