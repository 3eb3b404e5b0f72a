"""Chinese is the default language: every source string must have its translation."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_every_entry_is_translated_and_none_is_fuzzy():
    catalog = polib.pofile(str(CATALOG))
    assert catalog.untranslated_entries() == []
    assert [entry.msgid for entry in catalog.fuzzy_entries()] == []


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext is installed by `make setup`")
def test_the_catalog_holds_every_source_string(tmp_path):
    for name in ["config", "cms", "casefiles", "search", "themes", "manage.py"]:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo", "*.po"))
        else:
            shutil.copy(source, tmp_path / name)
    (tmp_path / "locale").mkdir()
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-obsolete", "-v", "0"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
        env={"DJANGO_SETTINGS_MODULE": "config.settings.test", "YIWANG_VAR_DIR": str(tmp_path / "var"), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    extracted = {entry.msgid for entry in polib.pofile(str(tmp_path / "locale/zh_Hans/LC_MESSAGES/django.po"))}
    kept = {entry.msgid for entry in polib.pofile(str(CATALOG))}
    assert sorted(extracted - kept) == [], "run `make translations` and translate the new strings"


def test_pages_speak_chinese(client, db):
    page = client.get("/").content.decode()
    assert "跳到主要内容" in page
    assert "长者模式" in page
