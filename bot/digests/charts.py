"""Line charts as small PNGs, with alt text that says in words what they show.

Drawn at twice the size and scaled down, for smooth lines and text, then cut to a small palette
(bot.digests.chart_drawing, bot.digests.chart_png); the words are bot.digests.chart_words.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from bot.core.messages import Chart
from bot.digests.chart_drawing import Canvas
from bot.digests.chart_words import Series, alt_text, finite, plain

MIN_WIDTH, MIN_HEIGHT = 240, 160


def line_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    y_min: float,
    y_max: float,
    width: int = 720,
    height: int = 360,
) -> Chart:
    """One line per series over `labels` (rounds, weeks), None where a value is missing.
    Values outside y_min..y_max are drawn at the edge; the alt text keeps them as they are."""
    if not y_min < y_max or not (math.isfinite(y_min) and math.isfinite(y_max)):
        raise ValueError(f"need finite y_min < y_max, got {y_min}..{y_max}")
    if width < MIN_WIDTH or height < MIN_HEIGHT:
        raise ValueError(f"a chart is at least {MIN_WIDTH}x{MIN_HEIGHT} pixels")
    values = [(name, [finite(v) for v in points]) for name, points in series]
    for name, points in values:
        if len(points) != len(labels):
            raise ValueError(f"series {name!r} has {len(points)} values for {len(labels)} labels")
    png = Canvas(width, height).draw(plain(title), list(labels), values, y_min, y_max)
    return Chart(png=png, title=title, alt=alt_text(title, labels, values, signed=y_min < 0))
