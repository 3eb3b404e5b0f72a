"""Steps between statuses, declared in a table and taken one way: the case workflow
(``casefiles.handling.workflow``), a license's lifecycle (``casefiles.licenses.lifecycle``) and a
bundle's parent (``casefiles.bundles.applications``) all move by this module.

A ``Step`` is one line a reviewer reads aloud: its name and label, from which statuses, to which,
who may take it, why not now, and the conditions (guards) and the effect that go with it. A
``Table`` is the steps of one model's ``status``, with what the model's steps share: who answers
"who may", how a step is journaled, what other components hooked on the steps.

Taking a step (``take``):

1. the step must lead from the status the record was read in (else ``NotAllowedNow``, with the
   step's "not now"), and the taker must be one who may (else ``NotPermitted``; no taker is the
   system, which takes the steps nobody else may);
2. one conditional UPDATE on that status — and on the version, for a table that keeps one —
   moves the record: of two takers acting at once exactly one wins, the other gets ``Conflict``;
3. then, in the same transaction and holding the record's row: the guards (each says why not, or
   nothing: every reason together in one ``GuardFailed``), the step's effect and those hooked on
   it (any may refuse: raise a ``Refused``), the journal event, what follows the event; after the
   commit, the table's ``committed`` hooks.

A refusal anywhere in 3 rolls the transaction back: nothing of the step is written, and the
record in hand is again as it was read (its status, version and the step's ``changes``).

This module knows no model of its own and imports nothing of the project but its refusals, so
that every component above the cases may declare a table on it.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casefiles.errors import Conflict, GuardFailed, NotAllowedNow, NotPermitted
from casefiles.journal import transactions


@dataclass(frozen=True)
class Step:
    """One step: from ``sources`` to ``target``; who may take it is ``may`` as its table reads it
    (a permission on a case, a role of a license's issuer), None for a step only the system takes."""

    name: str
    label: str
    sources: tuple[str, ...]
    target: str
    may: str | None = None
    guards: tuple[Callable[["Taking"], str | None], ...] = ()  # each: None, or why the step cannot be taken
    effect: Callable[["Taking"], None] | None = None  # what else the step changes, in its transaction
    not_now: str = ""  # why it cannot be taken from another status ("" → the table's); %(status)s names it
    not_permitted: str = ""  # why someone else may not take it ("" → the table's)
    # The step's other fields, written by its own conditional UPDATE (one statement less than an
    # effect writing them): a function of the step being taken, asked before its guards, whose
    # answer reaches the record only once they pass.
    changes: Callable[["Taking"], dict] | None = None


@dataclass
class Taking:
    """One step being taken: what its guards, its effects and its journal are given."""

    record: object
    step: Step
    user: object  # who takes it; None: the system
    from_status: str
    now: object
    params: dict = field(default_factory=dict)  # what the taker gives with it (a reason …)
    data: dict = field(default_factory=dict)  # what the effects add for the journal event
    kept: dict = field(default_factory=dict)  # what the guards read, by name, for the step (``once``)

    def once(self, name: str, read: Callable[[], object]):
        """What several guards of the step ask (the case's license uses …), read once for it:
        ``read()`` the first time ``name`` is asked, the same answer after."""
        if name not in self.kept:
            self.kept[name] = read()
        return self.kept[name]


def _status_display(record, user) -> str:
    return record.get_status_display()


@dataclass(frozen=True)
class Table:
    """The steps of one model's ``status`` and what taking any of them shares."""

    model: type
    steps: Mapping[str, Step]
    journal: Callable[[Taking], object]  # writes the step's event, inside its transaction; returns it
    may: Callable[[object, object, Step], bool] = lambda user, record, step: False  # (user, record, step)
    context: type = Taking  # what the guards and effects are given: Taking or a kind of it
    effects: Callable[[Step], Iterable[Callable[[Taking], None]]] = lambda step: ()  # hooked on by other components
    recorded: Sequence[Callable[[Taking, object], None]] = ()  # after the journal event, in the transaction
    committed: Sequence[Callable[[int, int], None]] = ()  # after the commit, with the record's and the event's ids
    versioned: bool = False  # the model keeps a ``version`` every step bumps: a stale read loses too
    status_label: Callable[[object, object], str] = _status_display  # (record, user): the status as told to the taker
    not_now: str = _("This step is not possible while the case is “%(status)s”.")
    not_permitted: str = _("You may not take this step on this case.")
    changed: str = _("Someone else changed this case a moment ago. Reload it to see its current state.")


def check(table: Table, record, step: Step, user=None) -> None:
    """Refuse unless ``step`` leads from the status ``record`` is in and ``user`` may take it."""
    if record.status not in step.sources:
        raise NotAllowedNow((step.not_now or table.not_now) % {"status": table.status_label(record, user)})
    if user is not None and (step.may is None or not table.may(user, record, step)):
        raise NotPermitted(step.not_permitted or table.not_permitted)


def available(table: Table, record, user) -> list[Step]:
    """The steps ``user`` may take on ``record`` now (guards aside: those answer on trying)."""
    return [step for step in table.steps.values()
            if record.status in step.sources and step.may is not None and table.may(user, record, step)]


def judges_input(guard):
    """Marks a guard that judges what the taker gives with the step (a reason, a list of problems,
    a date): nothing can say before they give it, so ``refusals`` leaves it to the attempt."""
    guard.judges_input = True
    return guard


def refusals(table: Table, record, step: Step, user=None, *, now=None, **details) -> list[str]:
    """Why ``step`` would be refused now, as its guards say it (none: it would pass), judged on
    ``record`` as read — the attempt judges them again, holding the row. Guards on the taker's
    input (``judges_input``) are not asked."""
    taking = table.context(record=record, step=step, user=user, from_status=record.status,
                           now=now or timezone.now(), **details)
    return [message for guard in step.guards
            if not getattr(guard, "judges_input", False) and (message := guard(taking))]


def take(table: Table, record, name: str, user=None, *, version=None, changes=None, now=None, **details):
    """Take step ``name`` of ``table`` on ``record`` as ``user`` (None: the system); returns the
    journal event. ``version``: the version the taker saw (a versioned table; by default the
    record's own); ``changes``: other fields the step's UPDATE writes; ``details``: the rest of
    the table's context (``params`` …)."""
    step = table.steps.get(name)
    if step is None:
        raise NotAllowedNow(_("There is no such step."))
    check(table, record, step, user)
    if version is not None and not table.versioned:
        raise TypeError(f"{table.model.__name__} keeps no version")
    read = {"status": record.status}
    if table.versioned:
        read["version"] = record.version if version is None else int(version)
    taking = table.context(record=record, step=step, user=user, from_status=read["status"],
                           now=now or timezone.now(), **details)
    moved = {"status": step.target, **({"version": read["version"] + 1} if table.versioned else {}), **(changes or {}),
             **(step.changes(taking) if step.changes is not None else {})}
    as_read = {attribute: getattr(record, attribute) for attribute in moved}
    with transactions.atomic():
        if not table.model.objects.filter(pk=record.pk, **read).update(**moved):
            raise Conflict(table.changed)
        # The conditions are judged here, holding the row: a change that committed first is
        # seen, and one that comes after waits for this step and finds the record moved on.
        problems = [message for guard in step.guards if (message := guard(taking))]
        if problems:
            raise GuardFailed(*problems)
        for attribute, value in moved.items():
            setattr(record, attribute, value)
        try:
            for effect in (step.effect, *table.effects(step)):
                if effect is not None:
                    effect(taking)
            event = table.journal(taking)
            for hook in table.recorded:
                hook(taking, event)
        except BaseException:  # rolled back: the record is again as it was read
            for attribute, value in as_read.items():
                setattr(record, attribute, value)
            raise
        for hook in table.committed:
            transaction.on_commit(partial(hook, record.pk, event.pk))
    return event
