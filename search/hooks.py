"""What search asks of the domains it serves, beyond their documents; the domains fill it.

Search is infrastructure: it imports no domain. A domain hands it documents through a
provider (``documents.register``) and, through the hooks here, the two things search shows or
trims by that only a domain knows — each filled from the domain's ``AppConfig.ready()``:

- ``oversight()``: the principals that see every document of every kind (电子监察, see
  ``trimming``); the case files' directory registers its supervisor group.
- ``department_labels(codes)``: what the departments a document names by code are called,
  for hit lines and facets; the case files' directory registers its departments.

A hook with nothing registered answers empty: no oversight principal, a department shown by
its code. Registering the same callable again changes nothing.
"""

from collections.abc import Callable, Iterable

_oversight: list[Callable[[], Iterable[str]]] = []
_department_labels: list[Callable[[list[str]], dict[str, str]]] = []


def register_oversight(principals: Callable[[], Iterable[str]]) -> None:
    """``principals()`` returns principals that see every document (asked when a document is made)."""
    if principals not in _oversight:
        _oversight.append(principals)


def oversight() -> list[str]:
    found: list[str] = []
    for principals in _oversight:
        found.extend(principal for principal in principals() if principal not in found)
    return found


def register_department_labels(labels: Callable[[list[str]], dict[str, str]]) -> None:
    """``labels(codes)`` returns {code: name} for those of ``codes`` it knows."""
    if labels not in _department_labels:
        _department_labels.append(labels)


def department_labels(codes: Iterable[str]) -> dict[str, str]:
    codes = list(codes)
    found: dict[str, str] = {}
    for labels in _department_labels:
        for code, name in labels(codes).items():
            found.setdefault(code, name)
    return found
