"""The Wagtail admin speaks Chinese: a case clerk, a front-desk clerk (综合窗口), a content editor
and a supervisor walk the pages each uses, under zh-hans, and find no English interface word in what the page shows.

What the page shows: its text (without scripts, styles, templates for the browser and hidden
elements; with what it says when JavaScript is off), the
placeholders, titles and labels of its fields and buttons, and the sidebar's menu (drawn by the
browser from the JSON Wagtail puts in the page). Not counted: record names from the fixtures, user
names, addresses, codes, numbers and the Latin words that are names (PDF, API, ...).
"""

import json
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import translation
from freezegun import freeze_time

from casefiles.directory.models import Department

# Latin words that a Chinese interface keeps: abbreviations, names of things.
ALLOWED = {
    "PDF", "OFD", "JavaScript", "XLSX", "Excel", "CSV", "JSON", "API", "ID", "URL", "SHA", "SMS", "QR", "TOTP", "CA",
    "Wagtail",  # Wagtail names itself: its version's guide, its CMS
}
# Texts written in English into Wagtail's own templates, without a msgid to translate (a bug of
# Wagtail's, not a word of ours): a visually hidden submit button, a navigation's aria-label.
WAGTAIL_HARD_CODED = {
    "Search",  # wagtailadmin/home.html, shared/header.html: <input type="submit" value="Search">
    "Actions",  # shared/headers/_actions.html: <nav aria-label="Actions">
}
# Wagtail's page search gives its results' count no model name: "第 1-1 个，共 1 个None".
WAGTAIL_NONE = {"page search": {"None"}}

SHOWN_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")
HIDDEN_ELEMENTS = {"script", "style", "template", "svg"}  # <noscript> is shown without JavaScript
VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z]")
NOT_WORDS = re.compile(
    r"\S+@\S+"  # addresses
    r"|https?://\S+|\b[\w.+-]*/[\w./+-]*"  # URLs, paths, media types (application/pdf)
    r"|\S+\.[A-Za-z]{2,4}\b"  # file names
    r"|\b\w*\d\w*\b"  # codes, numbers
)


class Shown(HTMLParser):
    """The text a visitor sees (and a screen reader reads) in a page of the admin: not what is
    hidden, nor the names of the time zones (identifiers) and of the languages (each in itself)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.open: list[tuple[str, bool]] = []  # the open elements, and whether each hides its content
        self.json_script = False

    @property
    def hidden(self):
        return any(hides for _tag, hides in self.open)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        hides = (tag in HIDDEN_ELEMENTS or "hidden" in attrs
                 or (tag == "select" and any(word in (attrs.get("name") or "") for word in ("time_zone", "language"))))
        if tag not in VOID_ELEMENTS:
            self.open.append((tag, hides))
        self.json_script = tag == "script" and attrs.get("type") == "application/json"
        if hides or self.hidden:
            return
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.texts.append(attrs["value"])
        for name in SHOWN_ATTRIBUTES:
            if attrs.get(name):
                self.texts.append(attrs[name])

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID_ELEMENTS and self.open and self.open[-1][0] == tag:
            self.open.pop()

    def handle_endtag(self, tag):
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index][0] == tag:
                del self.open[index:]
                break
        self.json_script = False

    def handle_data(self, data):
        if not self.hidden:
            self.texts.append(data)
        elif self.json_script and '"label"' in data:
            self.texts.extend(_labels(json.loads(data)))


def _labels(value):
    """The menu labels of the sidebar's JSON (``wagtail-sidebar-props``)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "label" and isinstance(item, str):
                yield item
            else:
                yield from _labels(item)
    elif isinstance(value, list):
        for item in value:
            yield from _labels(item)


def english_words(html: str, ignore: set[str], allowed: set[str] = frozenset()) -> list[str]:
    """Each piece of shown text that holds an English word, once (its words alone if it is long)."""
    parser = Shown()
    parser.feed(html)
    found = []
    for text in parser.texts:
        if text.strip() in WAGTAIL_HARD_CODED:
            continue
        text = NOT_WORDS.sub(" ", text)
        for name in ignore:
            text = text.replace(name, " ")
        words = [word for word in WORD.findall(text) if word not in ALLOWED and word not in allowed]
        if words:
            text = " ".join(text.split())
            shown = text if len(text) <= 80 else " ".join(words)
            if shown not in found:
                found.append(shown)
    return found


