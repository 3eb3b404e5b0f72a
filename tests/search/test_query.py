"""What a user's text means: concepts, their forms, and the expressions the backends compile."""

from search import query, synonyms
from search.backends import postgres_fts, sqlite_fts
from search.query import All, Any, Term


def seed():
    return synonyms.Dictionary.from_rules(synonyms.seed_rules())


def test_function_words_and_lone_characters_are_not_required():
    parsed = query.parse("怎么办理营业执照", seed())
    assert [concept.text for concept in parsed.required()] == ["营业执照"]


def test_an_everyday_phrase_becomes_one_concept_with_the_catalogues_words():
    parsed = query.parse("开理发店要办什么证", seed())
    concept = parsed.required()[0]
    assert concept.text == "开理发店"
    texts = [alternative.text for alternative in concept.alternatives]
    assert texts[0] == "开理发店" and "公共场所卫生许可" in texts
    assert ("公共场所", "卫生", "许可") in [alternative.tokens for alternative in concept.alternatives]


def test_strict_needs_every_concept_and_relaxed_any_word():
    parsed = query.parse("食品 许可证", None)
    assert parsed.strict() == All((Term("食品"), Term("许可证")))
    assert set(parsed.relaxed().items) == {Term("食品"), Term("许可"), Term("许可证")}


def test_the_word_being_typed_is_a_prefix():
    parsed = query.parse("食品经", None, prefix=True)
    assert parsed.strict() == All((Term("食品"), Term("经", prefix=True)))


def test_an_identifier_is_an_alternative_to_the_words():
    parsed = query.parse("ZH-2026-0001", None)
    assert parsed.code == "zh20260001"
    assert isinstance(parsed.strict(), Any) and Term("zh20260001") in parsed.strict().items


def test_every_token_is_quoted_in_fts5_and_tsquery():
    expression = Any((All((Term("食品"), Term("经", prefix=True))), Term('a"b')))
    assert sqlite_fts.compile_expression(expression) == '(("食品" AND "经"*) OR "a""b")'
    assert postgres_fts.compile_expression(Any((Term("食品"), Term("o'k\\")))) == "('食品' | 'o''k\\\\')"
    assert sqlite_fts.match(Term("食品"), [["t1", "t2"]]) == 'tags : ("t1" OR "t2") AND {code title body} : "食品"'


def test_empty_or_symbol_only_text_is_an_empty_query():
    for text in ("", "   ", "!!!", "😀", "\x00"):
        assert query.parse(text, seed()).is_empty
