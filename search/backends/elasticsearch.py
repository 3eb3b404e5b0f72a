"""The Elasticsearch backend, through the elasticsearch-dsl API (``elasticsearch.dsl``).

- One ``Document`` class per analyzer choice; an index template (``<prefix>-documents-*``)
  carries its settings and mappings, so every concrete index gets them.
- Chinese without plugins: the ``cjk`` choice (the default) is standard tokenizer +
  ``cjk_width`` + ``lowercase`` + ``cjk_bigram``. ``smartcn`` or ``ik`` when
  ``YIWANG_SEARCH["ELASTICSEARCH_ANALYZER"]`` names them (the plugin must be installed).
- Readers and writers use the alias ``<prefix>-documents``; ``rebuild`` fills a new
  concrete index and swaps the alias in one atomic action, then drops the old index: no
  moment without an index. Writes made during a rebuild go to both.
- Trimming is a ``terms`` filter on ``access``; filters and facets are keyword fields.
- User text reaches Elasticsearch only inside ``match``/``multi_match`` queries (analysed,
  never parsed) or as an exact ``term``; never ``query_string``.
- Synonyms: the query arrives already expanded from the same dictionary the database
  backend uses (``search.synonyms``), so an administrator's edit applies to both at once,
  with no analyzer reload.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.core.cache import cache
from django.utils import timezone
from elasticsearch import Elasticsearch, helpers
from elasticsearch.dsl import (
    Date,
    Document,
    Index,
    Integer,
    Keyword,
    Q,
    Search,
    Text,
    analyzer,
    token_filter,
)

from search import abbreviations, analysis
from search import documents as registry
from search.backends.base import TOTAL_CAP, Hit, SearchBackend, SearchRequest, SearchResults

logger = logging.getLogger(__name__)

ANALYZERS = ("cjk", "smartcn", "ik")
FIELD_BOOSTS = ("code^10", "title^5", "body")
# An abbreviation's constant score: one title weight, below a title match of the words (their
# BM25 score times 5), about a body match.
ABBREVIATION_BOOST = 5.0
ISSUES_BOOST = 10  # twice the title's: ``ranking.Scorer.ISSUES_BONUS`` of the database backend
REBUILD_TARGET_KEY = "search:elasticsearch:rebuild-target"


def text_analyzers(choice: str):
    """(index analyzer, search analyzer) for the configured choice."""
    if choice == "smartcn":
        chosen = analyzer("yiwang_text", tokenizer="smartcn_tokenizer", filter=["cjk_width", "lowercase"])
        return chosen, chosen
    if choice == "ik":
        return (
            analyzer("yiwang_text", tokenizer="ik_max_word", filter=["cjk_width", "lowercase"]),
            analyzer("yiwang_text_search", tokenizer="ik_smart", filter=["cjk_width", "lowercase"]),
        )
    if choice != "cjk":
        raise ValueError(f"ELASTICSEARCH_ANALYZER must be one of {', '.join(ANALYZERS)}, not {choice!r}")
    chosen = analyzer("yiwang_text", tokenizer="standard", filter=["cjk_width", "lowercase", "cjk_bigram"])
    return chosen, chosen


PREFIX_INDEX = analyzer(
    "yiwang_prefix",
    tokenizer="keyword",
    filter=["cjk_width", "lowercase", token_filter("yiwang_edge", "edge_ngram", min_gram=1, max_gram=20)],
)
PREFIX_SEARCH = analyzer("yiwang_prefix_search", tokenizer="keyword", filter=["cjk_width", "lowercase"])
# One token per Chinese character (the standard tokenizer's way with ideographs), whatever the
# text analyzer: ``title.chars`` serves abbreviations (``abbreviation_query``).
CHARACTERS = analyzer("yiwang_chars", tokenizer="standard", filter=["cjk_width", "lowercase"])

_document_classes: dict[str, type] = {}


def document_class(choice: str = "cjk"):
    """The ``Document`` class whose text fields use the chosen analyzer."""
    if choice in _document_classes:
        return _document_classes[choice]
    index_analyzer, search_analyzer = text_analyzers(choice)

    def text(**extra):
        return Text(analyzer=index_analyzer, search_analyzer=search_analyzer, **extra)

    attributes = {
        "key": Keyword(),
        "kind": Keyword(),
        "object_id": Keyword(),
        "priority": Integer(),
        "code": text(fields={"norm": Keyword()}),
        "code_norm": Keyword(),
        "title": text(fields={"prefix": Text(analyzer=PREFIX_INDEX, search_analyzer=PREFIX_SEARCH),
                              "chars": Text(analyzer=CHARACTERS)}),
        "body": text(),
        "department": Keyword(),
        "status": Keyword(),
        "year": Keyword(),
        "date": Date(),
        "url": Keyword(index=False),
        "facet_values": Keyword(),  # "name=value", one per facet value
        "issues": text(),  # what the record issues (营业执照): a query naming it ranks the record first
        "access": Keyword(),
        "checksum": Keyword(index=False),
        "__module__": __name__,
    }
    cls = type(f"SearchRecord_{choice}", (Document,), attributes)
    _document_classes[choice] = cls
    return cls


def source(document) -> dict:
    """A ``SearchDocument`` as stored in Elasticsearch."""
    when = document.date
    if when is not None and not isinstance(when, datetime):
        when = datetime.combine(when, datetime.min.time())
    if when is not None and timezone.is_naive(when):
        when = timezone.make_aware(when)
    return {
        "key": document.key,
        "kind": document.kind,
        "object_id": document.object_id,
        "priority": registry.priority(document.kind),
        "code": document.code,
        "code_norm": analysis.normalize_code(document.code) if document.code else "",
        "title": document.title,
        "body": document.body,
        "department": document.department,
        "status": document.status,
        "year": str(timezone.localtime(when).year) if when else "",
        "date": when.isoformat() if when else None,
        "url": document.url,
        "facet_values": [f"{name}={value}" for name, values in document.facets.items() for value in values],
        "issues": list(document.facets.get("issues") or []),
        "access": list(document.access),
        "checksum": document.checksum,
    }


def _field(dimension: str) -> tuple[str, str]:
    """(field, value prefix) a filter or facet dimension lives in."""
    if dimension.startswith("facet:"):
        return "facet_values", dimension.split(":", 1)[1] + "="
    return dimension, ""


def dimension_filter(dimension: str, values) -> Q:
    field, prefix = _field(dimension)
    return Q("terms", **{field: [prefix + value for value in values]})


def trimming_filter(principals) -> Q:
    return Q("terms", access=sorted(principals))


def concept_query(concept) -> Q:
    """One concept: any of its phrasings, each with all its words, in code, title or body."""
    options = [
        Q("multi_match", query=alternative.text, fields=list(FIELD_BOOSTS), type="best_fields", operator="and")
        for alternative in concept.alternatives
    ]
    return options[0] if len(options) == 1 else Q("bool", should=options, minimum_should_match=1)


def abbreviation_query(parsed) -> Q | None:
    """A short query (2–4 Chinese characters, ``search.abbreviations``) as an abbreviation: its
    characters in order in ``title.chars`` with at most ``max_gaps`` characters between them
    (an ``intervals`` query), at a constant score below what a title holding the words gets."""
    short = abbreviations.shape(parsed.text)
    if not short:
        return None
    rule = {"match": {"query": short, "ordered": True, "max_gaps": abbreviations.max_gaps(short)}}
    return Q("constant_score", filter=Q("intervals", **{"title.chars": rule}), boost=ABBREVIATION_BOOST)


def text_query(parsed, relaxed: bool = False) -> Q | None:
    if parsed.is_empty:
        return None
    if relaxed:
        phrases = [alternative.text for concept in parsed.concepts for alternative in concept.alternatives]
        query = Q("multi_match", query=" ".join(phrases), fields=list(FIELD_BOOSTS), operator="or") if phrases else None
    else:
        required = parsed.required()
        query = None
        if required:
            queries = [concept_query(concept) for concept in required]
            query = queries[0] if len(queries) == 1 else Q("bool", must=queries)
    abbreviation = abbreviation_query(parsed)
    if abbreviation is not None:
        query = abbreviation if query is None else Q("bool", should=[query, abbreviation], minimum_should_match=1)
    if parsed.code:
        exact = Q("term", code_norm={"value": parsed.code, "boost": 20})
        query = exact if query is None else Q("bool", should=[exact, query], minimum_should_match=1)
    return query


def issues_boosts(parsed) -> list[Q]:
    """Optional clauses: a concept's phrasing found as a phrase in what a record issues (its
    ``issues`` field: 营业执照 for 企业设立登记) adds twice a title's weight, as the database
    backend's ``ranking.Scorer.ISSUES_BONUS`` does, so the item that issues a license comes first."""
    phrases = []
    for concept in parsed.concepts:
        for alternative in concept.alternatives:
            phrase = analysis.normalize(alternative.text).replace(" ", "")
            if len(phrase) >= 2 and phrase not in phrases:
                phrases.append(phrase)
    return [Q("match_phrase", issues={"query": phrase, "boost": ISSUES_BOOST}) for phrase in phrases]


