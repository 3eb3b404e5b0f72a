"""The everyday-words dictionary: Solr format, a seed file, administrators' edits."""

import pytest

from search import query, synonyms
from search.models import SynonymRule


def test_rules_in_the_solr_format():
    assert synonyms.parse_rule("开饭店, 开餐馆 => 食品经营许可") == synonyms.Rule(("开饭店", "开餐馆"), ("食品经营许可",))
    assert synonyms.parse_rule("医保, 医疗保障") == synonyms.Rule(("医保", "医疗保障"), ())
    assert synonyms.parse_rule("  # a comment") is None
    for bad in ("医保", "a => b => c", "=> 食品", "开饭店 =>", "！！, 医保"):
        with pytest.raises(synonyms.RuleError):
            synonyms.parse_rule(bad)


def test_the_seed_file_parses_and_covers_a_life_from_start_to_end():
    dictionary = synonyms.Dictionary.from_rules(synonyms.seed_rules())
    assert len(dictionary) > 300
    for words, term in [("开公司", "企业设立登记"), ("开饭店", "食品经营许可"), ("招工", "就业登记"),
                        ("盖厂房", "建筑工程施工许可证核发"), ("二手房过户", "二手房转移登记"), ("跑运输", "道路货物运输经营许可"),
                        ("开ktv", "娱乐场所经营许可"), ("生孩子", "出生一件事"), ("办退休", "职工退休申请"),
                        ("注销公司", "企业注销登记"), ("医保", "医疗保障"), ("个税", "个人所得税")]:
        assert term in dictionary.meaning(words), words


def test_equivalent_words_mean_each_other():
    dictionary = synonyms.Dictionary.from_rules(synonyms.parse(["医保, 医疗保障, 医疗保险"]))
    assert dictionary.meaning("医疗保险") == ["医保", "医疗保障"]


def test_phrases_are_found_inside_a_question_longest_first():
    dictionary = synonyms.Dictionary.from_rules(synonyms.parse(["开饭店 => 食品经营许可", "饭店 => 餐饮"]))
    assert dictionary.spans("我想开饭店") == [(2, 5, ["食品经营许可"])]


def test_an_administrators_edit_applies_at_once(db):
    assert synonyms.current().meaning("开网吧")  # from the seed
    SynonymRule.objects.create(rule="珠事通 => 一网通办")
    parsed = query.parse("珠事通", synonyms.current())
    assert any(alternative.text == "一网通办" for alternative in parsed.concepts[0].alternatives)
    rule = SynonymRule.objects.get(rule="珠事通 => 一网通办")
    rule.enabled = False
    rule.save()
    assert synonyms.current().meaning("珠事通") == []


def test_an_invalid_rule_cannot_be_saved_through_validation(db):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        SynonymRule(rule="只有一个词").full_clean()
