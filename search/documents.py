"""One document shape for every kind of record, and the registry of the kinds.

Every kind (guide, bundle, policy from ``cms.indexing``; case, material, license from
``casefiles.access.indexing``, ``casefiles.materials.indexing`` and ``casefiles.licenses.indexing``)
is indexed as a ``SearchDocument``. A ``Provider`` turns its records into documents and says who
may see each one: its ``access`` list of principals, like Plone's ``allowedRolesAndUsers``. A kind
is added by writing a provider and calling ``register`` from its app's ``ready()``; backends, indexing, commands and pages need no change.
What else search asks of a domain (who oversees, what departments are called) is in ``hooks``.
"""

import hashlib
import json
import re
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import models

from search import trimming

KIND_PATTERN = r"^[a-z][a-z0-9]{0,19}$"


@dataclass
class SearchDocument:
    kind: str
    object_id: str
    title: str
    body: str = ""
    code: str = ""  # item or bundle code, document number, case number, license identifier
    department: str = ""  # the department's code
    status: str = ""  # "live" or "draft" for pages; the workflow state for cases
    date: datetime | date | None = None  # the date the record is filed under (published, submitted, issued)
    url: str = ""
    facets: dict[str, list[str]] = field(default_factory=dict)  # e.g. {"service_object": ["enterprise"]}
    access: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return document_key(self.kind, self.object_id)

    def __post_init__(self):
        self.object_id = str(self.object_id)
        self.access = sorted(set(self.access))
        self.facets = {
            name: sorted({str(value) for value in values if value not in (None, "")})
            for name, values in self.facets.items()
        }

    def as_dict(self) -> dict:
        return {
            "key": self.key, "kind": self.kind, "object_id": self.object_id, "title": self.title, "body": self.body,
            "code": self.code, "department": self.department, "status": self.status,
            "date": self.date.isoformat() if self.date else None, "url": self.url, "facets": self.facets,
            "access": self.access,
        }

    @property
    def checksum(self) -> str:
        """Changes whenever anything a search shows or trims by changes: how drift is detected."""
        payload = json.dumps(self.as_dict(), sort_keys=True, ensure_ascii=False)
        return hashlib.blake2b(payload.encode(), digest_size=16).hexdigest()


def document_key(kind: str, object_id) -> str:
    return f"{kind}:{object_id}"


def split_key(key: str) -> tuple[str, str]:
    kind, _, object_id = key.partition(":")
    return kind, object_id


class Provider:
    """Turns the records of one kind into documents.

    Subclasses set ``model`` (signals on it keep the index current) and implement
    ``queryset`` and ``document``. ``document`` returns None for a record that must not be in
    the index at all (for example a page in the recycle bin): the index then drops it.
    """

    kind: str = ""
    model: type[models.Model] | None = None
    label = ""  # shown on facets; a lazy translation
    # Static prior among equally good matches: catalogue pages (3) before policies (2)
    # before records (1); within a priority, newer first.
    priority: int = 1
    statuses: dict = {}  # status value → label, for facets and hit lines

    def queryset(self):
        return self.model._default_manager.all()

    def get(self, object_id):
        return self.queryset().filter(pk=object_id).first()

    def follows(self, record) -> bool:
        """Whether a save or deletion of ``record`` can change the index (its signals ask).
        False only where the provider knows, without a query, that the record has no document
        before or after — a case file's draft, for instance."""
        return True

    def documents_of(self, records) -> list:
        """``document`` for each of ``records`` (None where it must leave the index); a
        provider whose documents share look-ups (access lists) makes them once here."""
        return [self.document(record) for record in records]

    def get_many(self, object_ids: list[str]) -> dict:
        """The records of ``object_ids`` that exist, by object id: one query for a batch."""
        return {self.object_id(obj): obj for obj in self.queryset().filter(pk__in=list(object_ids))}

    def document(self, obj) -> SearchDocument | None:
        raise NotImplementedError

    def documents(self, batch_size: int = 500):
        """Every document of the kind, for rebuilds and drift checks."""
        for obj in self.queryset().iterator(chunk_size=batch_size):
            document = self.document(obj)
            if document is not None:
                yield document

    def count(self) -> int:
        return self.queryset().count()

    def related_keys(self, object_ids: list[str]) -> set[str]:
        """Keys of other documents that follow these records and are recomputed with them
        (a case's materials carry its access list): named when the index is written, so
        whoever changes a record schedules its own key alone, without a query."""
        return set()

    def object_id(self, obj) -> str:
        return str(obj.pk)

    def oversight(self) -> list[str]:
        """Principals that see every document of every kind (see ``trimming``)."""
        return trimming.oversight_principals()


