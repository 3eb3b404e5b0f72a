"""What every backend offers, and the shapes that go in and come out."""

from dataclasses import dataclass, field
from datetime import datetime

from search.query import ParsedQuery

# The columns of a ``search_document`` row, in the order the database backend and its engines write them.
COLUMNS = ["key", "kind", "object_id", "priority", "code", "title", "body", "department", "status", "date", "url",
           "facets", "access", "checksum", "indexed_at"]

# Filter and facet dimensions every backend understands. ``facet:<name>`` addresses one of a
# document's ``facets`` (for example ``facet:service_object``).
DIMENSIONS = ("kind", "department", "status", "year")
TOTAL_CAP = 10_000


def facet_dimension(name: str) -> str:
    return f"facet:{name}"


@dataclass
class SearchRequest:
    query: ParsedQuery
    principals: frozenset[str]
    # dimension → accepted values. ``scope`` always applies (the page's own limits, such as
    # "published guides, bundles and policies"); ``filters`` are the visitor's choices, which
    # each facet ignores for its own counts.
    scope: dict[str, tuple[str, ...]] = field(default_factory=dict)
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    offset: int = 0
    limit: int = 10
    facets: tuple[str, ...] = ()  # dimensions to count
    count: bool = True


@dataclass
class Hit:
    key: str
    kind: str
    object_id: str
    code: str
    title: str
    url: str
    score: float
    department: str = ""
    status: str = ""
    date: datetime | None = None
    facets: dict = field(default_factory=dict)
    body: str = ""

    def as_json(self) -> dict:
        return {
            "kind": self.kind,
            "code": self.code,
            "title": self.title,
            "url": self.url,
            "score": round(self.score, 4),
            "department": self.department,
            "status": self.status,
            "date": self.date.isoformat() if self.date else None,
        }


@dataclass
class SearchResults:
    hits: list[Hit]
    total: int = 0
    total_is_exact: bool = True
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    relaxed: bool = False  # nothing had every word: these have some of them
    fallback: bool = False  # nothing had any of the words: these share characters with them
    degraded: bool = False  # the configured backend was down; the database backend answered
    backend: str = ""
    query: ParsedQuery | None = None  # what the text was understood as (for highlighting)

    @classmethod
    def empty(cls, backend=""):
        return cls(hits=[], total=0, backend=backend)


class SearchBackend:
    """Indexing and trimmed querying. Every query carries principals; there is no other kind."""

    name = "base"

    def __init__(self, options: dict):
        self.options = options

    def health(self) -> dict:
        """Return details when the backend can serve queries; raise when it cannot."""
        raise NotImplementedError

    def write(self, documents) -> None:
        """Insert or replace ``documents`` (SearchDocuments)."""
        raise NotImplementedError

    def delete(self, keys) -> None:
        raise NotImplementedError

    def search(self, request: SearchRequest) -> SearchResults:
        raise NotImplementedError

    def suggest(self, request: SearchRequest) -> list[Hit]:
        """Titles and codes that start with the typed text (``request.query`` parsed with prefix)."""
        raise NotImplementedError

    def checksums(self, kind: str | None = None) -> dict[str, str]:
        """Key → checksum of every document in the index (of ``kind``), for drift checks."""
        raise NotImplementedError

    def rebuild(self, documents, kind: str | None = None, progress=None) -> int:
        """Replace the index (or one kind of it) by ``documents`` while it keeps answering."""
        raise NotImplementedError