def build_search(search: Search, request: SearchRequest, relaxed: bool = False) -> Search:
    """The request as an elasticsearch-dsl ``Search``: trimmed, filtered, faceted, paged."""
    query = text_query(request.query, relaxed)
    boosts = issues_boosts(request.query) if query is not None else []
    filters = [trimming_filter(request.principals)]
    filters += [dimension_filter(d, v) for d, v in sorted(request.scope.items())]
    faceted = {d: v for d, v in request.filters.items() if v and d in request.facets}
    filters += [dimension_filter(d, v) for d, v in sorted(request.filters.items()) if v and d not in faceted]
    clauses = {"should": boosts} if boosts else {}
    search = search.query(Q("bool", must=[query] if query is not None else [], filter=filters, **clauses))
    if faceted:
        # Disjunctive facets: a facet's own choice narrows the hits, never its own counts.
        search = search.post_filter(Q("bool", filter=[dimension_filter(d, v) for d, v in sorted(faceted.items())]))
    for dimension in request.facets:
        others = [dimension_filter(d, v) for d, v in sorted(faceted.items()) if d != dimension]
        field, prefix = _field(dimension)
        terms = {"field": field, "size": 50}
        if prefix:
            terms["include"] = _escape_regexp(prefix) + ".*"
        search.aggs.bucket(dimension, "filter", filter=Q("bool", filter=others)).bucket("values", "terms", **terms)
    newest = {"date": {"order": "desc", "missing": "_last"}}
    search = search.sort(*([] if query is None else ["_score"]), {"priority": "desc"}, newest)
    search = search.extra(track_total_hits=TOTAL_CAP, from_=request.offset, size=request.limit)
    return search.source(excludes=["checksum"])


