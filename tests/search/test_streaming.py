"""Matches stream in static-prior order — catalogue first, newest first — however the engine
finds them: on PostgreSQL by walking the newest rows of each band or from the GIN indexes
(``postgres_fts.PostgresEngine.stream``), on SQLite from FTS5's row-id order. Checked against the records
themselves, with walks short enough that every path is taken."""

import pytest

from search.backends import postgres_fts
from search.models import IndexedDocument
from search.query import All, Term


@pytest.fixture
def corpus(backend, make_document):
    """Guides, policies and case files; 有限公司 only in case files, 许可 nearly everywhere;
    the case files split between two departments' groups and one citizen."""
    documents = []
    for n in range(12):
        documents.append(make_document(kind="guide", object_id=n, title=f"许可事项{n}", body="办理许可的条件"))
    for n in range(6):
        documents.append(make_document(kind="policy", object_id=n, title=f"惠企政策{n}", body="申请许可的企业"))
    for n in range(60):
        owner = ["group:market"] if n % 3 else ["group:health"]
        if n % 10 == 0:
            owner = ["user:citizen"]
        body = "申请人 珠海某某有限公司" if n % 2 else "申请人 张三"
        documents.append(make_document(kind="case", object_id=n, title=f"第{n}号办件 许可", body=body, access=owner))
    backend.write(documents)
    return documents


def expected(documents, word, principals, limit, below=None):
    rows = dict(IndexedDocument.objects.values_list("key", "priority"))
    ids = dict(IndexedDocument.objects.values_list("key", "id"))
    found = sorted(((rows[d.key], ids[d.key]) for d in documents
                    if (word is None or word in d.title + d.body) and set(d.access) & set(principals)), reverse=True)
    if below is not None:
        found = [position for position in found if position < below]
    return found[:limit]


@pytest.fixture(params=[1, 3, 1_000], ids=["walk-1", "walk-3", "walk-all"])
def walk(request, monkeypatch):
    monkeypatch.setattr(postgres_fts, "WALK", request.param)
    monkeypatch.setattr(postgres_fts, "WALK_MAX", 4 * request.param)
    return request.param


@pytest.mark.parametrize("word", ["有限公司", "许可", "张三", None])
@pytest.mark.parametrize("principals", [{"public"}, {"public", "group:market"}, {"public", "user:citizen"},
                                        {"group:health"}, {"public", "group:market", "group:health", "user:citizen"}])
@pytest.mark.parametrize("limit", [1, 5, 100])
def test_matches_come_best_prior_and_newest_first(corpus, backend, walk, word, principals, limit):
    from search.backends.database import tag

    engine = backend.engine
    groups = [sorted(tag("acl", principal) for principal in principals)]
    streamed = engine.stream(Term(word) if word else None, groups, limit=limit)
    assert [tuple(position) for position in streamed] == expected(corpus, word, principals, limit)


def test_a_stream_continues_below_where_it_stopped(corpus, backend, walk):
    from search.backends.database import tag

    engine = backend.engine
    groups = [sorted(tag("acl", principal) for principal in {"public", "group:market"})]
    first = engine.stream(Term("许可"), groups, limit=15)
    rest = engine.stream(Term("许可"), groups, limit=100, below=first[-1])
    assert [tuple(p) for p in first + rest] == expected(corpus, "许可", {"public", "group:market"}, 200)


def test_every_word_and_a_tag_of_every_group(corpus, backend, walk):
    from search.backends.database import tag

    engine = backend.engine
    groups = [[tag("acl", "group:market")], [tag("kind", "case")]]
    streamed = engine.stream(All((Term("有限公司"), Term("申请人"))), groups, limit=100)
    want = [p for p in expected(corpus, "有限公司", {"group:market"}, 100)]
    assert [tuple(p) for p in streamed] == want


def test_a_group_without_a_tag_matches_nothing_on_postgresql(corpus, backend):
    """The service never asks so (an empty scope is no scope); called directly, the engine answers nothing."""
    if backend.engine.vendor != "postgresql":
        pytest.skip("FTS5's MATCH is only ever written for groups that hold a tag")
    assert backend.engine.stream(Term("许可"), [[]], limit=10) == []
