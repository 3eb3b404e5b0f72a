"""Ranking a bounded set of candidates: BM25F over code, title and body, in Python.

Why not the engine's own ranking: SQLite's bm25() reads the whole document list of every
phrase in the query to compute its IDF. For 许可, in 98 % of the records, that is the whole
index on every query, however few records the caller may see — the p95 of 34–62 ms measured
before this design. PostgreSQL's ts_rank must fetch every matching row's vector. Instead,
the engines only *stream* matching row ids (cheap, and stopped early by a LIMIT), trimmed
inside the full-text expression; this module scores at most a few hundred of them, with
document frequencies counted once (capped) and remembered.

Which candidates (``backends.database``): every match when there are at most
``CANDIDATES``; otherwise the ``TIER`` newest matches in title or code and the ``TIER`` newest
matches anywhere, in the order of the rank key (kind priority, then arrival). Every match stays
reachable: the total counts them all (up to a cap), and pages past the ranked window continue
in rank-key order.
"""

import math
import threading
import time

from search import analysis

# Column weights: an identifier or a title naming the thing outweighs a mention in the text.
WEIGHTS = {"code": 10.0, "title": 5.0, "body": 1.0}
# Typical lengths in tokens; only their ratio to a document's own length matters.
AVERAGE_LENGTH = {"code": 2.0, "title": 10.0, "body": 150.0}
K1 = 1.2
B = 0.75
CANDIDATES = 120  # every match is ranked when there are at most this many
TIER = 100  # otherwise: this many newest title-or-code matches and this many newest matches anywhere
DF_CAP = 20_000
# Body text read per candidate for ranking: term frequency saturates long before the end of a
# long material, and reading all of it would cost more than the rest of the query.
BODY_CHARS = 2_000
# In relaxed matching a token in more than this share of the records is left out when other
# tokens remain (Elasticsearch's "common terms"): it would select everything and rank nothing.
COMMON_SHARE = 0.1
COMMON_MIN_RECORDS = 1_000  # a small index has no common words worth leaving out
STATISTICS_SECONDS = 600

_lock = threading.Lock()
_statistics: dict[tuple, tuple[float, int]] = {}


def clear_statistics() -> None:
    with _lock:
        _statistics.clear()


def remembered(key: tuple, compute) -> int:
    """A document frequency or total, computed at most once per ``STATISTICS_SECONDS``."""
    now = time.monotonic()
    with _lock:
        found = _statistics.get(key)
        if found and now - found[0] < STATISTICS_SECONDS:
            return found[1]
    value = compute()
    with _lock:
        if len(_statistics) > 50_000:
            _statistics.clear()
        _statistics[key] = (now, value)
    return value


def issued_text(facets) -> str:
    """A record's ``issues`` facet as ``score`` reads it: 营业执照|食品经营许可证, normalised."""
    names = (facets or {}).get("issues") or []
    return "|".join(analysis.normalize(name).replace(" ", "") for name in names)


def idf(document_frequency: int, total: int) -> float:
    total = max(total, document_frequency, 1)
    return math.log(1 + (total - document_frequency + 0.5) / (document_frequency + 0.5))


class Scorer:
    """Scores candidates for one parsed query, given the engine's document frequencies.

    Per concept, the best of its alternatives counts: the mean of its tokens' BM25F scores
    (so that a catalogue term of four words does not outweigh the user's own two), times the
    alternative's weight (own words above dictionary terms above lone sub-words), plus a bonus
    when the alternative appears in the title as one phrase (拿地即开工 in 拿地即开工一件事).
    Everything per query is worked out here once; ``score`` is one tight pass per candidate.
    """

    PHRASE_BONUS = 0.5
    # A concept naming what the record issues (its ``issues`` facet: 营业执照 for 企业设立登记)
    # counts as much again as a title match, twice: the item that issues a license comes first.
    ISSUES_BONUS = 2.0

    def __init__(self, parsed, document_frequency, total, relaxed: bool = False):
        groups = parsed.scoring_groups(relaxed)
        prefix_token = parsed.prefix_token()
        tokens = sorted({token for group in groups for alternative in group for token in alternative.tokens})
        if parsed.code and parsed.code not in tokens:
            tokens.append(parsed.code)
        position = {token: index for index, token in enumerate(tokens)}
        self.patterns = [" " + token if token == prefix_token else f" {token} " for token in tokens]
        self.weights = [idf(document_frequency(token), total) for token in tokens]
        self.groups = []
        for group in groups:
            specs = []
            for alternative in group:
                if not alternative.tokens:
                    continue
                indexes = [position[token] for token in alternative.tokens]
                phrase = analysis.normalize(alternative.text).replace(" ", "")
                if len(phrase) < 2 or alternative.tokens == (phrase,):
                    phrase = ""
                mean_idf = sum(self.weights[i] for i in indexes) / len(indexes)
                bonus = self.PHRASE_BONUS * WEIGHTS["title"] * mean_idf
                named = analysis.normalize(alternative.text).replace(" ", "")
                issued = (named if len(named) >= 2 else "", self.ISSUES_BONUS * WEIGHTS["title"] * mean_idf)
                specs.append((alternative.weight, indexes, phrase, bonus, issued))
            self.groups.append(specs)
        self.code_index = position.get(parsed.code) if parsed.code else None

    def score(self, code: str, title: str, body: str, issues: str = "") -> float:
        """``issues``: what the record issues, its names joined by a separator (``issued_text``)."""
        padded_code, padded_title, padded_body = f" {code} ", f" {title} ", f" {body} "
        norms = (
            1 - B + B * (padded_code.count(" ") - 1) / AVERAGE_LENGTH["code"],
            1 - B + B * (padded_title.count(" ") - 1) / AVERAGE_LENGTH["title"],
            1 - B + B * (padded_body.count(" ") - 1) / AVERAGE_LENGTH["body"],
        )
        columns = ((padded_code, WEIGHTS["code"], norms[0]), (padded_title, WEIGHTS["title"], norms[1]),
                   (padded_body, WEIGHTS["body"], norms[2]))
        terms = []
        for pattern, weight in zip(self.patterns, self.weights):
            value = 0.0
            for text, column_weight, norm in columns:
                frequency = text.count(pattern)
                if frequency:
                    value += column_weight * frequency * (K1 + 1) / (frequency + K1 * norm)
            terms.append(weight * value)
        compact_title = title.replace(" ", "")
        score = 0.0
        for specs in self.groups:
            best = 0.0
            for alternative_weight, indexes, phrase, bonus, (named, issued_bonus) in specs:
                value = sum(terms[i] for i in indexes) / len(indexes)
                if phrase and phrase in compact_title:
                    value += bonus
                if issues and named and named in issues:
                    value += issued_bonus
                value *= alternative_weight
                if value > best:
                    best = value
            score += best
        if self.code_index is not None and self.patterns[self.code_index] in padded_code:
            score += 2 * WEIGHTS["code"] * self.weights[self.code_index]
        return score
