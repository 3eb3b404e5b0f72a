"""一件事: what a bundle asks of the applicant, computed from its items.

A requirement that several items share is asked once. Two requirements are the same
material when their names match after normalising width, spaces and brackets
(营业执照（副本） = 营业执照(副本)). The combined row is required if any item requires it,
may be supplied later only if every item allows that, and is replaced by a license only
of a type every item accepts.
"""

import unicodedata
from dataclasses import dataclass, field


@dataclass
class CombinedMaterial:
    name: str
    form: str
    copies: int
    required: bool
    deferrable: bool
    license_types: list = field(default_factory=list)
    requirements: list = field(default_factory=list)  # the MaterialRequirement rows it stands for
    items: list = field(default_factory=list)  # the ServiceItemPages that need it

    @property
    def shared(self):
        return len(self.items) > 1


def material_key(name: str) -> str:
    normal = unicodedata.normalize("NFKC", name)
    return "".join(ch for ch in normal if not ch.isspace()).replace("（", "(").replace("）", ")").lower()


def items(bundle):
    """The bundle's guides in the editors' order (live or not: a case records what it used)."""
    return [entry.item for entry in bundle.bundle_items.select_related("item").order_by("sort_order")]


def combined_materials(bundle) -> list[CombinedMaterial]:
    return combine(items(bundle))


def combine(guides) -> list[CombinedMaterial]:
    """The materials of ``guides`` (any set of items: a bundle's, or those 一照通行 proposed), each asked once."""
    combined: dict[str, CombinedMaterial] = {}
    for item in guides:
        for requirement in item.material_requirements.prefetch_related("license_types").order_by("sort_order"):
            key = material_key(requirement.name)
            types = list(requirement.license_types.all())
            row = combined.get(key)
            if row is None:
                combined[key] = CombinedMaterial(
                    name=requirement.name,
                    form=requirement.form,
                    copies=requirement.copies,
                    required=requirement.required,
                    deferrable=requirement.deferrable,
                    license_types=types,
                    requirements=[requirement],
                    items=[item],
                )
                continue
            row.copies = max(row.copies, requirement.copies)
            row.required = row.required or requirement.required
            row.deferrable = row.deferrable and requirement.deferrable
            row.license_types = [t for t in row.license_types if t in types]
            row.requirements.append(requirement)
            if item not in row.items:
                row.items.append(item)
    return list(combined.values())


@dataclass(frozen=True)
class TimeLimit:
    promised_days: int | None  # the bundle's promise: its own, or the longest of its items
    statutory_days: int | None  # the longest statutory limit of its items
    separately_days: int  # what applying item by item would promise, one after another


def combined_time_limit(bundle) -> TimeLimit:
    guides = items(bundle)
    promised = [g.promised_days for g in guides if g.promised_days is not None]
    statutory = [g.statutory_days for g in guides if g.statutory_days is not None]
    return TimeLimit(
        promised_days=bundle.promised_days if bundle.promised_days is not None else (max(promised) if promised else None),
        statutory_days=max(statutory) if statutory else None,
        separately_days=sum(promised),
    )
