"""The grammar of a synonym rule (the Solr synonym format), apart from the dictionary that
loads rules from the seed file and the database (``search.synonyms``), so that the model
(``SynonymRule.clean``) can validate a rule without importing the dictionary."""

from dataclasses import dataclass

from search import analysis

MAX_PHRASE_CHARS = 24


class RuleError(ValueError):
    pass


@dataclass(frozen=True)
class Rule:
    sources: tuple[str, ...]
    targets: tuple[str, ...]  # empty for an equivalence: then every phrase means every other


def _phrases(part: str) -> tuple[str, ...]:
    phrases = []
    for raw in part.split(","):
        raw = raw.strip()
        if not raw:
            continue
        if len(raw) > MAX_PHRASE_CHARS:
            raise RuleError(f"“{raw}” is longer than {MAX_PHRASE_CHARS} characters")
        if not analysis.normalize(raw):
            raise RuleError(f"“{raw}” has no letters or digits")
        phrases.append(raw)
    return tuple(phrases)


def parse_rule(line: str) -> Rule | None:
    """One line of the dictionary, or None for a blank line or a comment."""
    line = line.split("#", 1)[0].strip()
    if not line:
        return None
    if line.count("=>") > 1:
        raise RuleError("a rule has at most one “=>”")
    if "=>" in line:
        left, right = line.split("=>")
        sources, targets = _phrases(left), _phrases(right)
        if not sources or not targets:
            raise RuleError("both sides of “=>” need at least one phrase")
        return Rule(sources, targets)
    phrases = _phrases(line)
    if len(phrases) < 2:
        raise RuleError("an equivalence lists at least two phrases, separated by commas")
    return Rule(phrases, ())


def parse(lines) -> list[Rule]:
    rules = []
    for number, line in enumerate(lines, start=1):
        try:
            rule = parse_rule(line)
        except RuleError as error:
            raise RuleError(f"line {number}: {error}") from None
        if rule is not None:
            rules.append(rule)
    return rules
