"""When no record contains the user's words: records that share characters with them.

A query whose words match nothing, strictly or relaxed (想开一家火锅店: no record says 火锅),
is read the way an Elasticsearch ``cjk`` bigram analyzer reads text: its single characters and
each adjacent pair (火, 锅, 店, 火锅, 锅店 …). The database backend scans the trimmed scope (the
page's own collection, at most ``SCAN`` records, newest first) and ranks the records by the
characters and pairs they share, rare ones counting more (their rarity taken over that scope).
Function-word characters (想, 要, 一 …) are left out, and a record must share a pair or at
least two distinct characters: one common character alone is no reason to show anything.

Results found this way are flagged (``SearchResults.fallback``) so the page says what they are.
"""

import math

from search import analysis
from search.query import STOPWORDS

# Records looked at at most: the public catalogue is a few hundred; a workbench's case files are
# many more, and there the newest are the ones that matter.
SCAN = 2_000
SCAN_BODY_CHARS = 600
TITLE, BODY = 3.0, 1.0
PAIR = 2.0  # an adjacent pair shared says more than its characters apart
# Characters that never carry a subject on their own (besides the one-character stopwords).
_FUNCTION_CHARACTERS = frozenset("一个家些点下上里么了着过的得地")
_SKIP = _FUNCTION_CHARACTERS | {word for word in STOPWORDS if len(word) == 1}


def grams(text: str) -> tuple[list[str], list[str]]:
    """(characters, adjacent pairs) of the CJK runs of ``text``, function characters left out."""
    characters, pairs = [], []
    for run in analysis.normalize(text[: analysis.MAX_QUERY_CHARS]).split():
        run = "".join(char for char in run if analysis.is_cjk(char))
        for index, char in enumerate(run):
            if char not in _SKIP and char not in characters:
                characters.append(char)
            pair = run[index : index + 2]
            if len(pair) == 2 and not set(pair) <= _SKIP and pair not in pairs:
                pairs.append(pair)
    return characters, pairs


def rank(text: str, rows, total: int | None = None) -> list[tuple[float, object]]:
    """``rows``: (key, title, body). The rows sharing enough with ``text``, best first, scored.

    One pass over the rows finds the grams each holds (in its title, else in its body); the
    grams' rarity is counted from the same pass, among ``total`` records (``rows`` may leave out
    those holding none of the characters; by default there are no others)."""
    characters, pairs = grams(text)
    if not characters:
        return []
    grams_ = characters + pairs
    frequency = dict.fromkeys(grams_, 0)
    holding = []
    for key, title, body in rows:
        title = title.replace(" ", "")
        body = body.replace(" ", "")[:SCAN_BODY_CHARS]
        in_title = [gram for gram in grams_ if gram in title]
        in_body = [gram for gram in grams_ if gram not in in_title and gram in body]
        for gram in in_title + in_body:
            frequency[gram] += 1
        if in_title or in_body:
            holding.append((key, in_title, in_body))
    total = len(rows) if total is None else total
    weight = {gram: math.log(1 + (total - frequency[gram] + 0.5) / (frequency[gram] + 0.5))
              * (PAIR if len(gram) == 2 else 1.0) for gram in grams_}
    ranked = []
    for key, in_title, in_body in holding:
        shared = in_title + in_body
        if not any(len(gram) == 2 for gram in shared) and len(shared) < 2:
            continue
        score = sum(weight[gram] for gram in in_title) * TITLE + sum(weight[gram] for gram in in_body) * BODY
        ranked.append((score, key))
    ranked.sort(key=lambda item: -item[0])
    return ranked