# The look-ups the documents of one computation share (``computing``): the access lists' viewers,
# a case's grants for the case and for each of its files — asked once, not once per kind.
_shared: ContextVar[dict | None] = ContextVar("search_shared_lookups", default=None)


@contextmanager
def computing():
    """One computation of documents (a sync): inside it ``shared`` look-ups are made once, and
    the oversight principals are read once for all kinds."""
    if _shared.get() is not None:
        yield
        return
    token = _shared.set({})
    try:
        with trimming.remembering_oversight():
            yield
    finally:
        _shared.reset(token)


def shared(key, look_up: Callable):
    """``look_up()``, made once per ``computing`` under ``key`` (every time outside one). The
    documents of one sync are computed together, a few milliseconds apart: they read the same state."""
    memo = _shared.get()
    if memo is None:
        return look_up()
    if key not in memo:
        memo[key] = look_up()
    return memo[key]


_registry: dict[str, Provider] = {}


def register(kind: str, provider: Provider) -> Provider:
    if not re.match(KIND_PATTERN, kind):
        raise ValueError(f"a kind is a short lower-case word, not {kind!r}")
    provider.kind = kind
    _registry[kind] = provider
    _by_model.clear()
    for callback in _on_register:
        callback(provider)
    return provider


_on_register: list[Callable[[Provider], None]] = []


def on_register(callback: Callable[[Provider], None]) -> None:
    """Call ``callback`` with every provider registered, before or after (``search.signals`` watches their models)."""
    if callback not in _on_register:
        _on_register.append(callback)
    for provider in list(_registry.values()):
        callback(provider)


def unregister(kind: str) -> None:
    _registry.pop(kind, None)
    _by_model.clear()


def provider(kind: str) -> Provider:
    try:
        return _registry[kind]
    except KeyError:
        raise LookupError(f"no search provider registered for kind {kind!r}") from None


def providers() -> dict[str, Provider]:
    return dict(_registry)


def kinds() -> list[str]:
    return list(_registry)


def priority(kind: str) -> int:
    found = _registry.get(kind)
    return found.priority if found is not None else 1


_by_model: dict[type, list[Provider]] = {}

# Words no document holds in clear — a person's identity number is indexed as a keyed token
# (casefiles.access.disclosure) — and how a query holding them finds them: ``recognise(text)``
# returns the text without them and the facet values that stand for them, {facet: [tokens]}.
_private_terms: list = []


def register_private_terms(recognise) -> None:
    if recognise not in _private_terms:
        _private_terms.append(recognise)


def private_terms(text: str) -> tuple[str, dict[str, list[str]]]:
    """``text`` without the words no document holds in clear, and the facets that find them."""
    facets: dict[str, list[str]] = {}
    for recognise in _private_terms:
        text, found = recognise(text)
        for name, values in found.items():
            facets.setdefault(name, []).extend(values)
    return text, facets


def providers_for_model(model) -> list[Provider]:
    found = _by_model.get(model)
    if found is None:
        found = [p for p in _registry.values() if p.model is not None and issubclass(model, p.model)]
        _by_model[model] = found
    return found
