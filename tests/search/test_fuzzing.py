"""Any input is safe: results or an empty list, never an error (hypothesis)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search import analysis, query, service, synonyms

SYNTAX = ['"', "'", "NEAR(", "NEAR/3", "*", "^", "AND", "OR", "NOT", "(", ")", "{", "}", "[", "]", ":", "-", "+", "\\",
          "&", "|", "!", "~", "title:", "tags:", "\x00", "\x1b", "\u200b", "😀", "食品", "许可", "经营", "ZH2026-0001", " "]
texts = st.one_of(
    st.text(max_size=400),
    st.lists(st.sampled_from(SYNTAX), max_size=40).map("".join),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1000, max_size=10_000),
)
fuzz = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                        HealthCheck.too_slow])


@pytest.fixture
def indexed(backend, make_document):
    backend.write([
        make_document(object_id=1, title="食品经营许可（新办）", body="从事食品销售", code="SCJGJ-001"),
        make_document(kind="case", object_id=2, title="食品经营许可 — 甲公司", code="ZH2026-0001", access=["group:1"]),
    ])


@fuzz
@given(text=texts)
def test_searching_anything_answers(indexed, text):
    results = service.search(text, principals={"public", "group:1"}, facets=("kind", "department"), page=3)
    assert isinstance(results.hits, list) and results.total >= 0
    assert isinstance(service.suggest(text, principals={"public"}), list)


@fuzz
@given(text=texts)
def test_only_letters_and_digits_leave_the_analyser(text):
    parsed = query.parse(text, synonyms.Dictionary.from_rules(synonyms.seed_rules()))
    for concept in parsed.concepts:
        for alternative in concept.alternatives:
            for token in alternative.tokens:
                assert token and all(char.isalnum() for char in token), token
    assert all(char.isalnum() for char in parsed.code)
    assert all(all(char.isalnum() for char in token) for token in analysis.index_tokens(text))


@fuzz
@given(text=texts, page=st.integers(min_value=-5, max_value=10_000), per_page=st.integers(min_value=-5, max_value=500))
def test_any_page_number_answers(indexed, text, page, per_page):
    results = service.search(text, principals={"public"}, page=page, per_page=per_page)
    assert len(results.hits) <= 50
