"""收藏: adding, removing, toggling and listing a user's favourite pages.

Only guides (办事指南), bundles (一件事) and policies (惠企政策) can be favourites; a favourite of a
page that is no longer live (or no longer public) is kept but not listed, and comes back if the
page is published again.
"""

from django.db import IntegrityError, transaction
from wagtail.models import Page

from casefiles.favourites.models import Favourite

KINDS = ("cms.serviceitempage", "cms.bundlepage", "cms.policypage")


def can_be_favourite(page: Page) -> bool:
    """A live, public guide, bundle or policy."""
    content_type = page.specific_class._meta.label_lower if page.specific_class else ""
    return content_type in KINDS and page.live and not page.get_view_restrictions().exists()


def is_favourite(user, page: Page) -> bool:
    return bool(user.is_authenticated) and Favourite.objects.filter(user=user, page=page).exists()


def add(user, page: Page) -> Favourite:
    if not can_be_favourite(page):
        raise ValueError("not a page one can keep as a favourite")
    try:
        with transaction.atomic():
            return Favourite.objects.get_or_create(user=user, page=page)[0]
    except IntegrityError:  # the same click twice at once
        return Favourite.objects.get(user=user, page=page)


def remove(user, page: Page) -> bool:
    """True when there was a favourite to remove."""
    return Favourite.objects.filter(user=user, page=page).delete()[0] > 0


def toggle(user, page: Page) -> bool:
    """Adds the page, or removes it when it is one already; True when it is a favourite afterwards."""
    if remove(user, page):
        return False
    add(user, page)
    return True


def listed(user):
    """The user's favourites whose pages are live and public, newest first, each with its specific page."""
    public = Page.objects.live().public()
    favourites = list(Favourite.objects.filter(user=user, page__in=public).select_related("page"))
    specific = {page.pk: page for page in Page.objects.filter(pk__in=[f.page_id for f in favourites]).specific()}
    for favourite in favourites:
        favourite.page = specific[favourite.page_id]
    return favourites
