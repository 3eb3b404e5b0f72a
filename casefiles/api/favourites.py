"""/api/v1/favourites/: the caller's own favourites (收藏), in front of casefiles.favourites.favourites.

A favourite is named by its page's id; one whose page is no longer live is not listed.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from wagtail.models import Page

from casefiles.api.serializers import ErrorSerializer
from casefiles.api.views import ERRORS, CaseFileAPIView
from casefiles.favourites import favourites
from casefiles.favourites.models import Favourite

NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such live guide, bundle or policy, or not a favourite of yours.")
PAGE_ID = OpenApiParameter("page_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The page's id.")


class FavouriteSerializer(serializers.ModelSerializer):
    page = serializers.IntegerField(source="page_id", help_text="The page's id.")
    title = serializers.CharField(source="page.title", help_text="The page's title.")
    kind = serializers.SerializerMethodField(help_text="guide, bundle or policy.")
    url = serializers.SerializerMethodField(help_text="The page's absolute URL.")

    class Meta:
        model = Favourite
        fields = ["page", "title", "kind", "url", "created_at"]
        read_only_fields = fields

    def get_kind(self, favourite) -> str:
        return {"cms.serviceitempage": "guide", "cms.bundlepage": "bundle",
                "cms.policypage": "policy"}.get(favourite.page.specific_class._meta.label_lower, "")

    def get_url(self, favourite) -> str:
        request = self.context.get("request")
        url = favourite.page.url or ""
        return request.build_absolute_uri(url) if request and url else url


class AddSerializer(serializers.Serializer):
    page = serializers.IntegerField(help_text="The id of a live guide, bundle or policy.")


def _favourable(page_id) -> Page:
    page = Page.objects.filter(pk=page_id).first()
    if page is None or not favourites.can_be_favourite(page.specific):
        raise NotFound(_("There is no such guide, bundle or policy."))
    return page.specific


class FavouriteListView(CaseFileAPIView, GenericAPIView):
    serializer_class = FavouriteSerializer
    queryset = Favourite.objects.none()  # for the schema; requests use the caller's own

    @extend_schema(tags=["favourites"], operation_id="favourites_list", summary="Your favourites (收藏), newest first",
                   responses={200: FavouriteSerializer(many=True), 403: ERRORS[403]})
    def get(self, request):
        page = self.paginate_queryset(favourites.listed(request.user))
        return self.get_paginated_response(FavouriteSerializer(page, many=True, context={"request": request}).data)

    @extend_schema(tags=["favourites"], operation_id="favourites_add", request=AddSerializer,
                   summary="Keep a guide, a bundle or a policy (again: no change)",
                   responses={201: FavouriteSerializer, 400: ERRORS[400], 403: ERRORS[403], 404: NOT_FOUND})
    def post(self, request):
        body = AddSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        favourite = favourites.add(request.user, _favourable(body.validated_data["page"]))
        return Response(FavouriteSerializer(favourite, context={"request": request}).data, status=201)


class FavouriteDetailView(CaseFileAPIView):
    @extend_schema(tags=["favourites"], operation_id="favourites_remove", parameters=[PAGE_ID],
                   summary="No longer keep a page", responses={204: None, 403: ERRORS[403], 404: NOT_FOUND})
    def delete(self, request, page_id):
        if not favourites.remove(request.user, Page(pk=page_id)):
            raise NotFound(_("That page is not among your favourites."))
        return Response(status=204)
