"""How visitors find a guide: A–Z by pinyin (the guide index, ``cms.models.guide``, filters and lists them)."""

from collections import OrderedDict
from string import ascii_uppercase

from pypinyin import Style, lazy_pinyin

LETTERS = list(ascii_uppercase) + ["#"]


def initial(title: str) -> str:
    """The letter a title files under: the pinyin initial of its first letter or character.

    The whole title is converted, not its first character alone, so that pypinyin's phrase
    dictionary picks the reading of a polyphonic character: 重新申领 files under C, not Z.
    Leading punctuation (《…》) is skipped; a title that starts with a digit files under #.
    """
    for segment in lazy_pinyin(title.strip(), style=Style.FIRST_LETTER):
        for char in segment:
            if char.isascii() and char.isalpha():
                return char.upper()
            if char.isalnum():
                return "#"
    return "#"


def sort_key(title: str) -> tuple:
    return ([syllable.lower() for syllable in lazy_pinyin(title.strip())], title)


def a_to_z(guides) -> "OrderedDict[str, list]":
    groups: dict[str, list] = {}
    for guide in guides:
        groups.setdefault(initial(guide.title), []).append(guide)
    ordered = OrderedDict()
    for letter in LETTERS:
        if letter in groups:
            ordered[letter] = sorted(groups[letter], key=lambda g: sort_key(g.title))
    return ordered
