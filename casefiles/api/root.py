"""/api/v1/ itself: the API's root, listing its endpoints (those without a parameter in their path) with links, and
the schema and the docs (what DRF's DefaultRouter answers at its root, for views that are not viewsets)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from django.urls import get_resolver
from rest_framework.reverse import reverse

from casefiles.api.views import CaseFileAPIView


def endpoints(request) -> dict[str, str]:
    """Each named endpoint under /api/v1/ a client can ask without knowing a number first, by name, as a full URL."""
    namespace = request.resolver_match.namespace  # the list this view is in, found as Django found it
    _prefix, resolver = get_resolver(getattr(request, "urlconf", None)).namespace_dict[namespace]
    return {pattern.name: reverse(f"{namespace}:{pattern.name}", request=request)
            for pattern in resolver.url_patterns
            if getattr(pattern, "name", None) and pattern.name != "root" and "<" not in str(pattern.pattern)}


class ApiRootView(CaseFileAPIView):
    permission_classes = [AllowAny]

    @extend_schema(summary="The API's root: its endpoints, the schema and the docs, by name",
                   responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        return Response(endpoints(request))
