"""Abbreviations (简称): a short query's characters in order in a title."""

import pytest

from search import abbreviations


@pytest.mark.parametrize("text,expected", [("个体登记", "个体登记"), ("社保", "社保"), ("食 经", ""), ("证", ""),
                                           ("食品经营许可", ""), ("ab12", ""), ("社保a", "")])
def test_only_short_runs_of_chinese_characters_can_be_abbreviations(text, expected):
    assert abbreviations.shape(text) == expected


def test_a_title_holding_the_characters_in_order_matches_the_tightest_first():
    rows = [(1, "个体工商户登记"), (2, "个体工商户转型升级为企业登记"), (3, "登记个体户"), (4, "社会保险登记")]
    found = abbreviations.rank("个体登记", rows)
    assert [key for _tightness, key in found] == [1]  # 2 skips too much, 3 is out of order, 4 lacks 个体
    assert abbreviations.rank("社保", [(4, "社会 保险 登记")]) == [(2 / 3, 4)]  # segmented titles read as text
