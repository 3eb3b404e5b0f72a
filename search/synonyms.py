"""Everyday words: the dictionary that maps what people say to the catalogue's terms.

People search 开饭店, 医保, 个税, 开理发店; the catalogue says 食品经营许可, 医疗保障,
个人所得税, 公共场所卫生许可. The dictionary is kept in the Solr synonym format, which
administrators and Elasticsearch people already know:

    开理发店, 开美发店 => 公共场所卫生许可     # explicit: the left side means the right side
    医保, 医疗保障, 医疗保险                  # equivalent: each means all the others

``search/synonyms.txt`` is the seed; administrators edit the rules in the admin (``SynonymRule``).
Both backends expand at query time from this one dictionary, so they answer alike and an edit
takes effect without reindexing.
"""

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.db import DatabaseError

from search import analysis
from search.models import SynonymRule
from search.synonym_rules import Rule, RuleError, parse, parse_rule

SEED_FILE = Path(__file__).resolve().parent / "synonyms.txt"
CACHE_SECONDS = 60
def _key(phrase: str) -> str:
    return analysis.normalize(phrase).replace(" ", "")


@dataclass
class Dictionary:
    """Phrase → the phrases it also means, keyed by the phrase normalised without spaces."""

    meanings: dict[str, list[str]] = field(default_factory=dict)
    longest: int = 0

    @classmethod
    def from_rules(cls, rules) -> "Dictionary":
        meanings: dict[str, list[str]] = {}

        def add(source, target):
            key = _key(source)
            if _key(target) == key:
                return
            bucket = meanings.setdefault(key, [])
            if target not in bucket:
                bucket.append(target)

        for rule in rules:
            if rule.targets:
                for source in rule.sources:
                    for target in rule.targets:
                        add(source, target)
            else:
                for source in rule.sources:
                    for other in rule.sources:
                        add(source, other)
        return cls(meanings, max((len(key) for key in meanings), default=0))

    def __len__(self):
        return len(self.meanings)

    def meaning(self, phrase: str) -> list[str]:
        return list(self.meanings.get(_key(phrase), []))

    def spans(self, chunk: str) -> list[tuple[int, int, list[str]]]:
        """Dictionary phrases in ``chunk`` (normalised, no spaces), longest first, left to right.

        Offsets are characters; ``query`` widens each to the whole words around it, so that
        执照 found inside 营业执照 stands for the word 营业执照, not for a fragment.
        """
        found, start = [], 0
        while start < len(chunk):
            for end in range(min(len(chunk), start + self.longest), start, -1):
                targets = self.meanings.get(chunk[start:end])
                if targets:
                    found.append((start, end, targets))
                    start = end
                    break
            else:
                start += 1
        return found


def seed_lines() -> list[str]:
    return SEED_FILE.read_text(encoding="utf-8").splitlines()


def seed_rules() -> list[Rule]:
    return parse(seed_lines())


_cache_lock = threading.Lock()
_cache: dict[str, object] = {"dictionary": None, "loaded_at": 0.0}


def invalidate() -> None:
    with _cache_lock:
        _cache["dictionary"] = None


def current() -> Dictionary:
    """The dictionary in force: the enabled rules in the database, re-read at most once a minute.

    An edit in this process takes effect at once (the rule's save invalidates the cache);
    other processes pick it up within ``CACHE_SECONDS``.
    """
    with _cache_lock:
        dictionary = _cache["dictionary"]
        if dictionary is not None and time.monotonic() - _cache["loaded_at"] < CACHE_SECONDS:
            return dictionary
    dictionary = Dictionary.from_rules(_database_rules())
    with _cache_lock:
        _cache["dictionary"], _cache["loaded_at"] = dictionary, time.monotonic()
    return dictionary


def _database_rules() -> list[Rule]:
    try:
        lines = list(SynonymRule.objects.filter(enabled=True).values_list("rule", flat=True))
    except DatabaseError:  # before migrating: the seed still gives the right answers
        return seed_rules()
    rules = []
    for line in lines:
        try:
            rule = parse_rule(line)
        except RuleError:
            continue  # saved before validation existed, or edited in the database by hand
        if rule is not None:
            rules.append(rule)
    return rules


def load_seed(model=None) -> int:
    """Add the seed file's rules that the database lacks; administrators' edits stay. Returns the count added."""
    if model is None:
        model = SynonymRule
    existing = set(model.objects.values_list("rule", flat=True))
    added = []
    for line in seed_lines():
        rule = line.split("#", 1)[0].strip()
        if rule and rule not in existing:
            parse_rule(rule)
            added.append(model(rule=rule, from_seed=True))
            existing.add(rule)
    model.objects.bulk_create(added)
    invalidate()
    return len(added)
