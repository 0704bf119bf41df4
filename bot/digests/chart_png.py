"""A chart drawn at a multiple of its size, as a small PNG.

A chart has to fit inside a card with the rest of the message, on every platform. A digest
draws one for every team each week, so the smooth version takes the cheap steps that look
alike: each 2x2 block averaged, an octree palette, zlib's default level (together about a
tenth of the time of Lanczos, median cut and `optimize`, and a file a third smaller).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image

# A Teams card takes 40 KB for the whole message, and base64 adds a third.
MAX_PNG_BYTES = 20_000


@dataclass(frozen=True)
class _Encoding:
    smooth: bool  # each scale x scale block averaged, else its top-left pixel kept
    colours: int
    palette: Image.Quantize
    max_bytes: int


# Smooth first. A busy chart (jagged lines, many series) whose smooth edges won't compress, past
# 12,500 bytes (the charts past 20,000 with Lanczos and median cut), drops them for fewer
# colours. Median cut for those: slower, but a few percent smaller, and they are near the bound.
ENCODINGS = (
    _Encoding(smooth=True, colours=64, palette=Image.Quantize.FASTOCTREE, max_bytes=12_500),
    _Encoding(smooth=False, colours=16, palette=Image.Quantize.MEDIANCUT, max_bytes=MAX_PNG_BYTES),
)


def small_png(image: Image.Image, width: int, height: int, scale: int) -> bytes:
    """`image`, drawn at `scale` times width x height, at its size: the first encoding within
    its bound, else the smallest."""
    smallest = b""
    for encoding in ENCODINGS:
        small = (
            image.reduce(scale)
            if encoding.smooth
            else image.resize((width, height), Image.Resampling.NEAREST)
        )
        paletted = small.quantize(encoding.colours, encoding.palette, dither=Image.Dither.NONE)
        out = io.BytesIO()
        paletted.save(out, format="PNG")
        png = out.getvalue()
        if len(png) <= encoding.max_bytes:
            return png
        smallest = png if not smallest or len(png) < len(smallest) else smallest
    return smallest
