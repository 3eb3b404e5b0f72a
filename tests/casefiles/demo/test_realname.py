"""The demo persons' real-name levels, and the demo guide that needs a check in person."""

from django.core.management import call_command
from django.utils import translation

from casefiles.directory.models import Person
from casefiles.realname import applying, levels
from cms.models import ServiceItemPage


def test_the_demo_persons_have_levels_and_one_guide_needs_a_check_in_person(db):
    call_command("load_demo")
    call_command("load_demo")  # idempotent: nothing recorded twice
    by_name = {person.name: person for person in Person.objects.all()}
    assert levels.level(by_name["张伟"]) == "in_person"
    assert levels.level(by_name["李娜"]) == "identity_provider"
    assert levels.level(by_name["王芳"]) == "in_person"
    assert by_name["李娜"].verifications.count() == 2

    card = ServiceItemPage.objects.get(title="社会保障卡申领")
    assert levels.needed(card) == "in_person"
    with translation.override("en"):
        assert "bring your resident identity card" in applying.before_applying(by_name["李娜"].user, card)
    assert applying.before_applying(by_name["张伟"].user, card) is None