def _escape_regexp(text: str) -> str:
    """Lucene's regular-expression operators, taken literally."""
    return "".join("\\" + char if char in '.?+*|{}[]()"\\#@&<>~' else char for char in text)


def build_suggest(search: Search, request: SearchRequest) -> Search:
    parsed = request.query
    typed = analysis.normalize(parsed.text)
    options = [Q("match", **{"title.prefix": {"query": typed}})]
    if parsed.text:
        options.append(Q("prefix", code_norm={"value": analysis.normalize_code(parsed.text)}))
    filters = [trimming_filter(request.principals)]
    filters += [dimension_filter(d, v) for d, v in sorted({**request.scope, **request.filters}.items()) if v]
    search = search.query(Q("bool", should=options, minimum_should_match=1, filter=filters))
    fields = ["key", "kind", "object_id", "code", "title", "url"]
    return search.sort("_score", {"priority": "desc"}).extra(size=request.limit).source(fields)


class ElasticsearchBackend(SearchBackend):
    name = "elasticsearch"

    def __init__(self, options: dict):
        super().__init__(options)
        self.client = Elasticsearch(
            options["ELASTICSEARCH_URL"], request_timeout=5, retry_on_timeout=False, max_retries=0
        )
        self.prefix = options.get("INDEX_PREFIX") or "yiwang"
        self.analyzer = options.get("ELASTICSEARCH_ANALYZER") or "cjk"
        self.document_class = document_class(self.analyzer)
        self._ensured = False

    # --- Index layout ------------------------------------------------------------------

    @property
    def alias(self) -> str:
        return f"{self.prefix}-documents"

    def index_definition(self, name: str | None = None) -> Index:
        index = Index(name or f"{self.alias}-template")
        index.settings(number_of_shards=1, number_of_replicas=0, max_result_window=TOTAL_CAP)
        index.document(self.document_class)
        return index

    def template(self):
        return self.index_definition().as_composable_template(self.alias, pattern=f"{self.alias}-*", priority=100)

    def ensure_index(self) -> None:
        """The template, and an index behind the alias if there is none yet (once per process)."""
        if self._ensured:
            return
        template = self.template()
        self.client.indices.put_index_template(name=self.alias, **template.to_dict())
        if not self.client.indices.exists_alias(name=self.alias):
            self._create_index(alias=True)
        self._ensured = True

    def _create_index(self, alias: bool) -> str:
        name = f"{self.alias}-{timezone.now():%Y%m%d%H%M%S%f}"
        body = {"aliases": {self.alias: {"is_write_index": True}}} if alias else {}
        self.client.indices.create(index=name, **body)
        return name

    def health(self) -> dict:
        health = self.client.cluster.health()
        if health["status"] == "red":
            raise RuntimeError("cluster status is red")
        return {"cluster": health["cluster_name"], "cluster_status": health["status"], "analyzer": self.analyzer}

    # --- Writing -----------------------------------------------------------------------

    @property
    def _refresh(self):
        """Tests ask for writes to be searchable at once (``REFRESH``); production lets ES batch."""
        return "wait_for" if self.options.get("REFRESH") else False

    def _write_targets(self) -> list[str]:
        targets = [self.alias]
        rebuilding = cache.get(REBUILD_TARGET_KEY)
        if rebuilding:
            targets.append(rebuilding)
        return targets

    def write(self, documents) -> None:
        self.ensure_index()
        actions = [
            {"_op_type": "index", "_index": target, "_id": document.key, "_source": source(document)}
            for document in documents
            for target in self._write_targets()
        ]
        if actions:
            helpers.bulk(self.client, actions, refresh=self._refresh)

    def delete(self, keys) -> None:
        actions = [
            {"_op_type": "delete", "_index": target, "_id": key} for key in keys for target in self._write_targets()
        ]
        if actions:
            helpers.bulk(self.client, actions, raise_on_error=False, refresh=self._refresh)

    def checksums(self, kind=None) -> dict[str, str]:
        query = {"query": {"term": {"kind": kind}}} if kind else {"query": {"match_all": {}}}
        query["_source"] = ["key", "checksum"]
        return {
            hit["_source"]["key"]: hit["_source"].get("checksum", "")
            for hit in helpers.scan(self.client, index=self.alias, query=query)
        }

    def rebuild(self, documents, kind=None, progress=None) -> int:
        """A whole rebuild fills a new index and swaps the alias; one kind is rewritten in place."""
        self.ensure_index()
        if kind:
            return self._rebuild_in_place(documents, kind, progress)
        new_index = self._create_index(alias=False)
        cache.set(REBUILD_TARGET_KEY, new_index, 6 * 3600)
        try:
            written = 0
            for ok, _info in helpers.streaming_bulk(
                self.client,
                ({"_op_type": "index", "_index": new_index, "_id": d.key, "_source": source(d)} for d in documents),
                chunk_size=1000,
            ):
                written += 1
                if progress and written % 1000 == 0:
                    progress(1000)
            if progress:
                progress(written % 1000)
            old = list(self.client.indices.get_alias(name=self.alias))
            actions = [{"add": {"index": new_index, "alias": self.alias, "is_write_index": True}}]
            actions += [{"remove": {"index": name, "alias": self.alias}} for name in old]
            self.client.indices.update_aliases(actions=actions)
            for name in old:
                self.client.indices.delete(index=name, ignore_unavailable=True)
        except Exception:
            self.client.indices.delete(index=new_index, ignore_unavailable=True)
            raise
        finally:
            cache.delete(REBUILD_TARGET_KEY)
        return written

    def _rebuild_in_place(self, documents, kind, progress):
        seen, batch, written = set(), [], 0
        for document in documents:
            batch.append(document)
            if len(batch) >= 1000:
                self.write(batch)
                seen.update(d.key for d in batch)
                written += len(batch)
                if progress:
                    progress(len(batch))
                batch = []
        if batch:
            self.write(batch)
            seen.update(d.key for d in batch)
            written += len(batch)
            if progress:
                progress(len(batch))
        orphans = [key for key in self.checksums(kind) if key not in seen]
        if orphans:
            self.delete(orphans)
        return written

    # --- Querying ----------------------------------------------------------------------

    def search_object(self) -> Search:
        return Search(using=self.client, index=self.alias)

    def search(self, request: SearchRequest) -> SearchResults:
        if not request.principals:
            return SearchResults.empty(self.name)
        response = build_search(self.search_object(), request).execute()
        relaxed = False
        if not response.hits and not request.query.is_empty:
            response = build_search(self.search_object(), request, relaxed=True).execute()
            relaxed = True
        total = response.hits.total
        results = SearchResults(
            hits=[_hit(hit) for hit in response.hits],
            total=total.value,
            total_is_exact=total.relation == "eq",
            relaxed=relaxed,
            backend=self.name,
        )
        if request.facets:
            results.facets = {
                dimension: [
                    (bucket.key[len(_field(dimension)[1]):], bucket.doc_count)
                    for bucket in response.aggregations[dimension]["values"].buckets
                ]
                for dimension in request.facets
            }
        return results

    def suggest(self, request: SearchRequest) -> list[Hit]:
        if not request.principals or request.query.is_empty:
            return []
        response = build_suggest(self.search_object(), request).execute()
        return [_hit(hit) for hit in response.hits]


def _hit(hit) -> Hit:
    data = hit.to_dict()
    date = data.get("date")
    return Hit(
        key=data.get("key", ""),
        kind=data.get("kind", ""),
        object_id=data.get("object_id", ""),
        code=data.get("code", ""),
        title=data.get("title", ""),
        url=data.get("url", ""),
        score=float(hit.meta.score or 0.0),
        department=data.get("department", ""),
        status=data.get("status", ""),
        date=datetime.fromisoformat(date) if isinstance(date, str) else date,
        facets=_facets(data.get("facet_values", [])),
        body=data.get("body", ""),
    )


def _facets(values) -> dict:
    facets: dict[str, list[str]] = {}
    for value in values:
        name, _, item = value.partition("=")
        facets.setdefault(name, []).append(item)
    return facets
