"""A query whose words match nothing: records sharing its characters, said to be so; ``*`` is no wildcard."""

import pytest

from search import fallback, service
from tests.search.test_views import catalogue, results_of  # noqa: F401 (the fixture)

PUBLIC = {"kinds": ("guide", "bundle", "policy"), "scope": {"status": ["live"]}}


def test_characters_and_adjacent_pairs_without_function_characters():
    characters, pairs = fallback.grams("想开一家火锅店")
    assert characters == ["开", "火", "锅", "店"]
    assert "火锅" in pairs and "锅店" in pairs and "想开" in pairs
    assert fallback.grams("*?") == ([], [])


def test_one_shared_common_character_is_no_reason_to_show_a_record():
    rows = [("a", "药品零售企业许可", "开办药店。"), ("b", "公共场所卫生许可", "理发店")]
    assert [key for _score, key in fallback.rank("开药房", rows)] == ["a"]


def test_words_found_nowhere_fall_back_to_shared_characters_and_say_so(catalogue):  # noqa: F811
    results = service.search("药零铺", **PUBLIC)
    assert results.fallback and not results.relaxed
    assert [hit.title for hit in results.hits] == ["药品零售企业许可"]


def test_the_fallback_is_trimmed_like_everything_else(catalogue):  # noqa: F811
    results = service.search("草稿食品生产", principals=["nobody"], **PUBLIC)
    assert results.hits == []


def test_the_page_says_the_results_only_share_characters(client, catalogue):  # noqa: F811
    page = client.get("/search/", {"q": "药零铺"}).content.decode()
    assert "药品零售企业许可" in results_of(page)
    assert "以下结果与之有相同的字" in page
    assert "这些包含其中部分词语" not in page and "some of them" not in page


def test_no_partial_words_line_above_no_results(client, catalogue):  # noqa: F811
    page = client.get("/search/", {"q": "量子纠缠"}).content.decode()
    assert "search-hits" not in page or not results_of(page).strip()
    assert "some of them" not in page and "部分" not in page


@pytest.mark.parametrize("text", ["*", "**", "食*", "\"", "?"])
def test_syntax_characters_are_ordinary_and_never_list_every_record(catalogue, text):  # noqa: F811
    results = service.search(text, **PUBLIC)
    assert all("食" in hit.title for hit in results.hits) if text == "食*" else results.hits == []
