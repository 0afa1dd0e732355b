"""Where a document wants each organ's seal: a named destination (FitR: the seal's square) per organ, invisible on
the page, which the sealer (seals/provider.py) reads to place that organ's visible seal over its seal place."""

from __future__ import annotations

import hashlib

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfdoc import PDFDictionary
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from documents.models import CITY

SEAL_DIAMETER = 42 * mm
PREFIX = "seal-place-"


def seal_place_name(organ: str) -> str:
    """The destination's name for ``organ``, whether it is named with the city before it or not."""
    full = organ if organ.startswith(CITY) else CITY + organ
    return PREFIX + hashlib.sha256(full.encode()).hexdigest()[:24]


def mark_seal_place(canvas: Canvas, organ: str, x: float, y: float, diameter: float = SEAL_DIAMETER) -> None:
    """The seal of ``organ`` centred at (x, y) in the canvas's current coordinates."""
    left, bottom = canvas.absolutePosition(x - diameter / 2, y - diameter / 2)
    right, top = canvas.absolutePosition(x + diameter / 2, y + diameter / 2)
    name = seal_place_name(organ)
    canvas.bookmarkPage(name, fit="FitR", left=left, bottom=bottom, right=right, top=top)
    # reportlab writes a destination only when a link or an outline refers to it: list it in the catalog's /Dests.
    catalog = canvas._doc.Catalog  # type: ignore[attr-defined]
    dests = getattr(catalog, "Dests", None) or PDFDictionary({})
    dests.dict[name] = canvas._bookmarkReference(name)  # type: ignore[attr-defined]
    catalog.Dests = dests


class SealPlace(Flowable):
    """Takes no room: marks ``organ``'s seal centred ``from_right`` in from the frame's right edge, at the line
    between the flowables before and after it (the organ's name above, the date below)."""

    def __init__(self, organ: str, from_right: float):
        super().__init__()
        self.organ = organ
        self.from_right = from_right

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        return availWidth, 0

    def draw(self) -> None:
        mark_seal_place(self.canv, self.organ, self.width - self.from_right, 0)
