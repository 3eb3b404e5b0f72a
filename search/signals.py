"""Which changes reach the index: saves and deletes of every registered kind, Wagtail's
publishing, moves and view restrictions, and django-guardian grants (the permission changes of
case files, materials and licenses once those kinds register).

Receivers are connected per model (``watch``), never for every model: a receiver without a
sender would make Django fetch every row of every bulk delete in the project to signal it.
"""

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from wagtail.models import Page, PageViewRestriction, Revision
from wagtail.signals import page_published, page_unpublished, post_page_move

from search import documents as registry
from search import synonyms
from search.indexing import schedule_records
from search.models import SynonymRule


def _registered(model) -> bool:
    return bool(registry.providers_for_model(model))


def watch(model) -> None:
    """Keep the documents of ``model`` current on every save and delete (idempotent)."""
    label = model._meta.label_lower
    post_save.connect(record_changed, sender=model, dispatch_uid=f"search_saved_{label}")
    post_delete.connect(record_changed, sender=model, dispatch_uid=f"search_deleted_{label}")


def watch_provider(provider) -> None:
    if provider.model is not None:
        watch(provider.model)


def watch_grants() -> None:
    """Every django-guardian permission model, generic or direct foreign key."""
    for model in apps.get_models():
        if issubclass(model, (UserObjectPermissionBase, GroupObjectPermissionBase)):
            label = model._meta.label_lower
            post_save.connect(grant_changed, sender=model, dispatch_uid=f"search_grant_saved_{label}")
            post_delete.connect(grant_changed, sender=model, dispatch_uid=f"search_grant_deleted_{label}")


def record_changed(sender, instance, raw=False, **kwargs):
    if not raw and any(provider.follows(instance) for provider in registry.providers_for_model(sender)):
        schedule_records([instance])


def grant_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    record = _granted_object(instance)
    if record is not None and _registered(type(record)):
        schedule_records([record])


def _granted_object(permission):
    try:
        return permission.content_object
    except Exception:  # a grant whose object is already gone: nothing left to reindex
        return None


@receiver(page_published, dispatch_uid="search_page_published")
@receiver(page_unpublished, dispatch_uid="search_page_unpublished")
def page_state_changed(sender, instance, **kwargs):
    if _registered(type(instance)):
        schedule_records([instance])


@receiver(post_save, sender=Revision, dispatch_uid="search_draft_saved")
def draft_saved(sender, instance, created=False, raw=False, **kwargs):
    """A new draft of a never-published page changes what its editors find."""
    if raw:
        return
    model = instance.content_type.model_class() if instance.content_type_id else None
    if model is not None and _registered(model):
        record = model._default_manager.filter(pk=instance.object_id).first()
        if record is not None:
            schedule_records([record])


def _subtree(page):
    return [descendant for descendant in Page.objects.descendant_of(page, inclusive=True).specific()
            if _registered(type(descendant))]


@receiver(post_page_move, dispatch_uid="search_page_moved")
def page_moved(sender, instance, **kwargs):
    schedule_records(_subtree(instance))


@receiver(post_save, sender=PageViewRestriction, dispatch_uid="search_restriction_saved")
@receiver(post_delete, sender=PageViewRestriction, dispatch_uid="search_restriction_deleted")
def restriction_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    page = Page.objects.filter(pk=instance.page_id).first()
    if page is not None:
        schedule_records(_subtree(page))


@receiver(m2m_changed, sender=PageViewRestriction.groups.through, dispatch_uid="search_restriction_groups")
def restriction_groups_changed(sender, instance, action, **kwargs):
    if action.startswith("post_") and isinstance(instance, PageViewRestriction):
        restriction_changed(PageViewRestriction, instance)


@receiver(post_save, sender=SynonymRule, dispatch_uid="search_synonym_saved")
@receiver(post_delete, sender=SynonymRule, dispatch_uid="search_synonym_deleted")
def dictionary_changed(sender, **kwargs):
    synonyms.invalidate()
