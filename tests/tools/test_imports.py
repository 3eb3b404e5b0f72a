"""tools/imports.py on a small tree: which imports inside functions give a reason, and the cycles."""

import importlib.util
import textwrap
from pathlib import Path

import pytest

TOOL = Path(__file__).resolve().parents[2] / "tools" / "imports.py"


@pytest.fixture(scope="module")
def tool():
    spec = importlib.util.spec_from_file_location("imports_census", TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write(root: Path, name: str, source: str) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(source))


@pytest.fixture
def tree(tmp_path):
    write(tmp_path, "cms/__init__.py", "")
    write(tmp_path, "cms/models.py", """\
        import os


        def same_line():
            from cms import pdf  # late: WeasyPrint is heavy and only the PDF path needs it


        def above():
            # late: the app registry is not ready when Django imports this module
            from cms import pdf


        def block():
            # late: models are not loaded when Django imports this module
            from django.db import models

            from cms import pdf
            import json


        def none():
            from cms import pdf


        def directive_only():
            from cms import pdf  # noqa: F401


        def after_code():
            # late: the reason of the first import only
            from cms import pdf
            x = 1
            from cms import pdf


        def in_a_branch(flag):
            if flag:
                from cms import pdf
        """)
    write(tmp_path, "cms/pdf.py", "import json\n")
    write(tmp_path, "cms/tests/test_pdf.py", "def test():\n    import cms\n")
    return tmp_path


def inner_by_line(census):
    return {line: reason for name, line, _, reason in census["inner"] if name == "cms.models"}


def test_a_comment_on_the_line_or_directly_above_the_import_or_its_block_is_a_reason(tool, tree):
    found = inner_by_line(tool.census(tree))

    assert found[5] is True  # on the same line
    assert found[10] is True  # directly above
    assert found[15] is True and found[17] is True and found[18] is True  # a block, blank lines in it


def test_no_comment_a_linters_directive_or_a_comment_above_code_is_no_reason(tool, tree):
    found = inner_by_line(tool.census(tree))

    assert found[22] is False
    assert found[26] is False  # noqa: only a directive
    assert found[31] is True and found[33] is False  # code between: a block ends there
    assert found[38] is False


def test_tests_and_module_level_imports_are_not_counted(tool, tree):
    census = tool.census(tree)

    assert len(census["inner"]) == 10
    assert all(name == "cms.models" for name, *_ in census["inner"])


def test_cycles_are_counted_at_module_level_and_with_the_imports_inside_functions(tool, tree):
    assert tool.census(tree)["cycles"] == []

    write(tree, "cms/pdf.py", "def render():\n    from cms import models\n")
    census = tool.census(tree)
    assert census["module_level_cycles"] == [] and census["cycles"] == [["cms.models", "cms.pdf"]]

    write(tree, "cms/editing.py", "from cms import pdf\n")
    write(tree, "cms/pdf.py", "from cms import editing\n")
    assert tool.census(tree)["module_level_cycles"] == [["cms.editing", "cms.pdf"]]


def test_verbose_lists_only_the_imports_without_a_reason(tool, tree, capsys):
    tool.main([str(tree), "-v"])
    out = capsys.readouterr().out

    assert "imports inside functions: 10, of project modules: 8" in out
    assert "with a reason: 6, without: 4" in out
    listed = [line.split(" ->")[0] for line in out.splitlines() if " -> " in line]
    assert listed == ["cms.models:22", "cms.models:26", "cms.models:33", "cms.models:38"]
