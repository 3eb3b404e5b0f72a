"""Abbreviations (简称): a short query whose characters appear in order in a title.

People shorten a name by keeping a character or two of each word: 社会保险 → 社保,
个体工商户登记 → 个体登记, 食品经营许可 → 食经许可. Rather than a list of such names, a query of
``MIN_CHARS``–``MAX_CHARS`` Chinese characters (nothing else, no spaces) is read as a possible
abbreviation: a title holding its characters in order (an ordered subsequence), with at most
``MAX_GAP_SHARE`` × its length characters skipped in between, matches it. The tighter the
title holds them (characters of the query / length of the stretch of title they span), the
better.

Cheap by construction: only short queries, titles only, and (database backend) only when the
words matched fewer than ``FILL_BELOW`` records strictly — where an abbreviation is what the
user meant — over at most ``SCAN`` records of the trimmed scope, catalogue pages first. An
abbreviation match counts ``WEIGHT`` times what a title holding the query's own words would
score, so a true word match always ranks above it.

Elasticsearch builds the equivalent ``intervals`` query (``search.backends.elasticsearch``).
"""

from search import analysis

MIN_CHARS, MAX_CHARS = 2, 4
MAX_GAP_SHARE = 2  # a query of n characters may skip up to 2n title characters in between
SCAN = 1_000
WEIGHT = 0.5


def shape(text: str) -> str:
    """The query as an abbreviation (its characters), or "" when it cannot be one."""
    compact = analysis.normalize(text or "")
    if not MIN_CHARS <= len(compact) <= MAX_CHARS or not all(analysis.is_cjk(char) for char in compact):
        return ""
    return compact


def max_gaps(abbreviation: str) -> int:
    return MAX_GAP_SHARE * len(abbreviation)


def span(abbreviation: str, title: str) -> int:
    """The length of the shortest stretch of ``title`` holding ``abbreviation``'s characters in
    order, skipping at most ``max_gaps`` characters; 0 when there is none."""
    if not abbreviation:
        return 0
    limit = len(abbreviation) + max_gaps(abbreviation)
    best = 0
    start = title.find(abbreviation[0])
    while start != -1:
        position = start
        for char in abbreviation[1:]:
            position = title.find(char, position + 1, start + limit)
            if position == -1:
                break
        else:
            length = position - start + 1
            if not best or length < best:
                best = length
        start = title.find(abbreviation[0], start + 1)
    return best


def rank(abbreviation: str, rows) -> list[tuple[float, object]]:
    """``rows``: (key, title). Those whose title holds the abbreviation, as (tightness, key), best first.

    Titles may be given segmented (spaces between words are ignored)."""
    found = []
    for key, title in rows:
        length = span(abbreviation, (title or "").replace(" ", ""))
        if length:
            found.append((len(abbreviation) / length, key))
    found.sort(key=lambda item: -item[0])
    return found
