"""Drawing a line chart: title, legend, grid, labels and one line per series, at twice the size
for smooth lines and text (bot.digests.chart_png makes the small PNG of it)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

from bot.core.i18n import catalog
from bot.digests.chart_png import small_png
from bot.digests.chart_words import LABEL_CHARS, NAME_CHARS, TITLE_CHARS, clip, number, plain

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont

# Okabe–Ito: colours still told apart with the common colour-vision deficiencies.
COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#000000")
BACKGROUND, INK, MUTED, GRID, AXIS = "#FFFFFF", "#222222", "#666666", "#E4E4E4", "#999999"
SCALE = 2  # drawn at this multiple, then scaled down
PAD = 12
LEGEND_ROWS = 2

_, ngettext = catalog("bot.digests")


@dataclass(frozen=True)
class _Box:
    left: float
    top: float
    right: float
    bottom: float


class Canvas:
    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.image = Image.new("RGB", (width * SCALE, height * SCALE), BACKGROUND)
        self.pen = ImageDraw.Draw(self.image)
        self.title_font = _font(17)
        self.font = _font(12)

    def draw(
        self,
        title: str,
        labels: list[str],
        series: list[tuple[str, list[float | None]]],
        y_min: float,
        y_max: float,
    ) -> bytes:
        self._text(
            (PAD, PAD),
            self._fit(title, self.title_font, self.width - 2 * PAD),
            self.title_font,
            INK,
        )
        legend_bottom = self._legend(PAD + 26, [name for name, _points in series])
        ticks = _ticks(y_min, y_max)
        decimals = next((d for d in range(6) if all(abs(round(t, d) - t) < 1e-9 for t in ticks)), 6)
        tick_labels = [number(t, decimals, signed=y_min < 0) for t in ticks]
        y_label_width = max(self._length(text, self.font) for text in tick_labels)
        box = _Box(
            PAD + y_label_width + 8, legend_bottom + 12, self.width - PAD - 12, self.height - 32
        )
        self._grid(box, ticks, tick_labels, y_min, y_max)
        xs = _x_positions(box, len(labels))
        self._x_labels(box, xs, labels)
        for index, (_name, points) in enumerate(series):
            ys = [None if v is None else _y(box, v, y_min, y_max) for v in points]
            self._line(xs, ys, COLOURS[index % len(COLOURS)])
        if all(v is None for _name, points in series for v in points):
            self._centred(box, _("No data yet"))
        return small_png(self.image, self.width, self.height, SCALE)

    # -- parts -----------------------------------------------------------------------------------

    def _legend(self, top: float, names: list[str]) -> float:
        """Swatch and name per series over at most LEGEND_ROWS rows, then "+N more"; returns
        the legend's bottom."""
        items = [
            (n, text) for n, name in enumerate(names) if (text := clip(plain(name), NAME_CHARS))
        ]
        if not items:
            return top
        note_width = self._length(_("+{count} more").format(count=len(items)), self.font)
        x, row = float(PAD), 0
        for shown, (index, text) in enumerate(items):
            width = 17 + self._length(text, self.font)
            more = shown < len(items) - 1
            reserve = 16 + note_width if row == LEGEND_ROWS - 1 and more else 0
            if x > PAD and x + width + reserve > self.width - PAD:
                if row == LEGEND_ROWS - 1:
                    note = _("+{count} more").format(count=len(items) - shown)
                    self._text((x, top + row * 18), note, self.font, MUTED)
                    break
                row, x = row + 1, float(PAD)
            y = top + row * 18
            self._rectangle((x, y + 4, x + 12, y + 12), COLOURS[index % len(COLOURS)])
            self._text((x + 17, y), text, self.font, INK)
            x += width + 16
        return top + (row + 1) * 18

    def _grid(
        self, box: _Box, ticks: list[float], labels: list[str], y_min: float, y_max: float
    ) -> None:
        for tick, label in zip(ticks, labels, strict=True):
            y = _y(box, tick, y_min, y_max)
            colour = AXIS if tick == 0 and y_min < 0 else GRID
            self._segment((box.left, y), (box.right, y), colour, 1)
            right_aligned = box.left - 8 - self._length(label, self.font)
            self._text((right_aligned, y - 8), label, self.font, MUTED)
        self._segment((box.left, box.top), (box.left, box.bottom), AXIS, 1)
        self._segment((box.left, box.bottom), (box.right, box.bottom), AXIS, 1)

    def _x_labels(self, box: _Box, xs: list[float], labels: list[str]) -> None:
        texts = [clip(plain(label), LABEL_CHARS) for label in labels]
        if not texts:
            return
        widest = max(self._length(text, self.font) for text in texts)
        spacing = (xs[1] - xs[0]) if len(xs) > 1 else box.right - box.left
        # Every step-th label, counted back from the latest, which is always shown.
        step = max(1, math.ceil((widest + 12) / spacing))
        limit = float(self.width)
        for index in range(len(texts) - 1, -1, -step):
            text = texts[index]
            length = self._length(text, self.font)
            x = min(max(xs[index] - length / 2, PAD), self.width - PAD - length)
            # The edges push the outer labels inwards, onto their neighbours: skip those.
            if x + length + 8 > limit:
                continue
            limit = x
            self._segment((xs[index], box.bottom), (xs[index], box.bottom + 4), AXIS, 1)
            self._text((x, box.bottom + 6), text, self.font, MUTED)

    def _line(self, xs: list[float], ys: list[float | None], colour: str) -> None:
        run: list[tuple[float, float]] = []
        for x, y in [*zip(xs, ys, strict=True), (0.0, None)]:
            if y is not None:
                run.append((x, y))
                continue
            if len(run) > 1:
                scaled = [(px * SCALE, py * SCALE) for px, py in run]
                self.pen.line(scaled, fill=colour, width=round(2.5 * SCALE), joint="curve")
            for px, py in run:
                radius = 3.5 * SCALE
                self.pen.ellipse(
                    (
                        px * SCALE - radius,
                        py * SCALE - radius,
                        px * SCALE + radius,
                        py * SCALE + radius,
                    ),
                    fill=colour,
                    outline=BACKGROUND,
                    width=SCALE,
                )
            run = []

    def _centred(self, box: _Box, text: str) -> None:
        left = (box.left + box.right - self._length(text, self.font)) / 2
        self._text((left, (box.top + box.bottom) / 2 - 8), text, self.font, MUTED)

    # -- drawing in chart pixels -----------------------------------------------------------------

    def _text(self, at: tuple[float, float], text: str, font: Font, colour: str) -> None:
        self.pen.text((at[0] * SCALE, at[1] * SCALE), text, fill=colour, font=font)

    def _segment(
        self, start: tuple[float, float], end: tuple[float, float], colour: str, width: float
    ) -> None:
        points = [(start[0] * SCALE, start[1] * SCALE), (end[0] * SCALE, end[1] * SCALE)]
        self.pen.line(points, fill=colour, width=max(1, round(width * SCALE)))

    def _rectangle(self, box: tuple[float, float, float, float], colour: str) -> None:
        self.pen.rectangle(tuple(v * SCALE for v in box), fill=colour)

    def _length(self, text: str, font: Font) -> float:
        return float(self.pen.textlength(text, font=font)) / SCALE

    def _fit(self, text: str, font: Font, width: float) -> str:
        text = clip(text, TITLE_CHARS)
        while len(text) > 1 and self._length(text, font) > width:
            text = clip(text, len(text) - 1)
        return text


def _font(size: int) -> Font:
    # Pillow's own font (Aileron), at a size; nothing is read from the system.
    return ImageFont.load_default(size=size * SCALE)


def _ticks(y_min: float, y_max: float) -> list[float]:
    """Round numbers from y_min to y_max, about five steps apart."""
    raw = (y_max - y_min) / 5
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.ceil(y_min / step - 1e-9)
    last = math.floor(y_max / step + 1e-9)
    return [round(n * step, 10) for n in range(first, last + 1)]


def _x_positions(box: _Box, count: int) -> list[float]:
    inset = 10.0
    if count == 1:
        return [(box.left + box.right) / 2]
    span = box.right - box.left - 2 * inset
    return [box.left + inset + span * n / (count - 1) for n in range(count)]


def _y(box: _Box, value: float, y_min: float, y_max: float) -> float:
    share = (min(max(value, y_min), y_max) - y_min) / (y_max - y_min)
    return box.bottom - share * (box.bottom - box.top)
