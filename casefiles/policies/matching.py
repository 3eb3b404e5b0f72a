"""Every enterprise against every policy at once: the daily pass of 免申即享, the pushes to
"whatever matches me", the bench's 20,000 × 2,000.

The rule is ``eligibility.judge``'s, answered for all enterprises together: each enterprise is
a bit, each condition three bit sets — met from verified data, met (declarations counted where
the condition allows them), not unmet — computed from the facts grouped by value, so a
condition costs the enterprises it touches rather than all of them; the alternatives of a kind
are OR-ed and the kinds AND-ed, as ``PolicyResult`` does for one. A test compares the two on
every condition kind and check.

The facts are read in a few queries (the registry, the declarations, the valid licenses and
concluded cases the conditions name, the qualifications), not per enterprise.
"""

import bisect
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from casefiles.directory.models import Enterprise
from casefiles.policies import eligibility
from casefiles.policies.eligibility import Check, Kind
from casefiles.policies.models import Declaration
from casefiles.policies.profiles import DECLARED, VERIFIED, concluded_cases, qualifications_held, valid_licenses

_FACT_OF_KIND = {Kind.INDUSTRY: "industry_code", Kind.SCALE: "scale", Kind.REGION: "region_code",
                 Kind.YEARS: "years", Kind.CAPITAL: "registered_capital", Kind.EMPLOYEES: "employees"}
_BYTE_BITS = [tuple(bit for bit in range(8) if byte >> bit & 1) for byte in range(256)]


@dataclass(frozen=True)
class Match:
    """One policy against every enterprise: bit sets over ``Matcher.ids``."""

    proven: int  # every kind met from verified data: 免申即享 acts on these
    eligible: int  # every kind met, declarations counted
    possible: int  # nothing unmet: the rest is unknown


class _Values:
    """One fact, verified and declared, grouped by value: a bit set per value, and for the
    ranged facts cumulative bit sets in the values' order, so that a range is two look-ups."""

    CUMULATIVE_MAX = 1024  # distinct values kept cumulatively (a bit set each); beyond, a range ORs its values

    def __init__(self, ranged=False):
        self.ranged = ranged
        self.verified = defaultdict(list)
        self.declared = defaultdict(list)

    def finish(self, bits):
        self.masks, self.present, self._sorted, self._cumulative = {}, {}, {}, {}
        for side in ("verified", "declared"):
            masks = {value: bits(members) for value, members in getattr(self, side).items()}
            self.masks[side] = masks
            keys = sorted(masks)
            self._sorted[side] = keys
            running, cumulative = 0, [0]
            if self.ranged and len(keys) <= self.CUMULATIVE_MAX:
                for key in keys:
                    running |= masks[key]
                    cumulative.append(running)
            else:
                running = 0
                for mask in masks.values():
                    running |= mask
                cumulative = None
            self._cumulative[side] = cumulative
            self.present[side] = running

    def where(self, side, accept) -> int:
        """The enterprises whose value on ``side`` is accepted."""
        found = 0
        for value, mask in self.masks[side].items():
            if accept(value):
                found |= mask
        return found

    def in_range(self, side, minimum, maximum) -> int:
        keys = self._sorted[side]
        lo = 0 if minimum is None else bisect.bisect_left(keys, minimum)
        hi = len(keys) if maximum is None else bisect.bisect_right(keys, maximum)
        if hi <= lo:
            return 0
        cumulative = self._cumulative[side]
        if cumulative is not None:
            return cumulative[hi] & ~cumulative[lo]
        found = 0
        masks = self.masks[side]
        for key in keys[lo:hi]:
            found |= masks[key]
        return found


