"""The Elasticsearch backend without a cluster: its index template, mappings and the queries it
builds. The live leg of the backend-agnostic suite (test_backends.py) runs when
ELASTICSEARCH_URL is set."""

import json
from datetime import datetime, timezone
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from search import query, synonyms
from search.backends.base import SearchRequest
from search.backends.elasticsearch import ElasticsearchBackend, build_search, build_suggest, source
from search.documents import SearchDocument


def backend(**options):
    return ElasticsearchBackend({"ELASTICSEARCH_URL": "http://127.0.0.1:9", "INDEX_PREFIX": "yiwang", **options})


def request_for(text, principals=("public", "group:7"), **fields):
    dictionary = synonyms.Dictionary.from_rules(synonyms.seed_rules())
    return SearchRequest(query=query.parse(text, dictionary), principals=frozenset(principals), **fields)


def body(search):
    return search.to_dict()


def walk(value):
    """Every dict inside a query body."""
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from walk(item)


def test_the_template_analyses_chinese_with_cjk_bigrams_and_no_plugin():
    template = backend().template().to_dict()
    assert template["index_patterns"] == ["yiwang-documents-*"]
    settings = template["template"]["settings"]
    text = settings["analysis"]["analyzer"]["yiwang_text"]
    assert text == {"type": "custom", "tokenizer": "standard", "filter": ["cjk_width", "lowercase", "cjk_bigram"]}
    properties = template["template"]["mappings"]["properties"]
    assert properties["title"]["analyzer"] == "yiwang_text"
    assert properties["title"]["fields"]["prefix"]["analyzer"] == "yiwang_prefix"
    assert properties["body"]["type"] == "text"
    for keyword in ("access", "kind", "department", "status", "year", "facet_values", "code_norm", "key"):
        assert properties[keyword]["type"] == "keyword", keyword
    assert properties["date"]["type"] == "date"
    assert properties["url"] == {"type": "keyword", "index": False}


@pytest.mark.parametrize("choice,tokenizer,search_tokenizer", [("smartcn", "smartcn_tokenizer", "smartcn_tokenizer"),
                                                              ("ik", "ik_max_word", "ik_smart")])
def test_smartcn_or_ik_when_a_setting_names_them(choice, tokenizer, search_tokenizer):
    template = backend(ELASTICSEARCH_ANALYZER=choice).template().to_dict()
    analyzers = template["template"]["settings"]["analysis"]["analyzer"]
    properties = template["template"]["mappings"]["properties"]
    assert analyzers[properties["body"]["analyzer"]]["tokenizer"] == tokenizer
    search_analyzer = properties["body"].get("search_analyzer", properties["body"]["analyzer"])
    assert analyzers[search_analyzer]["tokenizer"] == search_tokenizer


def test_an_unknown_analyzer_is_refused():
    with pytest.raises(ValueError):
        backend(ELASTICSEARCH_ANALYZER="whitespace")


def test_a_document_is_stored_with_its_access_list_and_facets():
    document = SearchDocument(kind="case", object_id="9", title="食品经营许可 — 甲公司", code="ZH-2026-0009",
                              department="SCJGJ", status="accepted", date=datetime(2026, 3, 1, tzinfo=timezone.utc),
                              facets={"item": ["食品经营许可"]}, access=["group:3", "user:5"])
    stored = source(document)
    assert stored["key"] == "case:9" and stored["access"] == ["group:3", "user:5"]
    assert stored["code_norm"] == "zh20260009" and stored["year"] == "2026"
    assert stored["facet_values"] == ["item=食品经营许可"]
    assert stored["checksum"] == document.checksum


def test_every_query_is_trimmed_by_a_terms_filter_on_principals():
    search = body(build_search(backend().search_object(), request_for("食品经营许可", principals={"public", "user:5"})))
    filters = search["query"]["bool"]["filter"]
    assert {"terms": {"access": ["public", "user:5"]}} in filters


