"""The public search page over guides, bundles and policies, and its autocomplete."""

import hashlib

from django.core.cache import cache
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_GET

from search import presentation, service, trimming

PER_PAGE = 10
SUGGEST_SECONDS = 60
SUGGEST_LIMIT = 8
PUBLIC_FACETS = ("kind", "department", "facet:service_object")


def _page_number(value) -> int:
    try:
        return max(1, min(int(value), 1000))
    except (TypeError, ValueError):
        return 1


@require_GET
def public_search(request):
    params = {
        "q": request.GET.get("q", "")[:200],
        "kind": request.GET.get("kind", "")[:20],
        "department": request.GET.get("department", "")[:32],
        "for": request.GET.get("for", "")[:20],
    }
    page = _page_number(request.GET.get("page"))
    filters = {"kind": [params["kind"]], "department": [params["department"]], "facet:service_object": [params["for"]]}
    searched = bool(params["q"].strip() or params["kind"] or params["department"] or params["for"])
    context = {"params": params, "searched": searched}
    if searched:
        results = service.search(
            params["q"], user=request.user, kinds=presentation.PUBLIC_KINDS, scope={"status": ["live"]},
            filters=filters, page=page, per_page=PER_PAGE, facets=PUBLIC_FACETS,
        )
        departments = presentation.department_names(value for value, _count in results.facets.get("department", []))
        context.update(
            results=results,
            hits=presentation.present(results),
            pages=presentation.pages(results, params, page, PER_PAGE),
            first_number=(page - 1) * PER_PAGE + 1,
            facets=[
                ("kind", presentation.facet_values(results, "kind", "kind", params,
                                                   {k: presentation.kind_label(k) for k in presentation.PUBLIC_KINDS})),
                ("department", presentation.facet_values(results, "department", "department", params, departments)),
                ("for", presentation.facet_values(results, "facet:service_object", "for", params,
                                                  presentation.service_object_labels())),
            ],
        )
    return render(request, "search/search.html", context)


@require_GET
def suggest(request):
    """Titles and codes starting with what is typed: small, cached, the same for everyone alike."""
    text = request.GET.get("q", "")[:50]
    principals = trimming.principals_for(request.user)
    signature = hashlib.blake2b(f"{sorted(principals)}\x1f{text}".encode(), digest_size=12).hexdigest()
    key = f"search:suggest:{signature}"
    found = cache.get(key)
    if found is None:
        hits = service.suggest(text, principals=principals, kinds=presentation.PUBLIC_KINDS,
                               scope={"status": ["live"]}, limit=SUGGEST_LIMIT) if text.strip() else []
        found = [{"title": hit.title, "code": hit.code, "kind": hit.kind, "url": hit.url} for hit in hits]
        cache.set(key, found, SUGGEST_SECONDS)
    response = JsonResponse({"q": text, "suggestions": found}, json_dumps_params={"ensure_ascii": False})
    if principals == frozenset({trimming.PUBLIC}):
        patch_cache_control(response, public=True, max_age=SUGGEST_SECONDS)
    else:
        patch_cache_control(response, private=True, max_age=SUGGEST_SECONDS)
    patch_vary_headers(response, ["Cookie"])
    return response
