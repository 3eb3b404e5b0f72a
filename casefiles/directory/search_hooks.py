"""What search asks of the directory: who oversees every document, what a department is called.

``search`` imports no domain (``search.hooks``); ``CasefilesConfig.ready()`` registers these.
The providers of case files, materials and licenses are in ``casefiles.access.indexing``,
``casefiles.materials.indexing`` and ``casefiles.licenses.indexing``.
"""

from casefiles.directory import roles
from casefiles.directory.models import Department
from search import hooks, trimming


def oversight_principals() -> list[str]:
    """The supervisor group (电子监察): on every document of every kind, held by superusers too."""
    return [trimming.group_principal(roles.global_group(roles.SUPERVISOR).pk)]


def department_names(codes) -> dict[str, str]:
    return {code: name for code, name in Department.objects.filter(code__in=list(codes)).values_list("code", "name")}


def register() -> None:
    hooks.register_oversight(oversight_principals)
    hooks.register_department_labels(department_names)
