"""Everyday words find the demo catalogue: hit@3 of the evaluation set (tests/search/evaluation.py)."""

import pytest
from django.core.management import call_command

from search import service
from tests.search.evaluation import EVALUATION, HELD_OUT, hit_at

# Measured when written: 1.000 on the evaluation set (114 queries; 0.930 before the ranking and
# dictionary were tuned on it), 0.960 on the held-out set (25 queries, never tuned on). The
# floors leave room for catalogue edits.
HIT_AT_3_FLOOR = 0.9
HELD_OUT_FLOOR = 0.8


@pytest.fixture
def demo_catalogue(db, committed):
    with committed():
        call_command("load_demo")


def public_codes(text, k):
    results = service.search(text, kinds=("guide", "bundle", "policy"), scope={"status": ["live"]}, per_page=k,
                             count=False)
    return [hit.code for hit in results.hits]


def test_everyday_words_find_the_catalogue_terms_they_mean(demo_catalogue):
    score, misses = hit_at(3, public_codes)
    assert score >= HIT_AT_3_FLOOR, f"hit@3 {score:.3f} over {len(EVALUATION)} queries; misses: {misses}"


def test_queries_nobody_tuned_for_find_them_too(demo_catalogue):
    score, misses = hit_at(3, public_codes, HELD_OUT)
    assert score >= HELD_OUT_FLOOR, f"hit@3 {score:.3f} over {len(HELD_OUT)} held-out queries; misses: {misses}"


def test_the_evaluation_sets_refer_only_to_what_the_demo_publishes(demo_catalogue):
    from search.models import IndexedDocument

    published = set(IndexedDocument.objects.filter(status="live").values_list("code", flat=True))
    unknown = {code for _text, codes in EVALUATION + HELD_OUT for code in codes} - published
    assert not unknown
