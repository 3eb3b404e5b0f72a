"""惠企政策: which policies are in force, and the filters of the policy index (``cms.models.policy``)."""

from django.db.models import Case, IntegerField, Q, Value, When
from django.utils import timezone


def is_in_force(policy, on=None) -> bool:
    on = on or timezone.localdate()
    return policy.effective_date <= on and (policy.expiry_date is None or policy.expiry_date >= on)


def in_force_q(on=None) -> Q:
    on = on or timezone.localdate()
    return Q(effective_date__lte=on) & (Q(expiry_date__isnull=True) | Q(expiry_date__gte=on))


def in_force_first(queryset, on=None):
    """The policies in force first, then those not yet in force, the expired last; newest first within each."""
    on = on or timezone.localdate()
    standing = Case(When(in_force_q(on), then=Value(0)), When(effective_date__gt=on, then=Value(1)), default=Value(2),
                    output_field=IntegerField())
    return queryset.annotate(standing=standing).order_by("standing", "-publish_date", "-pk")


def filter_policies(queryset, *, industry=None, department=None, category=None, scale=None, in_force=False, on=None):
    """Each filter is a code as it appears in a URL; an unknown code simply matches nothing.

    Industry and scale read the policies' eligibility conditions: a policy is listed for an
    industry (a section letter or any code) when it names no industry, or names that industry,
    one above it or one under it; for a scale when it names no scale or that one."""
    if industry:
        named = queryset.model.objects.filter(conditions__kind="industry")
        under = Q(conditions__kind="industry") & (Q(conditions__industry__code__startswith=industry)
                                                   | _ancestor_q("conditions__industry__code", industry))
        queryset = queryset.filter(~Q(pk__in=named.values("pk")) | under)
    if department:
        queryset = queryset.filter(department__code=department)
    if category:
        queryset = queryset.filter(category=category)
    if scale:
        named = queryset.model.objects.filter(conditions__kind="scale")
        queryset = queryset.filter(~Q(pk__in=named.values("pk")) | Q(conditions__kind="scale", conditions__scale=scale))
    if in_force:
        queryset = queryset.filter(in_force_q(on))
    return queryset.distinct()


def _ancestor_q(field, code) -> Q:
    """``field`` is one of ``code``'s ancestors (its proper prefixes: "C13" for "C1311")."""
    return Q(**{f"{field}__in": [code[:n] for n in range(1, len(code))]}) if len(code) > 1 else Q(pk__in=[])
