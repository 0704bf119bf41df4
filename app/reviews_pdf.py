"""A review document as PDF, with fpdf2.

PDF's built-in fonts know Latin-1 only, so a TrueType font with the rest of Unicode is used
where the system has one (DejaVu Sans, which Debian's fonts-dejavu-core installs, or the file
CHECKIN_PDF_FONT names); without one, characters outside Latin-1 print as "?" and the Markdown
beside the PDF keeps them."""

from __future__ import annotations

import os
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from app.reviews_export import Document

FONT_FILES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",  # Debian, Ubuntu
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",  # Fedora
    "/usr/share/fonts/TTF/DejaVuSans.ttf",  # Arch
    "/Library/Fonts/Arial Unicode.ttf",  # macOS
    "C:/Windows/Fonts/arial.ttf",
)
SIZES = {"h1": 18, "h2": 14, "h3": 11, "p": 10, "item": 10}
GAPS = {"h1": 4, "h2": 5, "h3": 3, "p": 1, "item": 0}


def unicode_font() -> Path | None:
    named = os.environ.get("CHECKIN_PDF_FONT")
    candidates = [named] if named else list(FONT_FILES)
    return next((Path(c) for c in candidates if c and Path(c).is_file()), None)


def to_pdf(doc: Document, font: Path | None) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_title(doc.blocks[0][1] if doc.blocks else "Review")
    if font is not None:
        pdf.add_font("body", "", str(font))
        family = "body"
    else:
        family = "helvetica"
    pdf.add_page()
    for kind, text in doc.blocks:
        shown = text if font is not None else text.encode("latin-1", "replace").decode("latin-1")
        pdf.set_font(family, size=SIZES.get(kind, 10))
        pdf.ln(GAPS.get(kind, 1))
        if kind == "item":
            shown = f"•  {shown}" if font is not None else f"-  {shown}"
        pdf.multi_cell(0, SIZES.get(kind, 10) * 0.55, shown, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())
