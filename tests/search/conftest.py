import uuid

import pytest
from django.conf import settings

from search import query, ranking, synonyms
from search.backends.base import SearchRequest
from search.documents import SearchDocument


@pytest.fixture(autouse=True)
def fresh_search_state():
    """Remembered document frequencies and the cached dictionary must not outlive a test."""
    ranking.clear_statistics()
    synonyms.invalidate()
    yield
    ranking.clear_statistics()
    synonyms.invalidate()


def _elasticsearch_url():
    return settings.YIWANG_SEARCH.get("ELASTICSEARCH_URL")


BACKEND_NAMES = [
    "database",
    pytest.param("elasticsearch", marks=pytest.mark.skipif(not _elasticsearch_url(),
                                                         reason="ELASTICSEARCH_URL is not set")),
]


@pytest.fixture(params=BACKEND_NAMES)
def any_backend(request, db):
    """Each backend in turn: the database one always, Elasticsearch when a cluster is configured."""
    if request.param == "database":
        from search.backends import database_backend

        yield database_backend()
        return
    from search.backends.elasticsearch import ElasticsearchBackend

    backend = ElasticsearchBackend({**settings.YIWANG_SEARCH, "INDEX_PREFIX": f"yiwang-test-{uuid.uuid4().hex[:8]}",
                                    "REFRESH": True})
    yield backend
    backend.client.indices.delete(index=f"{backend.alias}-*", ignore_unavailable=True)
    backend.client.indices.delete_index_template(name=backend.alias, ignore=[404])


@pytest.fixture
def backend(db):
    from search.backends import database_backend

    return database_backend()


@pytest.fixture
def make_document():
    def make(kind="guide", object_id="1", title="", body="", access=("public",), **fields):
        return SearchDocument(kind=kind, object_id=str(object_id), title=title, body=body, access=list(access), **fields)

    return make


@pytest.fixture
def ask():
    """Search a backend directly, the way ``search.service`` builds its requests."""

    def run(backend, text, principals=("public",), *, scope=None, filters=None, facets=(), offset=0, limit=10,
            prefix=False):
        request = SearchRequest(
            query=query.parse(text, synonyms.current(), prefix=prefix), principals=frozenset(principals),
            scope={k: tuple(v) for k, v in (scope or {}).items()},
            filters={k: tuple(v) for k, v in (filters or {}).items()}, facets=tuple(facets), offset=offset,
            limit=limit,
        )
        return backend.suggest(request) if prefix else backend.search(request)

    return run


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the index updates that wait for a commit, as a real request's commit would."""

    def context():
        return django_capture_on_commit_callbacks(execute=True)

    return context


# --- The published catalogue -------------------------------------------------------------


@pytest.fixture
def market(db):
    from casefiles.directory.models import Department

    return Department.objects.create(code="SCJGJ", name="珠海市市场监督管理局", region_code="440400")


@pytest.fixture
def health_department(db):
    from casefiles.directory.models import Department

    return Department.objects.create(code="WJJ", name="珠海市卫生健康局", region_code="440400")


def add_guide(department, item_code, title, *, summary="", publish=True, **fields):
    from cms.models import ServiceItemPage

    guide = department.page.add_child(
        instance=ServiceItemPage(title=title, slug=item_code.lower(), item_code=item_code, summary=summary,
                                 department=department, live=publish, **fields)
    )
    revision = guide.save_revision()
    if publish:
        revision.publish()
    return ServiceItemPage.objects.get(pk=guide.pk)
