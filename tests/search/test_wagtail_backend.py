"""Wagtail's own admin search reads Chinese (search/wagtail_backend.py)."""

from modelsearch.backends import get_search_backend
from modelsearch.query import And, Phrase, PlainText

from casefiles import roles
from search.wagtail_backend import segmented_query

from .conftest import add_guide


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
