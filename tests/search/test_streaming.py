"""Matches stream in static-prior order — catalogue first, newest first — however the engine
finds them: on PostgreSQL by walking the newest rows of each band, then from the GIN indexes
recency bucket by bucket, then the older rest (``postgres_fts.PostgresEngine.stream``); on
SQLite from FTS5's row-id order. Checked against the records themselves, with walks and
buckets small enough that every branch is taken."""

import pytest

from search.backends import postgres_fts
from search.models import IndexedDocument
from search.query import All, Term


@pytest.fixture(params=[(1, 0), (3, 1), (1_000, 10)], ids=["walk-1-buckets-1", "walk-3-buckets-2", "walk-all"])
def walk(request, monkeypatch):
    """The walk's length and the buckets' size (2 ** bits ids), set before the corpus is written:
    one-id buckets leave most of the corpus to the "older" branch, two-id buckets some of it."""
    rows, bits = request.param
    monkeypatch.setattr(postgres_fts, "WALK", rows)
    monkeypatch.setattr(postgres_fts, "BUCKET_BITS", bits)
    monkeypatch.setattr(postgres_fts, "FURTHER", 4 * rows)
    return rows


@pytest.fixture
def corpus(walk, backend, make_document):
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


def test_every_vector_holds_its_rows_recency_bucket_on_postgresql(corpus, backend, make_document):
    """The buckets the stream asks the GIN indexes for are written with the row, and again when it changes."""
    if backend.engine.vendor != "postgresql":
        pytest.skip("FTS5 streams in row-id order without buckets")
    from django.db import connection

    backend.write([make_document(kind="case", object_id=1, title="第1号办件 变更", body="变更后", access=["group:market"])])
    with connection.cursor() as cursor:
        cursor.execute("SELECT priority, id, tsv::text, tsv_title::text FROM search_document")
        rows = cursor.fetchall()
    assert len(rows) == len(corpus)
    for priority, pk, tsv, tsv_title in rows:
        lexeme = f"'{postgres_fts.bucket(priority, pk)}'"
        assert lexeme in tsv.split() and lexeme in tsv_title.split()
        assert sum(word.startswith("'~b") for word in tsv.split()) == 1


def test_the_stream_alone_is_prepared_on_postgresql(corpus, backend):
    """Planned once per connection, not per search; every other statement is left as Django sends it."""
    if backend.engine.vendor != "postgresql":
        pytest.skip("SQLite prepares every statement anyway")
    from django.db import connection

    from search.backends.database import tag

    groups = [[tag("acl", "group:market")]]
    for _ in range(2):
        backend.engine.stream(Term("许可"), groups, limit=5)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE from_sql = false")
        prepared = [row[0] for row in cursor.fetchall()]
    assert len(prepared) == 1 and "walk_0" in prepared[0]
    assert connection.connection.prepare_threshold is None


@pytest.mark.parametrize("limit", [1, 5, 100])
def test_autocompletes_prefix_streams_in_order_too(corpus, backend, walk, limit):
    """A prefix (the word being typed) walks on where the buckets would be, then takes one GIN scan."""
    from search.backends.database import tag

    principals = {"public", "group:market"}
    groups = [sorted(tag("acl", principal) for principal in principals)]
    streamed = backend.engine.stream(Term("许", prefix=True), groups, title_only=True, limit=limit)
    rows = dict(IndexedDocument.objects.values_list("key", "priority"))
    ids = dict(IndexedDocument.objects.values_list("key", "id"))
    want = sorted(((rows[d.key], ids[d.key]) for d in corpus if "许可" in d.title and set(d.access) & principals),
                  reverse=True)[:limit]
    assert [tuple(position) for position in streamed] == want
