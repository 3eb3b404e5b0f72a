"""Department-scoped editing: who may write and who may publish in each department's subtree.

- The department's ``editor`` group may add and change pages below its department page,
  and upload documents (blank forms, samples, attachments) to its own collection, but may
  not publish: every change goes through the department's review workflow.
- The ``reviewer`` group approves (or rejects) in that workflow; approving publishes.
- A central ``central_reviewer`` group (市政数局 staff who check every department's guides
  against the catalogue) can also approve in every department's workflow, and so holds the
  right to publish (Wagtail publishes an approved revision as its approver) but not to edit.

Grants are idempotent: calling again after a rename or a role change repairs, never doubles.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

CENTRAL_REVIEWER = "central_reviewer"

EDITOR_PAGE_PERMISSIONS = ["add_page", "change_page"]
REVIEWER_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]
# Wagtail publishes an approved revision as the approving user, so central reviewers need
# the right to publish; they edit only while a page waits for them in the workflow.
CENTRAL_REVIEWER_PAGE_PERMISSIONS = ["publish_page"]
EDITOR_DOCUMENT_PERMISSIONS = ["add_document", "change_document", "choose_document"]
ADMIN_ACCESS = ("wagtailadmin", "access_admin")


def central_reviewer_group() -> Group:
    group, _ = Group.objects.get_or_create(name=CENTRAL_REVIEWER)
    _allow_admin(group)
    return group


def _allow_admin(group: Group) -> None:
    app_label, codename = ADMIN_ACCESS
    group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def _grant_pages(group: Group, page, codenames: list[str]) -> None:
    for codename in codenames:
        permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
        GroupPagePermission.objects.get_or_create(group=group, page=page, permission=permission)
    # Anything granted earlier and no longer in the list is taken back.
    GroupPagePermission.objects.filter(group=group, page=page).exclude(permission__codename__in=codenames).delete()


def department_collection(department) -> Collection:
    """The department's own folder of documents (blank forms, samples, policy attachments).

    Found through its editors' grant, not its name, so a renamed department keeps its folder.
    """
    granted = (
        GroupCollectionPermission.objects.filter(group=department.group("editor"))
        .select_related("collection")
        .first()
    )
    root = Collection.get_first_root_node()
    collection = granted.collection if granted else root.get_children().filter(name=department.name).first()
    if collection is None:
        collection = root.add_child(name=department.name)
    elif collection.name != department.name:
        collection.name = department.name
        collection.save(update_fields=["name"])
    return collection


def _grant_documents(group: Group, collection: Collection, codenames: list[str]) -> None:
    for codename in codenames:
        permission = Permission.objects.get(content_type__app_label="wagtaildocs", codename=codename)
        GroupCollectionPermission.objects.get_or_create(group=group, collection=collection, permission=permission)


def workflow_name(department) -> str:
    return f"{department.name}审核"


def task_name(department) -> str:
    return f"{department.name}审核人审批"


def review_workflow(department) -> Workflow:
    """部门审核: one approval step by the department's reviewers or the central reviewers.

    The task is found through the department's reviewer group and the workflow through the
    task, so that a renamed department renames both instead of growing a second pair.
    """
    reviewer = department.group("reviewer")
    task = GroupApprovalTask.objects.filter(groups=reviewer).order_by("pk").first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=task_name(department))
    elif task.name != task_name(department):
        task.name = task_name(department)
        task.save(update_fields=["name"])
    task.groups.set([reviewer, central_reviewer_group()])

    link = WorkflowTask.objects.filter(task=task).select_related("workflow").order_by("pk").first()
    workflow = link.workflow if link else Workflow.objects.filter(name=workflow_name(department)).first()
    if workflow is None:
        workflow = Workflow.objects.create(name=workflow_name(department))
    elif workflow.name != workflow_name(department):
        workflow.name = workflow_name(department)
        workflow.save(update_fields=["name"])
    if link is None:
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    return workflow


@transaction.atomic
def grant_department_editing(department, page) -> None:
    """Give the department's editors and reviewers their rights below ``page``."""
    editor = department.group("editor")
    reviewer = department.group("reviewer")
    for group in (editor, reviewer):
        _allow_admin(group)
    _grant_pages(editor, page, EDITOR_PAGE_PERMISSIONS)
    _grant_pages(reviewer, page, REVIEWER_PAGE_PERMISSIONS)
    _grant_pages(central_reviewer_group(), page, CENTRAL_REVIEWER_PAGE_PERMISSIONS)
    collection = department_collection(department)
    _grant_documents(editor, collection, EDITOR_DOCUMENT_PERMISSIONS)
    _grant_documents(reviewer, collection, EDITOR_DOCUMENT_PERMISSIONS)
    WorkflowPage.objects.update_or_create(page=page, defaults={"workflow": review_workflow(department)})