@pytest.fixture
def people(world, django_user_model):
    editor = django_user_model.objects.create_user("editor", password="pw-for-tests-only", email="editor@example.org")
    editor.groups.add(world.department.group("editor"))
    world.editor = editor
    return world


def pages_of(world, case):
    explorer = reverse("wagtailadmin_explore", args=[world.item.get_parent().pk])
    common = [
        ("dashboard", reverse("wagtailadmin_home")),
        ("account", reverse("wagtailadmin_account")),
    ]
    content = [
        ("pages explorer", reverse("wagtailadmin_explore_root")),
        ("department pages", explorer),
        ("page edit form", reverse("wagtailadmin_pages:edit", args=[world.item.pk])),
        ("page search", reverse("wagtailadmin_pages:search") + "?q=食品"),
    ]
    return {
        "clerk": common + [
            ("case inbox", reverse("casefiles_workbench:inbox")),
            ("case", reverse("casefiles_workbench:case", args=[case.number])),
            ("issued licenses", reverse("licenses_admin:list")),
        ],
        "window": common + [  # the front desk's clerk (综合窗口)
            ("case inbox", reverse("casefiles_workbench:inbox")),
            ("front desk", reverse("casefiles_workbench:frontdesk")),
            ("verify in person", reverse("casefiles_workbench:verify_in_person")),
            ("enterprise claims", reverse("casefiles_workbench:enterprise_claims")),
        ],
        "editor": common + content,
        "supervisor": common + [
            ("case inbox", reverse("casefiles_workbench:inbox")),
            ("case", reverse("casefiles_workbench:case", args=[case.number])),
            ("statistics", reverse("supervision_admin:statistics")),
            ("supervision orders", reverse("supervision_admin:orders")),
            ("cards", reverse("supervision_admin:cards")),
            ("reviews", reverse("evaluations_admin:reviews")),
            ("issued licenses", reverse("licenses_admin:list")),
            ("license reuse", reverse("licenses_admin:usage")),
        ],
    }


def record_names(world) -> set[str]:
    """Names the fixtures gave their records and people: shown as they are, in any language."""
    names = {u.username for u in type(world.clerk).objects.all()}
    names |= {u.email for u in type(world.clerk).objects.all()}
    names |= set(Department.objects.values_list("name", flat=True))
    return {name for name in names if name}


@freeze_time("2026-03-10 09:30")
def test_the_admin_shows_no_english_word(client, people, submitted_case, license_type):
    world = people
    ignore = record_names(world)
    found = {}
    with translation.override("zh-hans"):
        login = client.get(reverse("wagtailadmin_login"), HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert login.status_code == 200
        if words := english_words(login.content.decode(), ignore):
            found["login page"] = words
        for who, pages in pages_of(world, submitted_case).items():
            client.force_login(getattr(world, who))
            for name, url in pages:
                response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans", follow=True)  # the explorer's root: their own
                assert response.status_code == 200, f"{who}: {name} ({url}) answered {response.status_code}"
                assert name == "dashboard" or response.request["PATH_INFO"] != "/admin/", f"{who} may not see {name}"
                if words := english_words(response.content.decode(), ignore, WAGTAIL_NONE.get(name, set())):
                    found[f"{who}: {name} ({url})"] = words
    report = "\n".join(f"{page}: {' | '.join(words)}" for page, words in found.items())
    assert not found, "English words in the admin:\n" + report


def test_the_sign_in_page_names_the_site(client, db):
    page = client.get(reverse("wagtailadmin_login"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "<h1>登录一网通办</h1>" in page
    assert "<title>登录 - 一网通办</title>" in page
    assert "Wagtail" not in page.split("<main")[1].split("</h1>")[0]
