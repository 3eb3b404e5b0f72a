"""Searching, as views, commands and APIs call it: always as someone, always trimmed.

``search(text, user=…)`` parses the text with the everyday-words dictionary, asks the
configured backend, and when Elasticsearch cannot answer asks the database backend instead
and says so (``results.degraded``). Nothing raises on bad input: the worst text gives an
empty list.
"""

import logging
from dataclasses import replace

from search import documents as registry
from search import query as query_module
from search import synonyms, thesaurus, trimming
from search.backends import database_backend, get_backend
from search.backends.base import TOTAL_CAP, SearchRequest, SearchResults

logger = logging.getLogger(__name__)

MAX_PER_PAGE = 50


def parse(text: str, prefix: bool = False):
    return query_module.parse(text or "", synonyms.current(), prefix=prefix)


def _principals(user, principals):
    if principals is not None:
        return frozenset(principals)
    return trimming.principals_for(user)


def _ask(method, *args):
    """The configured backend, or the database backend (degraded) when that one fails."""
    backend = get_backend()
    try:
        return getattr(backend, method)(*args), False
    except Exception:
        if backend.name == "database":
            raise
        logger.exception("search: the %s backend failed; answering from the database index", backend.name)
        return getattr(database_backend(), method)(*args), True


def _clean(values_by_dimension) -> dict[str, tuple[str, ...]]:
    cleaned = {}
    for dimension, values in (values_by_dimension or {}).items():
        values = tuple(str(value)[:100] for value in values if value not in (None, ""))
        if values:
            cleaned[dimension] = values
    return cleaned


def _request(parsed, user, principals, kinds, scope, filters, **extra):
    """None when the kinds asked for cannot exist: nothing to search."""
    scope = _clean(scope)
    if kinds:
        known = set(registry.kinds())
        chosen = tuple(kind for kind in kinds if kind in known)
        if not chosen:
            return None
        scope["kind"] = chosen
    return SearchRequest(query=parsed, principals=_principals(user, principals), scope=scope,
                         filters=_clean(filters), **extra)


def search(text="", *, user=None, principals=None, kinds=(), scope=None, filters=None, page=1, per_page=10,
           facets=(), count=True) -> SearchResults:
    """Trimmed, ranked results; ``page`` counts from 1.

    ``kinds`` and ``scope`` bound what this caller searches at all (a page's own limits);
    ``filters`` are the visitor's facet choices.
    """
    text, private = registry.private_terms(text or "")
    if private:  # e.g. a whole identity number: found by its token, never as words of the text
        scope = {**(scope or {}), **{f"facet:{name}": values for name, values in private.items()}}
    parsed = parse(text)
    per_page = max(1, min(int(per_page), MAX_PER_PAGE))
    offset = min((max(1, int(page)) - 1) * per_page, TOTAL_CAP)
    request = _request(parsed, user, principals, kinds, scope, filters, offset=offset, limit=per_page,
                       facets=tuple(facets), count=count)
    if request is None or (parsed.is_empty and text.strip() and not private):
        # Text with no letters or digits (``*``, ``?``, a quote): ordinary characters that match nothing,
        # never the empty query that lists everything.
        results = SearchResults.empty(get_backend().name)
    else:
        if not parsed.is_empty:
            # Words' cilin synonyms that the index holds (the database index: every backend writes it).
            parsed = thesaurus.expand(parsed, database_backend().vocabulary(request.scope))
            request = replace(request, query=parsed)
        results, degraded = _ask("search", request)
        results.degraded = degraded
    results.query = parsed
    return results


def suggest(text, *, user=None, principals=None, kinds=(), scope=None, limit=8):
    parsed = parse(text, prefix=True)
    request = _request(parsed, user, principals, kinds, scope, None, limit=max(1, min(limit, 20)))
    if request is None or parsed.is_empty:
        return []
    hits, _degraded = _ask("suggest", request)
    return hits
