from types import SimpleNamespace

import pytest

from cms.navigation import a_to_z, initial


@pytest.mark.parametrize(
    ("title", "letter"),
    [
        ("食品经营许可", "S"),
        ("重新申领居民身份证", "C"),  # 重 read chóng in 重新, not zhòng
        ("长期护理保险待遇申领", "C"),  # 长 read cháng in 长期
        ("《食品经营许可证》补办", "S"),  # leading punctuation is skipped
        ("ICP备案", "I"),
        ("3C认证", "#"),
        ("   ", "#"),
    ],
)
def test_a_title_files_under_the_pinyin_initial_of_its_reading(title, letter):
    assert initial(title) == letter


def test_a_to_z_orders_letters_and_titles_by_pinyin():
    guides = [SimpleNamespace(title=t) for t in ["公共场所卫生许可", "就业登记", "个体工商户设立登记", "3C认证"]]
    groups = a_to_z(guides)
    assert list(groups) == ["G", "J", "#"]
    assert [g.title for g in groups["G"]] == ["个体工商户设立登记", "公共场所卫生许可"]
