"""How visitors find a guide: A–Z by pinyin, by service object, by department, by topic."""

from collections import OrderedDict
from string import ascii_uppercase

from pypinyin import Style, lazy_pinyin


def initial(title: str) -> str:
    """The letter a title files under: the pinyin initial of its first character."""
    for char in title.strip():
        letters = lazy_pinyin(char, style=Style.FIRST_LETTER, errors="ignore")
        if letters and letters[0]:
            letter = letters[0][0].upper()
            return letter if letter in ascii_uppercase else "#"
        if char.isascii() and char.isalpha():
            return char.upper()
    return "#"


def a_to_z(guides) -> "OrderedDict[str, list]":
    groups: dict[str, list] = {}
    for guide in guides:
        groups.setdefault(initial(guide.title), []).append(guide)
    ordered = OrderedDict()
    for letter in list(ascii_uppercase) + ["#"]:
        if letter in groups:
            ordered[letter] = sorted(groups[letter], key=lambda g: lazy_pinyin(g.title))
    return ordered


def guide_index(request) -> dict:
    from casefiles.models import Department
    from cms.models import ServiceItemPage, ServiceObject

    guides = ServiceItemPage.objects.live().public().select_related("department")
    service_object = request.GET.get("for", "")
    if service_object in {ServiceObject.ENTERPRISE, ServiceObject.PERSON}:
        guides = guides.filter(service_object__in=[service_object, ServiceObject.BOTH])
    department = request.GET.get("department", "")[:32]
    if department:
        guides = guides.filter(department__code=department)
    guides = list(guides)
    return {
        "guides_by_letter": a_to_z(guides),
        "guide_count": len(guides),
        "chosen_for": service_object,
        "chosen_department": department,
        "departments": Department.objects.filter(pk__in=ServiceItemPage.objects.live().values("department")),
        "service_objects": [(ServiceObject.ENTERPRISE.value, ServiceObject.ENTERPRISE.label),
                            (ServiceObject.PERSON.value, ServiceObject.PERSON.label)],
    }
