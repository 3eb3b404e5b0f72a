"""政策订阅与推送: subscriptions by industry, category and region, or to "whatever matches my
enterprise"; a push to each matching subscriber when a policy is published or changed — once
per policy revision and user, whatever number of their subscriptions match — in the message
centre, by email and by SMS where chosen; and the weekly digest.

Pushed by a background task after the publication commits (``push_published``, enqueued by
``hooks``); the policy's row is locked while its pushes are written, so two tasks for one
revision tell each subscriber once.
"""

import logging
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from casefiles.accounts import sms
from casefiles.directory.models import Enterprise, Person
from casefiles.errors import Invalid, NotFound
from casefiles.handling import applications
from casefiles.notifications import messages
from casefiles.policies import eligibility, matching
from casefiles.policies.calculator import with_conditions
from casefiles.policies.eligibility import Kind
from casefiles.policies.models import PolicyDigest, PolicyPush, Subscription
from cms import industries as gbt4754
from cms.models import Industry, PolicyPage
from config import siteurl

logger = logging.getLogger(__name__)

MAX_SUBSCRIPTIONS = 20
MAX_FILTER_VALUES = 43  # 长沙's 43 industry categories, at most, in one subscription


# --- subscribing --------------------------------------------------------------------------------

def of_user(user):
    return Subscription.objects.filter(user=user).select_related("enterprise")


def _codes(values, known, message, upper=False) -> list[str]:
    if values in (None, ""):
        return []
    if isinstance(values, str):
        values = [v for v in values.replace("，", ",").split(",") if v.strip()]
    if not isinstance(values, (list, tuple)) or len(values) > MAX_FILTER_VALUES:
        raise Invalid(message)
    codes = sorted({str(v).strip()[:20].upper() if upper else str(v).strip()[:20] for v in values})
    if not set(codes) <= known(codes):
        raise Invalid(message)
    return codes


def subscribe(user, *, industries=(), categories=(), region_code="", matches_me=False, enterprise=None,
              by_email=True, by_sms=False, weekly_digest=True) -> Subscription:
    """A new subscription of ``user``; ``matches_me`` with the enterprise they act for."""
    if not user.is_authenticated:
        raise NotFound(_("No such subscription."))
    industries = _codes(industries, lambda c: set(Industry.objects.filter(code__in=c).values_list("code", flat=True)),
                        _("Choose the industries from the list."), upper=True)
    categories = _codes(categories, lambda c: set(c) & set(PolicyPage.Category.values),
                        _("Choose the categories from the list."))
    region_code = str(region_code or "").strip()
    if region_code and not (region_code.isdigit() and len(region_code) == 6):
        raise Invalid(_("A region is six digits (GB/T 2260)."))
    if matches_me:
        if not isinstance(enterprise, Enterprise) or not applications.may_act_for(user, enterprise):
            raise Invalid(_("Choose the enterprise whose matches you want to be told of."))
    elif not (industries or categories or region_code):
        raise Invalid(_("Choose at least an industry, a category or a region, or “whatever matches my enterprise”."))
    with transaction.atomic():
        if Subscription.objects.filter(user=user).count() >= MAX_SUBSCRIPTIONS:
            raise Invalid(_("At most %(count)d subscriptions.") % {"count": MAX_SUBSCRIPTIONS})
        return Subscription.objects.create(
            user=user, enterprise=enterprise if matches_me else None, matches_me=bool(matches_me),
            industries=industries, categories=categories, region_code=region_code, by_email=bool(by_email),
            by_sms=bool(by_sms), weekly_digest=bool(weekly_digest))


def subscription_of(user, pk) -> Subscription:
    try:
        return Subscription.objects.get(pk=int(pk), user=user)
    except (Subscription.DoesNotExist, TypeError, ValueError):
        raise NotFound(_("No such subscription.")) from None


def unsubscribe(user, pk) -> None:
    subscription_of(user, pk).delete()


