"""Search is infrastructure: no module under ``search/`` imports ``cms`` or ``casefiles``.

Every import counts, at the top of a file or inside a function, absolute or relative, and so
do the look-ups that hide one (``importlib.import_module("cms…")``, ``__import__``, an app
registry's ``get_model("cms", …)``). The domains register their providers and hooks with
search instead (``search.documents.register``, ``search.hooks``).
"""

import ast
from pathlib import Path

import search

DOMAINS = {"cms", "casefiles"}
SEARCH = Path(search.__file__).resolve().parent
LOOK_UPS = {"import_module", "__import__", "get_model", "get_app_config"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(SEARCH.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_names(source: str, module: str, is_package: bool = False) -> list[tuple[int, str]]:
    """(line, absolute name) of everything ``source`` (the module ``module``) imports or looks up."""
    package = module if is_package else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1] if node.level <= len(base) else []
                prefix = ".".join(base)
            else:
                prefix = ""
            names = [node.module] if node.module else [alias.name for alias in node.names]
            found += [(node.lineno, ".".join(part for part in (prefix, name) if part)) for name in names]
        elif isinstance(node, ast.Call) and node.args:
            function = node.func
            called = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")
            first = node.args[0]
            if called in LOOK_UPS and isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.append((node.lineno, first.value))
    return found


def domain_imports(source: str, module: str, is_package: bool = False) -> list[tuple[int, str]]:
    return sorted((line, name) for line, name in imported_names(source, module, is_package)
                  if name.split(".")[0] in DOMAINS)


def search_modules() -> list[Path]:
    return sorted(SEARCH.rglob("*.py"))


def test_no_module_under_search_imports_cms_or_casefiles():
    modules = search_modules()
    assert SEARCH / "documents.py" in modules and SEARCH / "management" / "commands" / "search_index.py" in modules
    offences = [
        f"{path.relative_to(SEARCH.parent)}:{line}: {name}"
        for path in modules
        for line, name in domain_imports(path.read_text(encoding="utf-8"), _module_name(path),
                                         path.name == "__init__.py")
    ]
    assert offences == []


def test_the_guard_sees_imports_inside_functions_relative_ones_and_hidden_look_ups():
    source = '''
import casefiles.models
from cms import models
from django.urls import reverse
from .. import cms
from ..casefiles import roles
from . import trimming


def later(apps):
    from cms.models import ServiceItemPage
    import importlib
    importlib.import_module("casefiles.roles")
    __import__("cms.editing")
    apps.get_model("casefiles", "Department")
    apps.get_model("search", "SynonymRule")
'''
    assert domain_imports(source, "search.presentation") == [
        (2, "casefiles.models"), (3, "cms"), (5, "cms"), (6, "casefiles"), (11, "cms.models"),
        (13, "casefiles.roles"), (14, "cms.editing"), (15, "casefiles"),
    ]
