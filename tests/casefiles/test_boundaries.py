"""Domain code does not import the channels: only ``casefiles.api``, ``casefiles.portal``, ``casefiles.workbench``
(and ``casefiles.wagtail_hooks``, which registers the workbench's admin pages) may import those three packages."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHANNELS = ("casefiles.api", "casefiles.portal", "casefiles.workbench")
MAY_IMPORT_CHANNELS = {"casefiles/api", "casefiles/portal", "casefiles/workbench", "casefiles/wagtail_hooks.py"}


def _imported(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([base] if base else []))
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def test_no_domain_module_imports_a_channel():
    offenders = []
    for folder in ("casefiles", "cms", "search", "config", "themes"):
        for path in (ROOT / folder).rglob("*.py"):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" in relative or any(relative == allowed or relative.startswith(allowed + "/")
                                                  for allowed in MAY_IMPORT_CHANNELS):
                continue
            for name in _imported(path):
                if any(name == channel or name.startswith(channel + ".") for channel in CHANNELS):
                    offenders.append(f"{relative}: {name}")
    assert offenders == []