def test_user_text_only_reaches_match_queries_never_query_string():
    text = 'title:食品 AND (body:"x" OR *) NEAR( \\ '
    for relaxed in (False, True):
        search = body(build_search(backend().search_object(), request_for(text), relaxed=relaxed))
        dumped = json.dumps(search, ensure_ascii=False)
        assert "query_string" not in dumped and "simple_query_string" not in dumped
        for node in walk(search):
            for kind in ("match", "multi_match"):
                if kind in node and isinstance(node[kind], dict) and "query" in node[kind]:
                    assert isinstance(node[kind]["query"], str)


def test_synonyms_come_from_the_same_dictionary_as_the_database_backend():
    search = body(build_search(backend().search_object(), request_for("开饭店")))
    phrases = {node["multi_match"]["query"] for node in walk(search) if "multi_match" in node}
    assert "开饭店" in phrases and "食品经营许可" in phrases
    fields = next(node["multi_match"]["fields"] for node in walk(search) if "multi_match" in node)
    assert fields == ["code^10", "title^5", "body"]


def test_an_identifier_matches_exactly_and_first():
    search = body(build_search(backend().search_object(), request_for("ZH20260301-SCJGJ-0000123")))
    terms = [node["term"] for node in walk(search) if "term" in node]
    assert {"code_norm": {"value": "zh20260301scjgj0000123", "boost": 20}} in terms


def test_filters_facets_and_pages():
    request = request_for("许可", scope={"status": ("live",)}, filters={"department": ("WJJ",), "kind": ("guide",)},
                          facets=("kind", "department", "facet:service_object"), offset=20, limit=10)
    search = body(build_search(backend().search_object(), request))
    assert search["from"] == 20 and search["size"] == 10 and search["track_total_hits"] == 10_000
    assert {"terms": {"status": ["live"]}} in search["query"]["bool"]["filter"]
    # chosen facet values narrow the hits after counting, so each facet still offers its other values
    assert search["post_filter"]["bool"]["filter"] == [{"terms": {"department": ["WJJ"]}}, {"terms": {"kind": ["guide"]}}]
    assert search["aggs"]["department"]["filter"]["bool"]["filter"] == [{"terms": {"kind": ["guide"]}}]
    service_object = search["aggs"]["facet:service_object"]
    assert service_object["aggs"]["values"]["terms"] == {"field": "facet_values", "size": 50, "include": "service_object=.*"}


def test_suggestions_match_title_prefixes_and_code_prefixes_trimmed():
    parsed = query.parse("食品经", prefix=True)
    search = body(build_suggest(backend().search_object(), SearchRequest(query=parsed, principals=frozenset({"public"}),
                                                                         scope={"kind": ("guide",)}, limit=5)))
    should = search["query"]["bool"]["should"]
    assert {"match": {"title.prefix": {"query": "食品经"}}} in should
    assert {"terms": {"access": ["public"]}} in search["query"]["bool"]["filter"]
    assert search["size"] == 5


def test_a_whole_rebuild_fills_a_new_index_and_swaps_the_alias_atomically():
    es = backend()
    client = mock.MagicMock()
    client.indices.exists_alias.return_value = True
    client.indices.get_alias.return_value = {"yiwang-documents-old": {}}
    es.client = client
    documents = [SearchDocument(kind="guide", object_id=str(n), title=f"指南{n}", access=["public"]) for n in range(3)]
    with mock.patch("search.backends.elasticsearch.helpers.streaming_bulk",
                    side_effect=lambda client, actions, **kw: [(True, action) for action in actions]) as bulk:
        assert es.rebuild(iter(documents)) == 3
    new_index = client.indices.create.call_args.kwargs["index"]
    assert new_index.startswith("yiwang-documents-") and new_index != "yiwang-documents-old"
    actions = client.indices.update_aliases.call_args.kwargs["actions"]
    assert actions == [{"add": {"index": new_index, "alias": "yiwang-documents", "is_write_index": True}},
                       {"remove": {"index": "yiwang-documents-old", "alias": "yiwang-documents"}}]
    client.indices.delete.assert_called_with(index="yiwang-documents-old", ignore_unavailable=True)
    assert bulk.called


