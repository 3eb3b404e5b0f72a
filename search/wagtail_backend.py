"""Wagtail's own search (the admin's page, document and snippet search) made to read Chinese.

Wagtail's database backend stores text as it comes, so its FTS5 table (or PostgreSQL's
parser) keeps 食品经营许可（新办） as one token and an editor searching 食品 finds nothing.
This backend is Wagtail's own (``modelsearch.backends.database``, whichever engine the
database has) with two changes, and nothing copied from it:

- after Wagtail writes an object's index entry, the entry is written again from an indexer
  whose every value is segmented by rjieba (``search.analysis.segment``);
- every query string is segmented the same way before Wagtail compiles it, so that only
  tokens of letters and digits reach FTS5 or tsquery, at most ``MAX_QUERY_TERMS`` of them.

Settings: ``WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "search.wagtail_backend"}}``.
"""

from django.utils.encoding import force_str
from modelsearch.backends.database import SearchBackend as database_search_backend
from modelsearch.conf import get_app_config
from modelsearch.query import MATCH_NONE, And, Boost, Not, Or, Phrase, PlainText
from modelsearch.utils import get_content_type_pk

from search import analysis

# Tokens per query: Wagtail ANDs them into one expression, and a pasted paragraph would
# otherwise become an expression FTS5's parser cannot hold.
MAX_QUERY_TERMS = 32


def segmented(text) -> str:
    return analysis.segment(force_str(text or ""))


def segmented_query(query):
    """The same query with every piece of user text segmented (Wagtail's query classes kept).

    A piece that segments to nothing (``&``, ``:*``) is dropped rather than handed to the
    compiler as an empty lexeme; a query with nothing left matches nothing.
    """
    budget = [MAX_QUERY_TERMS]
    if isinstance(query, str):
        return _tokens(query, budget)
    result = _segmented(query, budget)
    return MATCH_NONE if result is None else result


def _tokens(text, budget) -> str:
    tokens = analysis.index_tokens(force_str(text or ""), analysis.MAX_QUERY_CHARS)[: budget[0]]
    budget[0] -= len(tokens)
    return " ".join(tokens)


def _segmented(query, budget):
    """``query`` segmented within ``budget`` tokens; None when no user text is left in it."""
    if isinstance(query, PlainText):
        text = _tokens(query.query_string, budget)
        return PlainText(text, operator=query.operator, boost=query.boost) if text else None
    if isinstance(query, Phrase):
        text = _tokens(query.query_string, budget)
        return Phrase(text) if text else None
    if isinstance(query, Boost):
        subquery = _segmented(query.subquery, budget)
        return None if subquery is None else Boost(subquery, query.boost)
    if isinstance(query, (And, Or)):
        subqueries = [sub for sub in (_segmented(sub, budget) for sub in query.subqueries) if sub is not None]
        if not subqueries:
            return None
        return subqueries[0] if len(subqueries) == 1 else type(query)(subqueries)
    if isinstance(query, Not):
        subquery = _segmented(query.subquery, budget)
        return None if subquery is None else Not(subquery)
    return query


def _segmenting_indexer(base):
    class SegmentingIndexer(base):
        def prepare_value(self, value):
            return segmented(super().prepare_value(value))

    return SegmentingIndexer


def _segmenting_index(base_index, engine_module):
    """The engine's index class, rewriting each entry from a segmenting indexer after Wagtail's write."""
    indexer_class = _segmenting_indexer(engine_module.ObjectIndexer)
    vector_fields = engine_module.__name__.endswith("postgres")

    class SegmentingIndex(base_index):
        def add_items(self, model, objs):
            objs = list(objs)
            super().add_items(model, objs)
            if not model.get_search_fields():
                return
            entries = get_app_config().get_model("IndexEntry")._default_manager
            content_type = get_content_type_pk(model)
            for obj in objs:
                indexer = indexer_class(obj, self.backend)
                values = {"title": indexer.title, "body": indexer.body, "autocomplete": indexer.autocomplete}
                if vector_fields:
                    values.update(title_text=indexer.title_text, body_text=indexer.body_text)
                entries.filter(content_type_id=content_type, object_id=indexer.id).update(**values)

    return SegmentingIndex


def SearchBackend(params):  # noqa: N802 — the name Wagtail looks up in a backend module
    stock = database_search_backend(params)
    base = type(stock)
    module = __import__(base.__module__, fromlist=["ObjectIndexer"])
    if not hasattr(module, "ObjectIndexer"):
        return stock  # the plain LIKE fallback has no index to segment

    class ChineseSearchBackend(base):
        index_class = _segmenting_index(base.index_class, module)

        def _search(self, query_compiler_class, query, model_or_queryset, **kwargs):
            return super()._search(query_compiler_class, segmented_query(query), model_or_queryset, **kwargs)

    ChineseSearchBackend.__name__ = f"Chinese{base.__name__}"
    return ChineseSearchBackend(params)
