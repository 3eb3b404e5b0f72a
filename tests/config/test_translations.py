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


# A msgid in our catalogue translates that msgid everywhere — in Wagtail's admin and Django's and
# allauth's pages too (LOCALE_PATHS come first). Where the project means something else it says so
# with a context (pgettext); without a context it must agree with the packages' own catalogues.
# An entry here overrides theirs on purpose, and says why.
DELIBERATE_OVERRIDES: dict[str, str] = {}


def _their_translations():
    site_packages = Path(polib.__file__).resolve().parent
    theirs = {}
    for path in sorted(site_packages.glob("**/locale/zh_Hans/LC_MESSAGES/django.po")):
        package = str(path.relative_to(site_packages)).split("/locale/")[0]
        for entry in polib.pofile(str(path)):
            if entry.msgctxt is None and entry.msgstr and not entry.obsolete and "fuzzy" not in entry.flags:
                theirs.setdefault(entry.msgid, set()).add((entry.msgstr, package))
    return theirs


def test_no_word_of_wagtail_or_django_is_translated_differently_without_a_context():
    theirs = _their_translations()
    assert "Pages" in theirs and "Approve" in theirs, "the packages' catalogues were not found"
    clashes = []
    for entry in polib.pofile(str(CATALOG)):
        if entry.msgctxt is not None or not entry.msgstr or entry.msgid in DELIBERATE_OVERRIDES:
            continue
        for msgstr, package in sorted(theirs.get(entry.msgid, ())):
            if msgstr != entry.msgstr:
                clashes.append(f"{entry.msgid!r}: ours {entry.msgstr}, {package} {msgstr}")
    assert clashes == [], "give the project's meaning a context (pgettext) or take theirs"


def test_the_admin_keeps_wagtails_words(client, db):
    from django.utils import translation

    with translation.override("zh-hans"):
        assert translation.gettext("Pages") == "页面"
        assert translation.gettext("Documents") == "文档"
        assert translation.gettext("Approve") == "批准"
        assert translation.pgettext("case decision", "Approve") == "准予许可"
        assert translation.pgettext("pagination", "Pages") == "分页"


# Where a package's own zh_Hans catalogue lacks one of its msgids (Wagtail's is behind its source:
# "Search all pages…", "Privacy and access"), locale/packages supplies it. That is no override: the
# package translates the msgid nowhere, and the supplement must never translate one it does.
SUPPLEMENT = ROOT / "locale" / "packages" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def _key(entry):
    return (entry.msgctxt, entry.msgid)


def test_the_supplement_only_fills_what_the_packages_leave_untranslated():
    site_packages = Path(polib.__file__).resolve().parent
    translated = set()
    for path in site_packages.glob("**/locale/zh_Hans/LC_MESSAGES/django.po"):
        translated |= {_key(e) for e in polib.pofile(str(path))
                       if e.translated() and "fuzzy" not in e.flags and not e.obsolete}
    ours = {_key(e) for e in polib.pofile(str(CATALOG))}
    supplement = polib.pofile(str(SUPPLEMENT))
    assert len(supplement) > 0
    assert supplement.untranslated_entries() == [] and supplement.fuzzy_entries() == []
    assert [e.msgid for e in supplement if _key(e) in translated] == [], "the package translates it: take theirs"
    assert [e.msgid for e in supplement if _key(e) in ours] == [], "the project's own msgid: keep it in django.po"


def test_the_supplement_is_read_after_the_projects_catalogue(settings):
    assert [Path(p) for p in settings.LOCALE_PATHS] == [CATALOG.parents[2], SUPPLEMENT.parents[2]]


def test_the_admin_says_what_wagtails_catalogue_leaves_out(db):
    from django.utils import translation

    with translation.override("zh-hans"):
        assert translation.gettext("Search all pages…") == "搜索所有页面…"
        assert translation.gettext("Privacy and access") == "隐私与访问"
        assert translation.gettext("Exploring") == "浏览"