def describe(subscription) -> str:
    """The subscription in a line, as its owner reads it."""
    if subscription.matches_me:
        return _("Whatever matches %(enterprise)s") % {"enterprise": subscription.enterprise.name}
    parts = []
    if subscription.industries:
        parts.append("、".join(str(i) for i in Industry.objects.filter(code__in=subscription.industries)))
    if subscription.categories:
        labels = dict(PolicyPage.Category.choices)
        parts.append("、".join(str(labels[c]) for c in subscription.categories if c in labels))
    if subscription.region_code:
        parts.append(subscription.region_code)
    return " · ".join(parts)


# --- which subscriptions a policy matches --------------------------------------------------------

def _industry_fits(wanted: list[str], policy_codes: list[str]) -> bool:
    if not wanted or not policy_codes:
        return True  # the subscriber takes any industry, or the policy is for every industry
    return any(gbt4754.is_under(a, b) or gbt4754.is_under(b, a) for a in wanted for b in policy_codes)


def _region_fits(region: str, policy) -> bool:
    prefixes = [eligibility.region_prefix(c.region_code) for c in policy.condition_list if c.kind == Kind.REGION]
    if not region or not prefixes:
        return True
    mine = eligibility.region_prefix(region)
    return any(mine.startswith(p) or p.startswith(mine) for p in prefixes)


def fits(subscription, policy) -> bool:
    """A subscription by filters takes ``policy`` (every filter it sets must fit)."""
    if subscription.categories and policy.category not in subscription.categories:
        return False
    return _industry_fits(subscription.industries, policy.industry_codes) and _region_fits(subscription.region_code,
                                                                                           policy)


def subscribers(policy, on: date) -> dict:
    """user id -> the first subscription of theirs that takes ``policy``."""
    chosen = {}
    by_filters = [s for s in Subscription.objects.filter(matches_me=False).order_by("pk") if fits(s, policy)]
    for subscription in by_filters:
        chosen.setdefault(subscription.user_id, subscription)
    mine = list(Subscription.objects.filter(matches_me=True, enterprise__isnull=False).order_by("pk"))
    if mine:
        types, items = matching.referenced([policy])
        matcher = matching.Matcher(on, Enterprise.objects.filter(pk__in={s.enterprise_id for s in mine}),
                                   license_types=types, items=items)
        possible = set(matcher.enterprise_ids(matcher.match(policy).possible))
        for subscription in mine:
            if subscription.enterprise_id in possible:
                chosen.setdefault(subscription.user_id, subscription)
    return chosen


# --- pushing --------------------------------------------------------------------------------------

def push(policy_pk: int, revision_id: int, on: date | None = None) -> int:
    """Tell each subscriber ``policy``'s revision matches of it, once; returns how many were told."""
    on = on or timezone.localdate()
    policy = next(iter(with_conditions(PolicyPage.objects.live().filter(pk=policy_pk))), None)
    if policy is None or (policy.expiry_date is not None and policy.expiry_date < on):
        return 0  # unpublished since, or expired: nothing worth telling
    chosen = subscribers(policy, on)
    if not chosen:
        return 0
    with transaction.atomic():
        PolicyPage.objects.select_for_update().filter(pk=policy.pk).first()  # one push task per policy at a time
        told = set(PolicyPush.objects.filter(policy=policy, revision_id=revision_id).values_list("user_id", flat=True))
        earlier = set(PolicyPush.objects.filter(policy=policy).exclude(revision_id=revision_id)
                      .values_list("user_id", flat=True))
        new = {user_id: s for user_id, s in chosen.items() if user_id not in told}
        if not new:
            return 0
        users = {u.pk: u for u in get_user_model().objects.filter(pk__in=new, is_active=True)}
        rows = [PolicyPush(user_id=user_id, policy=policy, revision_id=revision_id, subscription=s,
                           changed=user_id in earlier, emailed=s.by_email and bool(users[user_id].email),
                           texted=s.by_sms)
                for user_id, s in new.items() if user_id in users]
        PolicyPush.objects.bulk_create(rows)
        with translation.override(settings.LANGUAGE_CODE):
            posts = [([users[row.user_id]], _title(policy, row.changed), _body(policy, new[row.user_id]),
                      policy.url or "", None) for row in rows]
            messages.post_many(messages.Kind.POLICY, posts)
        transaction.on_commit(lambda: _send_later([row.pk for row in rows]))
    return len(rows)


