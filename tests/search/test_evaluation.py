"""Everyday words find the demo catalogue: hit@1, hit@3 and MRR of the evaluation sets (tests/search/evaluation.py).

``pytest -s`` prints each set's figures and its misses.
"""

import pytest
from django.core.management import call_command

from search import service
from tests.search.evaluation import EVALUATION, HELD_OUT, SETS, measure

# Measured with the database backend on the demo catalogue (issue 19: 251 evaluation queries,
# 104 held-out), before → after the dictionary grew:
#   evaluation  hit@1 0.781 → 0.908   hit@3 0.912 → 1.000   MRR 0.850 → 0.952
#   held-out    hit@1 0.721 → 0.817   hit@3 0.875 → 0.952   MRR 0.799 → 0.880
# and then (bench/search_bench.py eval) before → after what a record issues, abbreviations, the
# thesaurus and more life events in the dictionary:
#   evaluation  hit@1 0.912 → 0.924   hit@3 1.000 → 1.000   MRR 0.954 → 0.959
#   held-out    hit@1 0.856 → 0.856   hit@3 0.952 → 0.952   MRR 0.901 → 0.901
# The evaluation floor sits a little under what is measured (the set is tuned on); the
# held-out one at the measured value minus a margin for catalogue edits. Raise them when the
# engine improves; never tune on HELD_OUT.
HIT_AT_3_FLOORS = {"evaluation": 0.97, "held-out": 0.92}


@pytest.fixture
def demo_catalogue(db, committed):
    with committed():
        call_command("load_demo")


def public_codes(text, k):
    results = service.search(text, kinds=("guide", "bundle", "policy"), scope={"status": ["live"]}, per_page=k,
                             count=False)
    return [hit.code for hit in results.hits]


@pytest.mark.parametrize("name", list(SETS))
def test_everyday_words_find_the_catalogue_terms_they_mean(demo_catalogue, name):
    figures = measure(public_codes, SETS[name])
    print("\n" + figures.line(name))
    for text, found in figures.misses:
        print(f"  miss: {text} → {found}")
    assert figures.hit_at_3 >= HIT_AT_3_FLOORS[name], f"{figures.line(name)}; misses: {figures.misses}"


def test_every_published_guide_bundle_and_policy_is_some_query_s_answer(demo_catalogue):
    from search.models import IndexedDocument

    published = set(IndexedDocument.objects.filter(status="live", kind__in=("guide", "bundle", "policy"))
                    .values_list("code", flat=True))
    answers = {code for _text, codes in EVALUATION + HELD_OUT for code in codes}
    assert answers <= published, "the sets name codes the demo does not publish"
    assert published <= answers, "no query asks for these"
    found = {code for text, _codes in EVALUATION for code in public_codes(text, 3)}
    assert published <= found, "no evaluation query finds these among its first three"
