"""Keeps the site in step with the departments and the page cache in step with the pages."""

from django.db import DatabaseError, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.documents import get_document_model
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from casefiles.directory.models import Department
from casefiles.directory.roles import ensure_department_groups
from casefiles.licenses.models import LicenseType
from cms import caching
from cms.models import HomePage
from cms.sitetree import ensure_department_page


def site_tree_exists() -> bool:
    """True once migrations have made the home page; False on a database still being built."""
    try:
        # A savepoint, so that a missing table does not spoil the caller's transaction.
        with transaction.atomic():
            return HomePage.objects.exists()
    except DatabaseError:
        return False


@receiver(post_save, sender=Department, dispatch_uid="department_site_page")
def give_department_its_page(sender, instance, raw=False, **kwargs):
    # Fixture loads (raw) restore pages and grants from the fixture itself.
    if raw or not site_tree_exists():
        return
    # The role groups come from casefiles' own receiver; asking again is a no-op that does
    # not depend on which receiver Django happens to call first.
    ensure_department_groups(instance)
    ensure_department_page(instance)


# --- The page cache -------------------------------------------------------------------------
# Pages show, besides their own fields, departments, documents (blank forms, samples) and
# license types; the site and view restrictions decide who may share a cached page.


def _forget_cached_pages(sender, **kwargs):
    caching.invalidate()


def _forget_cached_pages_for_page(sender, instance, **kwargs):
    if isinstance(instance, Page):
        _forget_cached_pages(sender)


# What Wagtail writes to a page row when a draft is saved, a page locked or a child added:
# none of it is what visitors see.
_BOOKKEEPING_FIELDS = {
    "comments", "latest_revision", "latest_revision_created_at", "draft_title", "has_unpublished_changes",
    "locked", "locked_by", "locked_at", "numchild",
}


def _forget_cached_pages_for_live_page_save(sender, instance, update_fields=None, raw=False, **kwargs):
    """A live page written directly (by code, not by publishing) changes what visitors see."""
    if raw or not isinstance(instance, Page) or not instance.live:
        return
    if update_fields is not None and set(update_fields) <= _BOOKKEEPING_FIELDS:
        return
    _forget_cached_pages(sender)


def connect_page_cache() -> None:
    page_published.connect(_forget_cached_pages, dispatch_uid="page_cache_published")
    page_unpublished.connect(_forget_cached_pages, dispatch_uid="page_cache_unpublished")
    post_page_move.connect(_forget_cached_pages, dispatch_uid="page_cache_moved")
    post_delete.connect(_forget_cached_pages_for_page, dispatch_uid="page_cache_page_deleted")
    post_save.connect(_forget_cached_pages_for_live_page_save, dispatch_uid="page_cache_live_page_saved")
    for model in (Department, LicenseType, get_document_model(), Site, PageViewRestriction):
        label = model._meta.label_lower
        post_save.connect(_forget_cached_pages, sender=model, dispatch_uid=f"page_cache_saved_{label}")
        post_delete.connect(_forget_cached_pages, sender=model, dispatch_uid=f"page_cache_deleted_{label}")


connect_page_cache()