class Matcher:
    """The facts of ``enterprises`` (a queryset; every enterprise by default) on ``on``."""

    def __init__(self, on: date, enterprises=None, *, license_types=None, items=None):
        self.on = on
        queryset = Enterprise.objects.all() if enterprises is None else enterprises
        rows = list(queryset.order_by("pk").values_list(
            "pk", "industry_code", "industry", "scale", "region_code", "established_on", "registered_capital"))
        self.ids = [row[0] for row in rows]
        self.n = len(self.ids)
        self.all = (1 << self.n) - 1
        position = {pk: i for i, pk in enumerate(self.ids)}
        self._position = position
        facts = {name: _Values(ranged=name in ("years", "registered_capital", "employees"))
                 for name in _FACT_OF_KIND.values()}
        for i, (_pk, code, section, scale, region, established, capital) in enumerate(rows):
            self._add(facts["industry_code"], "verified", code or section or None, i)
            self._add(facts["scale"], "verified", scale or None, i)
            self._add(facts["region_code"], "verified", region or None, i)
            self._add(facts["years"], "verified", self._years(established), i)
            self._add(facts["registered_capital"], "verified", capital, i)
        declared = Declaration.objects.values_list("enterprise_id", "industry_code", "scale", "established_on",
                                                   "registered_capital", "employees")
        if enterprises is not None:
            declared = declared.filter(enterprise__in=queryset)
        for pk, code, scale, established, capital, employees in declared:
            i = position.get(pk)
            if i is None:
                continue
            self._add(facts["industry_code"], "declared", code or None, i)
            self._add(facts["scale"], "declared", scale or None, i)
            self._add(facts["years"], "declared", self._years(established), i)
            self._add(facts["registered_capital"], "declared", capital, i)
            self._add(facts["employees"], "declared", employees, i)
        for values in facts.values():
            values.finish(self.bits)
        self.facts = facts
        scope = self.ids if enterprises is not None else Enterprise.objects.values("pk")
        self.licenses = self._grouped(valid_licenses(scope, on, license_types), lambda row: row[1])
        self.concluded = self._grouped(concluded_cases(scope, items), lambda row: row[1])
        held = defaultdict(lambda: {VERIFIED: [], DECLARED: []})
        for pk, code, source in qualifications_held(scope, on):
            if pk in position:
                held[code][source].append(position[pk])
        self.qualifications = {code: {s: self.bits(v) for s, v in sides.items()} for code, sides in held.items()}
        self._cache = {}

    def _years(self, established):
        return None if established is None else eligibility.full_years(established, self.on)

    @staticmethod
    def _add(values, side, value, i):
        if value is None:
            return
        getattr(values, side)[value].append(i)

    def _grouped(self, rows, key) -> dict:
        found = defaultdict(list)
        for row in rows:
            i = self._position.get(row[0])
            if i is not None:
                found[key(row)].append(i)
        return {k: self.bits(v) for k, v in found.items()}

    def bits(self, indices) -> int:
        buffer = bytearray((self.n + 7) // 8)
        for i in indices:
            buffer[i >> 3] |= 1 << (i & 7)
        return int.from_bytes(buffer, "little")

    def enterprise_ids(self, mask: int) -> list[int]:
        """The enterprises of a bit set, in the order of their ids."""
        found = []
        data = mask.to_bytes((self.n + 7) // 8 or 1, "little")
        ids = self.ids
        for index, byte in enumerate(data):
            if byte:
                base = index << 3
                found.extend(ids[base + bit] for bit in _BYTE_BITS[byte])
        return found

    # --- one condition: (met from verified data, met, not unmet) -----------------------------

    def condition(self, condition) -> tuple[int, int, int]:
        key = (condition.kind, condition.checked_by, condition.industry_id, condition.scale, condition.region_code,
               condition.minimum, condition.maximum, condition.license_type_id, condition.qualification_id,
               condition.item_id)
        if key not in self._cache:
            self._cache[key] = self._condition(condition)
        return self._cache[key]

    def _condition(self, condition):
        kind, check = condition.kind, condition.checked_by
        if check == Check.PERSON or kind == Kind.FREE:
            return 0, 0, self.all
        if kind == Kind.LICENSE:
            met = self.licenses.get(condition.license_type.code, 0)
            return met, met, met
        if kind == Kind.CONCLUDED:
            met = self.concluded.get(condition.item_id, 0)
            return met, met, met
        if kind == Kind.QUALIFICATION:
            sides = self.qualifications.get(condition.qualification.code, {})
            verified = sides.get(VERIFIED, 0)
            met = verified | sides.get(DECLARED, 0) if check == Check.DECLARED else verified
            return verified, met, self.all
        values = self.facts[_FACT_OF_KIND[kind]]
        ok_v, x_v = self._split(condition, values, "verified")
        if check == Check.VERIFIED:
            return ok_v, ok_v, self.all & ~x_v
        ok_d, x_d = self._split(condition, values, "declared")
        no_verified = self.all & ~values.present["verified"]
        unmet = x_v | (x_d & no_verified)
        return ok_v, ok_v | (ok_d & no_verified), self.all & ~unmet

    def _split(self, condition, values, side) -> tuple[int, int]:
        """(met, unmet) among the enterprises with a value on ``side``; the rest cannot tell."""
        kind = condition.kind
        if kind in (Kind.YEARS, Kind.CAPITAL, Kind.EMPLOYEES):
            low, high = condition.minimum, condition.maximum
            if kind != Kind.CAPITAL:  # whole numbers: the bounds as the whole numbers they admit
                low = None if low is None else int(-(-low // 1))
                high = None if high is None else int(high // 1)
            met = values.in_range(side, low, high)
            return met, values.present[side] & ~met
        if kind == Kind.INDUSTRY:
            wanted = condition.industry.code
            answers = {code: eligibility.industry_answer(code, wanted) for code in values.masks[side]}
            return (values.where(side, lambda code: answers[code] is True),
                    values.where(side, lambda code: answers[code] is False))
        if kind == Kind.SCALE:
            met = values.where(side, lambda scale: scale == condition.scale)
        else:
            prefix = eligibility.region_prefix(condition.region_code)
            met = values.where(side, lambda code: code.startswith(prefix))
        return met, values.present[side] & ~met

    # --- one policy ------------------------------------------------------------------------------

    def match(self, policy) -> Match:
        """``policy`` (its conditions prefetched) against every enterprise."""
        kinds = defaultdict(lambda: [0, 0, 0])
        for condition in policy.condition_list:
            verified, met, possible = self.condition(condition)
            sides = kinds[condition.kind]
            sides[0] |= verified
            sides[1] |= met
            sides[2] |= possible
        proven = eligible = possible = self.all
        for verified, met, maybe in kinds.values():
            proven &= verified
            eligible &= met
            possible &= maybe
        return Match(proven, eligible, possible)


def referenced(policies) -> tuple[set, set]:
    """The license types and items the policies' conditions name: the only ones worth reading."""
    types, items = set(), set()
    for policy in policies:
        for condition in policy.condition_list:
            if condition.kind == Kind.LICENSE and condition.license_type_id:
                types.add(condition.license_type.code)
            if condition.kind == Kind.CONCLUDED and condition.item_id:
                items.add(condition.item_id)
    return types, items
