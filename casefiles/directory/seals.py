"""A department's seal (公章) as the documents print it: its PNG if one was uploaded, else a
drawn one — a red ring at the seal's true size, the department's name along the upper arc, each
character turned towards the centre as a carved seal reads, a star in the middle and the
seal's purpose under it.

One drawing for every document: the notices (``notices/documents.py``) and the certificates
(``licenses/certificates.py``) both put ``seal(...)`` in their context and include
``casefiles/seal.html``, which sets the seal in a square box of ``diameter`` millimetres;
the document only positions that box.
"""

import base64
import math
from dataclasses import dataclass

NOTICE_DIAMETER = 42.0  # mm: a county- or city-level department's seal (国发〔1999〕25号: 4.2 cm)
CERTIFICATE_DIAMETER = 40.0  # mm: the certificate's 证照专用章


@dataclass(frozen=True)
class SealCharacter:
    text: str
    left: float  # mm, from the seal's left edge to the character box's
    top: float
    angle: float  # degrees, clockwise
    size: float  # mm


@dataclass(frozen=True)
class Seal:
    diameter: float  # mm: the box is diameter × diameter, the ring inside it
    image: str  # a data URI of the uploaded seal, or ""
    characters: list[SealCharacter]
    motto: str  # under the star: what the seal is for (证照专用章), or ""

    @property
    def star_top(self) -> float:
        return round(self.diameter * 0.355, 2)

    @property
    def star_size(self) -> float:  # mm
        return round(self.diameter * 0.19, 2)

    @property
    def motto_top(self) -> float:
        return round(self.diameter * 0.675, 2)

    @property
    def motto_size(self) -> float:  # mm
        return round(self.diameter * 0.062, 2)


def seal(department, name: str = "", *, diameter: float = NOTICE_DIAMETER, motto: str = "") -> Seal:
    """The seal of ``department`` (its image, if it has one), drawn with ``name`` (the
    department's own by default) otherwise."""
    image = seal_data_uri(department) if department is not None else ""
    name = name or (department.name if department is not None else "")
    return Seal(diameter=diameter, image=image, characters=[] if image else drawn_seal(name, diameter),
                motto=motto)


def seal_data_uri(department) -> str:
    """The seal as a data URI, so the PDF does not depend on where the storage keeps files."""
    if not department.seal:
        return ""
    with department.seal.open("rb") as handle:
        return "data:image/png;base64," + base64.b64encode(handle.read()).decode()


def drawn_seal(name: str, diameter: float = CERTIFICATE_DIAMETER) -> list[SealCharacter]:
    """The department's name set along the upper arc of a drawn seal: each character placed and
    turned towards the centre, as a carved seal reads."""
    name = str(name)[:24]
    count = len(name)
    if not count:
        return []
    radius = diameter / 2 - 4.6  # inside the ring, leaving room for the characters
    step = min(24.0, 250.0 / max(count - 1, 1))  # degrees between characters; at most 250° in all
    size = min(4.8, radius * math.radians(step) * 0.92)
    centre = diameter / 2
    start = -step * (count - 1) / 2
    characters = []
    for index, character in enumerate(name):
        angle = start + step * index
        x = centre + radius * math.sin(math.radians(angle))
        y = centre - radius * math.cos(math.radians(angle))
        characters.append(SealCharacter(character, round(x - size / 2, 2), round(y - size / 2, 2), round(angle, 2),
                                        round(size, 2)))
    return characters