def _title(policy, changed) -> str:
    return (_("Policy updated: %(title)s") if changed else _("New policy: %(title)s")) % {"title": policy.title}


def _body(policy, subscription) -> str:
    lines = [policy.summary[:300]] if policy.summary else []
    if policy.benefit:
        lines.append(_("Benefit: %(benefit)s") % {"benefit": policy.benefit})
    lines.append(_("Because you subscribed to: %(subscription)s") % {"subscription": describe(subscription)})
    return "\n".join(lines)


def _send_later(push_ids) -> None:
    try:
        deliver.enqueue(push_ids)
    except Exception:  # the message centre has it; a lost email is logged, never a lost push
        logger.exception("could not enqueue the policy push's email and SMS")


@task()
def deliver(push_ids: list) -> int:
    """The email and SMS of pushes already in the message centre."""
    sent = 0
    pushes = PolicyPush.objects.filter(pk__in=push_ids).select_related("user", "policy")
    phones = dict(Person.objects.filter(user__in=[p.user_id for p in pushes if p.texted])
                  .values_list("user_id", "phone"))
    with translation.override(settings.LANGUAGE_CODE):
        for push_row in pushes:
            policy, link = push_row.policy, f"{siteurl.absolute(push_row.policy.url or '')}"
            try:
                if push_row.emailed:
                    sent += send_mail(_title(policy, push_row.changed), f"{policy.summary}\n\n{link}", None,
                                      [push_row.user.email])
                phone = phones.get(push_row.user_id) or ""
                if push_row.texted and len(phone) == 11 and phone.isdigit():
                    sms.send_text(phone, _("[一网通办] %(title)s %(link)s") % {
                        "title": _title(policy, push_row.changed), "link": link})
                    sent += 1
            except Exception:
                logger.exception("could not deliver policy push %s", push_row.pk)
    return sent


@task()
def push_published(policy_pk: int, revision_id: int) -> int:
    return push(policy_pk, revision_id)


# --- the weekly digest ----------------------------------------------------------------------------

def week_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def send_digests(today: date | None = None) -> int:
    """Each subscriber with a weekly digest is sent, once, last week's pushes (Monday to Sunday)."""
    today = today or timezone.localdate()
    week = week_of(today) - timedelta(days=7)
    start = timezone.make_aware(timezone.datetime.combine(week, timezone.datetime.min.time()))
    end = start + timedelta(days=7)
    users = set(Subscription.objects.filter(weekly_digest=True).values_list("user_id", flat=True))
    users -= set(PolicyDigest.objects.filter(week=week).values_list("user_id", flat=True))
    sent = 0
    for user in get_user_model().objects.filter(pk__in=users, is_active=True).exclude(email=""):
        pushes = list(PolicyPush.objects.filter(user=user, created_at__gte=start, created_at__lt=end)
                      .select_related("policy").order_by("created_at"))
        if not pushes:
            continue
        with transaction.atomic():
            digest, created = PolicyDigest.objects.get_or_create(user=user, week=week, defaults={"count": len(pushes)})
            if not created:
                continue
            transaction.on_commit(lambda user=user, pushes=pushes, week=week: _mail_digest(user, pushes, week))
        sent += 1
    return sent


def _mail_digest(user, pushes, week) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        lines = [f"· {p.policy.title}  {siteurl.absolute(p.policy.url or '')}" for p in pushes]
        try:
            send_mail(_("Policies of the week of %(date)s") % {"date": week.isoformat()}, "\n".join(lines), None,
                      [user.email])
        except Exception:
            logger.exception("could not send the weekly policy digest to user %s", user.pk)
