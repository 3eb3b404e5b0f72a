"""Chinese analysis: one segmentation for the index and the queries, nothing but letters and digits out."""

from search import analysis


def test_search_mode_keeps_words_and_their_sub_words():
    tokens = analysis.index_tokens("珠海市食品经营许可证核发")
    assert {"珠海", "珠海市", "食品", "经营", "许可", "许可证", "核发"} <= set(tokens)


def test_full_width_and_case_are_folded_and_punctuation_separates():
    assert analysis.normalize("ＡＢＣ－１２３（食品）") == "abc 123 食品"
    segmented = analysis.segment("《食品安全法》第三十五条").split()
    assert {"食品", "安全", "安全法", "三十五"} <= set(segmented)
    assert not any("《" in token or "》" in token for token in segmented)


def test_query_words_are_precise():
    assert analysis.words("食品经营许可证") == ["食品", "经营", "许可证"]
    assert analysis.search_tokens("许可证") == ["许可", "许可证"]


def test_syntax_and_symbols_never_survive():
    for text in ['NEAR("食品" *', "a AND (b OR c)", "😀\x00\x1f", "title:食品^2"]:
        assert all(token.isalnum() for token in analysis.index_tokens(text)), text


def test_codes_are_normalised_as_people_type_them():
    assert analysis.normalize_code("ZH-2026/0001 xk") == "zh20260001xk"
    assert analysis.code_tokens("440400-0001-XK") == ["4404000001xk", "440400", "0001", "xk"]
    assert analysis.looks_like_code("ZH20260301SCJGJ0000123")
    assert analysis.looks_like_code("粤食经-2026")  is False
    assert not analysis.looks_like_code("食品经营许可")


def test_overlong_text_is_cut_to_the_query_limit():
    assert len("".join(analysis.words("食" * 10_000))) <= analysis.MAX_QUERY_CHARS
