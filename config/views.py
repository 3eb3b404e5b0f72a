from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config import health


@never_cache
@require_GET
def healthz(request):
    serving, report = health.report()
    return JsonResponse(report, status=200 if serving else 503, json_dumps_params={"ensure_ascii": False})
