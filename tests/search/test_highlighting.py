"""Marked titles and snippets: everything escaped but the marks."""

from search import highlighting


def test_matches_are_marked_and_everything_else_escaped():
    assert highlighting.mark("<b>食品</b>经营许可", ["食品"]) == "&lt;b&gt;<mark>食品</mark>&lt;/b&gt;经营许可"


def test_full_width_text_matches_half_width_terms():
    assert highlighting.mark("ＺＨ２０２６号", ["zh2026"]) == "<mark>ＺＨ２０２６</mark>号"


def test_a_snippet_is_a_window_around_the_first_match():
    text = "开头" * 100 + "申请食品经营许可需要营业执照" + "结尾" * 100
    snippet = highlighting.snippet(text, ["营业执照"])
    assert snippet.startswith("…") and snippet.endswith("…") and "<mark>营业执照</mark>" in snippet
    assert len(snippet) < 260
    assert highlighting.snippet("没有匹配", ["食品"]) == "没有匹配"
