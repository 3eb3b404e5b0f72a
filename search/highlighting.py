"""Highlighted titles and snippets: everything escaped except our own ``<mark>`` tags."""

import re
import unicodedata

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

SNIPPET_CHARS = 160
LEAD_CHARS = 30


def _pattern(terms):
    terms = [term for term in terms if term]
    if not terms:
        return None
    return re.compile("|".join(re.escape(term) for term in sorted(set(terms), key=len, reverse=True)), re.IGNORECASE)


def _comparable(text: str) -> str:
    # Full-width letters and digits match their half-width query terms; NFKC would change
    # lengths for a few characters, so those keep their own form and offsets stay true.
    return "".join(folded if len(folded := unicodedata.normalize("NFKC", char)) == 1 else char for char in text)


def _marked(text: str, pattern) -> str:
    if pattern is None:
        return escape(text)
    parts, position = [], 0
    for match in pattern.finditer(_comparable(text)):
        parts.append(escape(text[position : match.start()]))
        parts.append(f"<mark>{escape(text[match.start() : match.end()])}</mark>")
        position = match.end()
    parts.append(escape(text[position:]))
    return "".join(parts)


def mark(text: str, terms) -> SafeString:
    return mark_safe(_marked(text or "", _pattern(terms)))  # noqa: S308 — every piece is escaped above


def snippet(text: str, terms, length: int = SNIPPET_CHARS) -> SafeString:
    """A window of ``text`` around its first match (or its opening), matches marked."""
    text = " ".join((text or "").split())
    pattern = _pattern(terms)
    start = 0
    if pattern is not None:
        found = pattern.search(_comparable(text))
        if found:
            start = max(0, found.start() - LEAD_CHARS)
    window = text[start : start + length]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + length < len(text) else ""
    return mark_safe(escape(prefix) + _marked(window, pattern) + escape(suffix))  # noqa: S308
