"""Chinese text analysis: the same normalising and segmenting at index time and at query time.

Stock full-text engines split text at spaces and punctuation, so a run of Chinese characters
(食品经营许可证核发) becomes one token and a search for 食品 finds nothing. Text is therefore
segmented by rjieba in search mode (许可证 → 许可, 许可证) before it is stored, and queries
the same way, so that both sides speak in the same words.

Every token that leaves this module consists of letters and digits only: whatever else a user
types (quotes, brackets, ``*``, ``NEAR(``, control characters, emoji) is a separator here and
so can never reach a query parser.
"""

import re
import unicodedata

import rjieba

# Punctuation, symbols, spaces, control characters and the underscore: everything but letters,
# marks-free digits and CJK. Replaced by a space before segmenting, so they only ever separate.
_SEPARATORS = re.compile(r"[\W_]+")
_DIGITS_OR_LATIN = re.compile(r"^[0-9a-z]+$")

# Longest text looked at per query. Queries are a few words; a pasted page gets its opening.
MAX_QUERY_CHARS = 256
# Longest text indexed per field: enough for the extracted text of a long material.
MAX_FIELD_CHARS = 60_000


def normalize(text: str) -> str:
    """Full-width to half-width, compatibility forms folded, lower case, separators to spaces."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text).lower()
    return _SEPARATORS.sub(" ", text).strip()


def _clean(tokens):
    """The tokens without the blanks between them (rjieba gives a space its own token)."""
    return " ".join(tokens).split()


def index_tokens(text: str, limit: int = MAX_FIELD_CHARS) -> list[str]:
    """Tokens to store for ``text``: search-mode segmentation (words and their sub-words)."""
    return _clean(rjieba.cut_for_search(normalize(text[:limit])))


def segment(text: str, limit: int = MAX_FIELD_CHARS) -> str:
    """``text`` as space-separated tokens, the form the full-text tables store."""
    return " ".join(index_tokens(text, limit))


def words(text: str, hmm: bool = True) -> list[str]:
    """The words of a query (precise mode): 食品经营许可证 → 食品, 经营, 许可证.

    ``hmm=False`` keeps to the dictionary's words, leaving unknown characters single.
    """
    return _clean(rjieba.cut(normalize(text[:MAX_QUERY_CHARS]), hmm))


def search_tokens(word: str) -> list[str]:
    """A query word with its sub-words (search mode): 许可证 → 许可, 许可证."""
    return _clean(rjieba.cut_for_search(word))


def is_cjk(token: str) -> bool:
    return any("\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff" for char in token)


def normalize_code(code: str) -> str:
    """An identifier as people type it in any form: ``440400-0001/XK`` → ``4404000001xk``."""
    return normalize(code).replace(" ", "")


def code_tokens(code: str) -> list[str]:
    """What the code column stores: the whole code without separators, and its parts."""
    if not code:
        return []
    parts = normalize(code).split()
    whole = "".join(parts)
    return [whole] + [part for part in parts if part != whole]


def looks_like_code(text: str) -> bool:
    """A query that is an identifier (case number, license number, item code) rather than words."""
    compact = normalize_code(text[:MAX_QUERY_CHARS])
    return len(compact) >= 6 and any(char.isdigit() for char in compact) and bool(_DIGITS_OR_LATIN.match(compact))


def segment_fields(fields) -> tuple[str, str, str]:
    """(code, title, body) as the full-text tables store them."""
    code, title, body = fields
    return " ".join(code_tokens(code)), segment(title), segment(body)
