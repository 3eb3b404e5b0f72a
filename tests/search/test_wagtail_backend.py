"""Wagtail's own admin search reads Chinese (search/wagtail_backend.py)."""

import pytest
from modelsearch.backends import get_search_backend
from modelsearch.query import MATCH_NONE, And, Phrase, PlainText

from casefiles.directory import roles
from search.wagtail_backend import MAX_QUERY_TERMS, segmented_query
from tests.search.conftest import add_guide


def test_an_editor_searching_a_word_in_the_admin_finds_the_chinese_page(market, client, make_user):
    add_guide(market, "SCJGJ-001", "食品经营许可（新办）")
    add_guide(market, "SCJGJ-002", "药品零售企业许可")
    editor = make_user("scjgj-editor", is_staff=True)
    roles.grant_role(editor, market, "editor")
    client.force_login(editor)
    response = client.get("/admin/pages/search/", {"q": "食品"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "食品经营许可（新办）" in page
    assert "药品零售企业许可" not in page
    assert "食品经营许可（新办）" in client.get("/admin/pages/search/", {"q": "经营许可"}).content.decode()


def test_the_backend_finds_words_inside_runs_of_characters_and_as_a_prefix(market):
    from cms.models import ServiceItemPage

    guide = add_guide(market, "SCJGJ-003", "建筑工程施工许可证核发")
    backend = get_search_backend()
    assert type(backend).__name__.startswith("Chinese")
    assert list(backend.search("施工许可", ServiceItemPage)) == [guide]
    assert list(backend.autocomplete("建筑工", ServiceItemPage)) == [guide]
    assert list(backend.search("医疗", ServiceItemPage)) == []


def test_query_objects_keep_their_shape():
    query = segmented_query(And([PlainText("食品经营"), Phrase("施工许可证")]))
    assert isinstance(query, And)
    assert query.subqueries[0].query_string == "食品 经营"
    assert query.subqueries[1].query_string == "施工 许可 许可证"
    assert segmented_query("NEAR( * 食品") == "near 食品"


# --- odd queries: tsquery and FTS5 syntax, empty pieces, pasted paragraphs ------------------------

ODD_QUERIES = {
    "prefix-syntax": "'b':*",
    "operators": "'a' & 'b'",
    "only-syntax": "& | ! ( ) :* \"",
    "unbalanced-quote": '"食品 经营',
    "fts5-syntax": "NEAR(食品 许可) OR title:* ^",
    "70-words": " ".join(f"word{i}" for i in range(70)),
    "200-words": " ".join(f"word{i}" for i in range(200)),  # PostgreSQL's expression ran out of recursion
    "40-chinese-words": " ".join(["食品经营", "许可证", "核发", "建筑工程"] * 10),  # within the address limit
    "nul": "食品\x00许可",
}
ADMIN_SEARCHES = ["/admin/pages/search/", "/admin/documents/", "/admin/images/", "/admin/users/", "/admin/groups/",
                  "/admin/choose-page/search/", "/admin/documents/chooser/results/", "/admin/images/chooser/results/"]


@pytest.mark.parametrize("name", ODD_QUERIES)
def test_every_admin_search_answers_odd_queries(market, client, make_user, name):
    add_guide(market, "SCJGJ-001", "食品经营许可（新办）")
    client.force_login(make_user("admin", is_staff=True, is_superuser=True))
    for url in ADMIN_SEARCHES + ["/search/", "/search/suggest/"]:
        answer = client.get(url, {"q": ODD_QUERIES[name]})
        assert answer.status_code in {200, 400}, url


@pytest.mark.parametrize("name", [name for name in ODD_QUERIES if name != "nul"])
def test_the_backend_answers_odd_queries_with_results_or_none(market, name):
    from wagtail.models import Page

    from cms.models import ServiceItemPage

    guide = add_guide(market, "SCJGJ-001", "食品经营许可（新办）")
    backend = get_search_backend()
    query = ODD_QUERIES[name]
    assert list(backend.search(query, ServiceItemPage)) in ([], [guide])
    assert list(backend.autocomplete(query, ServiceItemPage)) in ([], [guide])
    pages = backend.search(query, Page)
    if pages.supports_facet:  # what the admin's page search asks (a query of no words has no facets)
        assert set(pages.facet("content_type_id")) <= {guide.content_type_id}


def test_pieces_with_no_words_are_dropped_and_a_query_of_none_matches_nothing():
    query = segmented_query(And([Phrase("b"), PlainText(":*")]))
    assert isinstance(query, Phrase) and query.query_string == "b"
    assert segmented_query(And([PlainText("&"), Phrase(":*")])) == MATCH_NONE


def test_a_query_keeps_at_most_max_query_terms_tokens():
    query = segmented_query(And([PlainText(" ".join(f"w{i}" for i in range(50))), Phrase("食品经营许可证")]))
    first = query.subqueries[0].query_string.split() if isinstance(query, And) else query.query_string.split()
    assert len(first) == MAX_QUERY_TERMS
    assert isinstance(query, PlainText)  # the budget was spent: the phrase is left out