def test_writes_during_a_rebuild_reach_the_new_index_too():
    es = backend()
    es.client, es._ensured = mock.MagicMock(), True
    document = SearchDocument(kind="guide", object_id="1", title="指南", access=["public"])
    with mock.patch("search.backends.elasticsearch.cache.get", return_value="yiwang-documents-new"), \
            mock.patch("search.backends.elasticsearch.helpers.bulk") as bulk:
        es.write([document])
    assert [action["_index"] for action in bulk.call_args.args[1]] == ["yiwang-documents", "yiwang-documents-new"]


def test_when_elasticsearch_is_down_reads_fall_back_and_writes_wait(settings, backend_reset, market, committed, ask):
    from search import service
    from search.models import PendingWrite
    from tests.search.conftest import add_guide

    settings.YIWANG_SEARCH = {**settings.YIWANG_SEARCH, "BACKEND": "elasticsearch",
                              "ELASTICSEARCH_URL": "http://127.0.0.1:9"}
    with committed():
        guide = add_guide(market, "SCJGJ-001", "食品经营许可")
    assert PendingWrite.objects.filter(key=f"guide:{guide.pk}", target="elasticsearch").exists()
    assert not PendingWrite.objects.filter(target="database").exists()
    results = service.search("食品", principals={"public"})
    assert results.degraded and [hit.key for hit in results.hits] == [f"guide:{guide.pk}"]


@pytest.fixture
def backend_reset():
    from search.backends import _backend

    _backend.cache_clear()
    yield
    _backend.cache_clear()


@hypothesis_settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_any_text_builds_a_valid_query_body(text):
    search = body(build_search(backend().search_object(), request_for(text)))
    json.dumps(search)
    assert "query_string" not in json.dumps(search)


def test_what_a_record_issues_is_mapped_stored_and_boosted():
    properties = backend().template().to_dict()["template"]["mappings"]["properties"]
    assert properties["issues"]["type"] == "text" and properties["issues"]["analyzer"] == "yiwang_text"
    document = SearchDocument(kind="guide", object_id="1", title="企业设立登记", facets={"issues": ["营业执照"]},
                              access=["public"])
    assert source(document)["issues"] == ["营业执照"]
    search = body(build_search(backend().search_object(), request_for("营业执照")))
    # optional: it only raises the score of records that match the query's words anyway
    assert {"match_phrase": {"issues": {"query": "营业执照", "boost": 10}}} in search["query"]["bool"]["should"]
    assert search["query"]["bool"]["must"]


def test_a_short_query_is_also_read_as_an_abbreviation_of_a_title():
    properties = backend().template().to_dict()["template"]["mappings"]["properties"]
    chars = properties["title"]["fields"]["chars"]["analyzer"]
    analyzers = backend().template().to_dict()["template"]["settings"]["analysis"]["analyzer"]
    assert analyzers[chars] == {"type": "custom", "tokenizer": "standard", "filter": ["cjk_width", "lowercase"]}
    search = body(build_search(backend().search_object(), request_for("个体登记")))
    abbreviation = {"constant_score": {"filter": {"intervals": {"title.chars": {"match": {
        "query": "个体登记", "ordered": True, "max_gaps": 8}}}}, "boost": 5.0}}
    alternatives = search["query"]["bool"]["must"][0]["bool"]["should"]
    assert abbreviation in alternatives and len(alternatives) == 2  # the words, or the abbreviation
    long_query = body(build_search(backend().search_object(), request_for("个体工商户登记")))
    assert "intervals" not in json.dumps(long_query)
