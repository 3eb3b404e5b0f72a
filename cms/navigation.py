"""How visitors find a guide: A–Z by pinyin, by service object, by department, by topic."""

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


def guide_index(request) -> dict:
    from casefiles.directory.models import Department
    from cms.models import ServiceItemPage, ServiceObject

    guides = ServiceItemPage.objects.live().public().select_related("department")
    service_object = request.GET.get("for", "")
    if service_object in {ServiceObject.ENTERPRISE, ServiceObject.PERSON}:
        guides = guides.filter(service_object__in=[service_object, ServiceObject.BOTH])
    else:
        service_object = ""
    department = request.GET.get("department", "")[:32]
    if department:
        guides = guides.filter(department__code=department)
    guides = list(guides)
    by_letter = a_to_z(guides)
    return {
        "guides_by_letter": by_letter,
        # Every letter, so the jump bar keeps its shape; letters with no guide are not links.
        "letters": [(letter, letter in by_letter) for letter in LETTERS],
        "guide_count": len(guides),
        "chosen_for": service_object,
        "chosen_department": department,
        "departments": Department.objects.filter(pk__in=ServiceItemPage.objects.live().public().values("department")),
        "service_objects": [(ServiceObject.ENTERPRISE.value, ServiceObject.ENTERPRISE.label),
                            (ServiceObject.PERSON.value, ServiceObject.PERSON.label)],
    }
