"""Line charts as small PNGs, with alt text that says in words what they show.

Drawn at twice the size and scaled down, for smooth lines and text, then cut to a small palette:
a chart has to fit inside a Teams card (40 KB for the whole message, base64 adds a third).
A digest draws one for every team each week, so the smooth version takes the cheap steps that
look alike: each 2x2 block averaged, an octree palette, zlib's default level (together about a
tenth of the time of Lanczos, median cut and `optimize`, and a file a third smaller).
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

from bot.core.messages import Chart

Series = tuple[str, Sequence[float | None]]
Font = ImageFont.FreeTypeFont | ImageFont.ImageFont

# Okabe–Ito: colours still told apart with the common colour-vision deficiencies.
COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#000000")
BACKGROUND, INK, MUTED, GRID, AXIS = "#FFFFFF", "#222222", "#666666", "#E4E4E4", "#999999"
SCALE = 2  # drawn at this multiple, then scaled down
MAX_PNG_BYTES = 20_000
PAD = 12
TITLE_CHARS, NAME_CHARS, LABEL_CHARS = 100, 30, 16
LEGEND_ROWS = 2
# Slack refuses alt text over 1,000 characters (files.getUploadURLExternal alt_txt_too_large).
ALT_CHARS = 1_000
ALT_LISTED = 600  # longer than this, each series is summed up instead of listed
MIN_WIDTH, MIN_HEIGHT = 240, 160
_SPACES = re.compile(r"\s+")


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
    values = [(name, [_finite(v) for v in points]) for name, points in series]
    for name, points in values:
        if len(points) != len(labels):
            raise ValueError(f"series {name!r} has {len(points)} values for {len(labels)} labels")
    png = _Canvas(width, height).draw(_plain(title), list(labels), values, y_min, y_max)
    return Chart(png=png, title=title, alt=_alt_text(title, labels, values, signed=y_min < 0))


def _alt_text(
    title: str, labels: Sequence[str], series: Sequence[Series], *, signed: bool = False
) -> str:
    """The data in words: every value when that stays short, else each series summed up."""
    head = _clip(_plain(title), TITLE_CHARS) or "Chart"
    named = [(_plain(name), points) for name, points in series]
    if not labels or all(v is None for _, points in named for v in points):
        return f"{head}: no data yet."
    listed = [_listed(labels, points, signed) for _, points in named]
    text = _join(head, named, listed)
    if len(text) > ALT_LISTED:
        text = _join(head, named, [_summary(labels, points, signed) for _, points in named])
    return _clip(text, ALT_CHARS)


def _join(head: str, named: Sequence[Series], parts: list[str]) -> str:
    if len(parts) == 1:
        return f"{head}: {parts[0]}."
    lines = "; ".join(
        f"{name or f'series {n}'}: {part}"
        for n, ((name, _), part) in enumerate(zip(named, parts, strict=True), start=1)
    )
    return f"{head}. {lines}."


def _listed(labels: Sequence[str], points: Sequence[float | None], signed: bool) -> str:
    return ", ".join(
        f"{_clip(_plain(label), LABEL_CHARS)} {_spoken(value, signed)}"
        for label, value in zip(labels, points, strict=True)
    )


def _summary(labels: Sequence[str], points: Sequence[float | None], signed: bool) -> str:
    known = [
        (_clip(_plain(label), LABEL_CHARS), v)
        for label, v in zip(labels, points, strict=True)
        if v is not None
    ]
    if not known:
        return "no data"
    (first, start), (last, end) = known[0], known[-1]
    low = min(known, key=lambda pair: pair[1])
    high = max(known, key=lambda pair: pair[1])
    return (
        f"{len(known)} of {len(labels)} points, from {_spoken(start, signed)} ({first}) "
        f"to {_spoken(end, signed)} ({last}), lowest {_spoken(low[1], signed)} ({low[0]}), "
        f"highest {_spoken(high[1], signed)} ({high[0]})"
    )


def _spoken(value: float | None, signed: bool) -> str:
    if value is None:
        return "no data"
    return _number(value, 1, signed)


def _number(value: float, decimals: int, signed: bool = False) -> str:
    rounded = round(value, decimals) + 0.0  # + 0.0 turns -0.0 into 0.0
    text = f"{rounded:.{decimals}f}" if decimals and not rounded.is_integer() else f"{rounded:.0f}"
    return f"+{text}" if signed and rounded > 0 else text


def _finite(value: float | None) -> float | None:
    return float(value) if value is not None and math.isfinite(value) else None


def _plain(text: str) -> str:
    """One line: control characters and line breaks become spaces."""
    return _SPACES.sub(" ", "".join(c if c.isprintable() else " " for c in text)).strip()


def _clip(text: str, chars: int) -> str:
    return text if len(text) <= chars else text[: chars - 1].rstrip() + "…"


@dataclass(frozen=True)
class _Box:
    left: float
    top: float
    right: float
    bottom: float


@dataclass(frozen=True)
class _Encoding:
    smooth: bool  # each SCALE x SCALE block averaged, else its top-left pixel kept
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


class _Canvas:
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
        legend_bottom = self._legend(PAD + 26, [name for name, _ in series])
        ticks = _ticks(y_min, y_max)
        decimals = next((d for d in range(6) if all(abs(round(t, d) - t) < 1e-9 for t in ticks)), 6)
        tick_labels = [_number(t, decimals, signed=y_min < 0) for t in ticks]
        y_label_width = max(self._length(text, self.font) for text in tick_labels)
        box = _Box(
            PAD + y_label_width + 8, legend_bottom + 12, self.width - PAD - 12, self.height - 32
        )
        self._grid(box, ticks, tick_labels, y_min, y_max)
        xs = _x_positions(box, len(labels))
        self._x_labels(box, xs, labels)
        for index, (_, points) in enumerate(series):
            ys = [None if v is None else _y(box, v, y_min, y_max) for v in points]
            self._line(xs, ys, COLOURS[index % len(COLOURS)])
        if all(v is None for _, points in series for v in points):
            self._centred(box, "No data yet")
        return self._png()

    # -- parts -----------------------------------------------------------------------------------

    def _legend(self, top: float, names: list[str]) -> float:
        """Swatch and name per series over at most LEGEND_ROWS rows, then "+N more"; returns
        the legend's bottom."""
        items = [
            (n, text) for n, name in enumerate(names) if (text := _clip(_plain(name), NAME_CHARS))
        ]
        if not items:
            return top
        note_width = self._length(f"+{len(items)} more", self.font)
        x, row = float(PAD), 0
        for shown, (index, text) in enumerate(items):
            width = 17 + self._length(text, self.font)
            more = shown < len(items) - 1
            reserve = 16 + note_width if row == LEGEND_ROWS - 1 and more else 0
            if x > PAD and x + width + reserve > self.width - PAD:
                if row == LEGEND_ROWS - 1:
                    note = f"+{len(items) - shown} more"
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
        texts = [_clip(_plain(label), LABEL_CHARS) for label in labels]
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
        text = _clip(text, TITLE_CHARS)
        while len(text) > 1 and self._length(text, font) > width:
            text = _clip(text, len(text) - 1)
        return text

    def _png(self) -> bytes:
        """The first encoding within its bound, else the smallest."""
        smallest = b""
        for encoding in ENCODINGS:
            small = (
                self.image.reduce(SCALE)
                if encoding.smooth
                else self.image.resize((self.width, self.height), Image.Resampling.NEAREST)
            )
            paletted = small.quantize(encoding.colours, encoding.palette, dither=Image.Dither.NONE)
            out = io.BytesIO()
            paletted.save(out, format="PNG")
            png = out.getvalue()
            if len(png) <= encoding.max_bytes:
                return png
            smallest = png if not smallest or len(png) < len(smallest) else smallest
        return smallest


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
