"""红黄牌: made by the rules, once, and never edited or deleted."""

from datetime import timedelta

import pytest
from django.db import DatabaseError, transaction

from casefiles.cases.models import CaseFile, Status
from casefiles.supervision import cards
from casefiles.supervision.models import Card
from tests.casefiles.supervision.conftest import NOW, TODAY, put_in

pytestmark = pytest.mark.django_db


def test_a_case_past_its_promised_date_gets_a_yellow_card_once(world, review_case):
    assert cards.make_cards(TODAY, NOW) == 0  # green: no card
    CaseFile.objects.filter(pk=review_case.pk).update(promised_due=TODAY - timedelta(days=1))
    assert cards.make_cards(TODAY, NOW) == 1
    card = Card.objects.get()
    assert (card.colour, card.rule, card.department, card.case) == ("yellow", "past_promised", world.department,
                                                                    review_case)
    assert review_case.number in card.reason
    assert cards.make_cards(TODAY, NOW) == 0


def test_past_the_statutory_date_a_red_card_too(world, review_case):
    put_in(review_case, "red")
    assert cards.make_cards(TODAY, NOW) == 2
    assert sorted(Card.objects.values_list("rule", "colour")) == [("past_promised", "yellow"), ("past_statutory", "red")]
    assert cards.counts() == {world.department.pk: {"yellow": 1, "red": 1}}
    assert cards.counts(since=NOW + timedelta(seconds=1)) == {}
    assert cards.cards_of(world.other_department).count() == 0
    assert cards.cards_of(world.department).count() == 2


def test_a_case_decided_after_its_promised_date_gets_its_card(world, review_case):
    CaseFile.objects.filter(pk=review_case.pk).update(status=Status.APPROVED, promised_due=TODAY - timedelta(days=5),
                                                      statutory_due=TODAY + timedelta(days=5), decided_at=NOW)
    assert cards.make_cards(TODAY, NOW) == 1
    assert Card.objects.get().rule == "past_promised"


def test_a_case_decided_in_time_gets_none(world, review_case):
    CaseFile.objects.filter(pk=review_case.pk).update(status=Status.APPROVED, promised_due=TODAY,
                                                      decided_at=NOW - timedelta(days=1))
    assert cards.make_cards(TODAY + timedelta(days=30), NOW) == 0


def test_the_database_refuses_to_edit_or_delete_a_card(world, review_case):
    put_in(review_case, "red")
    cards.make_cards(TODAY, NOW)
    with pytest.raises(DatabaseError), transaction.atomic():
        Card.objects.update(reason="改掉")
    with pytest.raises(DatabaseError), transaction.atomic():
        Card.objects.all().delete()
    assert Card.objects.count() == 2
