"""高频服务: the items applied for most over the last 12 months, for the home page.

Counted from the cases handed in (a draft is no application), per item, the most first; the
answer is cached for an hour, the same for everyone. Items no longer live or public are left out.
"""

from datetime import timedelta

from django.core.cache import cache
from django.db.models import Count
from django.utils import timezone

from casefiles.cases.models import CaseFile
from casefiles.cases.states import Status

CACHE_SECONDS = 3600
MONTHS_DAYS = 365


def most_applied_for(limit: int = 8) -> list:
    """The live, public items (cms.ServiceItemPage) with the most cases handed in over the last
    12 months, the most first (ties by code); [] when nothing was applied for."""
    key = f"cases:popular:{limit}"
    ranked = cache.get(key)
    if ranked is None:
        since = timezone.now() - timedelta(days=MONTHS_DAYS)
        ranked = list(
            CaseFile.objects.filter(submitted_at__gte=since).exclude(status=Status.DRAFT)
            .values("item_id").annotate(cases=Count("id")).order_by("-cases", "item__item_code")
            .values_list("item_id", flat=True)[:limit * 2]  # room for items unpublished since
        )
        cache.set(key, ranked, CACHE_SECONDS)
    items = CaseFile.item.field.related_model.objects.live().public().in_bulk(ranked)
    return [items[pk] for pk in ranked if pk in items][:limit]
