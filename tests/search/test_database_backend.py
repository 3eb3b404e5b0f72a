"""The database backend's bounded ranking keeps every match reachable (recall is not traded for speed)."""

import pytest

from search import ranking
from search.backends.base import TOTAL_CAP


@pytest.fixture
def many(backend, make_document):
    """More matches than the ranked window: 300 records mention 许可 in the body, one in its title."""
    documents = [make_document(kind="case", object_id=n, title=f"第{n}号办件", body=f"行政许可申请 第{n}号",
                               access=["group:1"]) for n in range(1, 301)]
    documents.insert(40, make_document(kind="case", object_id=999, title="许可证延续", body="旧的记录", access=["group:1"]))
    backend.write(documents)
    assert len(documents) > ranking.CANDIDATES


def test_a_title_match_outranks_newer_body_matches_beyond_the_window(many, backend, ask):
    results = ask(backend, "许可", {"group:1"})
    assert results.hits[0].key == "case:999"
    assert results.total == 301 and results.total_is_exact


def test_paging_reaches_every_match_once(many, backend, ask):
    seen = []
    for offset in range(0, 310, 50):
        seen += [hit.key for hit in ask(backend, "许可", {"group:1"}, offset=offset, limit=50).hits]
    assert len(seen) == len(set(seen)) == 301


def test_filters_alone_list_records_newest_first(many, backend, ask):
    results = ask(backend, "", {"group:1"}, limit=3)
    assert [hit.key for hit in results.hits] == ["case:300", "case:299", "case:298"]
    assert results.total == 301


def test_totals_are_capped_and_say_so(backend, ask, make_document, monkeypatch):
    monkeypatch.setattr("search.backends.database.TOTAL_CAP", 150)
    backend.write([make_document(object_id=n, title=f"指南{n}", body="许可") for n in range(200)])
    results = ask(backend, "许可")
    assert results.total == 150 and not results.total_is_exact
    assert TOTAL_CAP == 10_000


def test_words_in_most_records_do_not_flood_a_relaxed_search(backend, ask, make_document, monkeypatch):
    monkeypatch.setattr(ranking, "COMMON_MIN_RECORDS", 50)
    documents = [make_document(object_id=n, title=f"珠海市第{n}号指南") for n in range(100)]
    documents.append(make_document(object_id=500, title="横琴口岸通关指引"))
    backend.write(documents)
    # nothing has 珠海 and 口岸 and 海关 together; 珠海 is in nearly everything, so it selects nothing
    results = ask(backend, "珠海 口岸 海关")
    assert [hit.key for hit in results.hits] == ["guide:500"] and results.relaxed
