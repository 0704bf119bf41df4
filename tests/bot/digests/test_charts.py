"""bot.digests.charts.line_chart draws a real, small PNG and says in words what it shows."""

from __future__ import annotations

import io
import itertools
import math

import pytest
from PIL import Image

from bot.core.messages import Chart
from bot.digests.chart_drawing import COLOURS
from bot.digests.chart_png import MAX_PNG_BYTES
from bot.digests.charts import line_chart

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ROUNDS = ["Mar 2", "Mar 9", "Mar 16"]
WEEKS = [f"Week {n}" for n in range(1, 53)]


def decoded(chart: Chart) -> Image.Image:
    assert chart.png.startswith(PNG_SIGNATURE)
    image = Image.open(io.BytesIO(chart.png))
    assert image.format == "PNG"
    image.load()
    return image.convert("RGB")


def colours(image: Image.Image) -> set[tuple[int, int, int]]:
    found = image.getcolors(maxcolors=1 << 16)
    assert found is not None
    return {colour for _, colour in found}


def shows(image: Image.Image, hex_colour: str, tolerance: int = 30) -> bool:
    """Some pixel is close to this colour (the palette may shift it a little)."""
    want = tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return any(
        all(abs(a - b) <= tolerance for a, b in zip(colour, want, strict=True))
        for colour in colours(image)
    )


def enps() -> Chart:
    return line_chart("eNPS by round", ROUNDS, [("eNPS", [12, 20, 35])], y_min=-100, y_max=100)


def test_a_chart_is_a_png_of_the_asked_size_with_its_series_colour() -> None:
    chart = enps()
    image = decoded(chart)
    assert image.size == (720, 360)
    assert len(colours(image)) >= 5  # background, grid, text, the line...
    assert shows(image, COLOURS[0])
    assert chart.title == "eNPS by round"


def test_each_series_has_its_own_colour() -> None:
    series = [(f"Team {n}", [10.0 * n, 20.0, 30.0 + n]) for n in range(4)]
    image = decoded(line_chart("By team", ROUNDS, series, y_min=0, y_max=100))
    for colour in COLOURS[:4]:
        assert shows(image, colour), colour


def test_the_size_can_be_chosen() -> None:
    chart = line_chart("t", ROUNDS, [("a", [1, 2, 3])], y_min=0, y_max=5, width=400, height=200)
    assert decoded(chart).size == (400, 200)


def test_alt_text_states_the_data_in_words() -> None:
    assert enps().alt == "eNPS by round: Mar 2 +12, Mar 9 +20, Mar 16 +35."


def test_alt_text_names_each_series_and_its_gaps() -> None:
    chart = line_chart(
        "Mood",
        ROUNDS,
        [("Engineering", [3.67, None, 4.0]), ("Sales", [2.5, 3.25, None])],
        y_min=1,
        y_max=5,
    )
    assert chart.alt == (
        "Mood. Engineering: Mar 2 3.7, Mar 9 no data, Mar 16 4; "
        "Sales: Mar 2 2.5, Mar 9 3.2, Mar 16 no data."
    )


def test_gaps_and_a_lone_point_between_them_still_draw() -> None:
    values = [None, 40.0, None, 60.0, 70.0, None]
    labels = [f"R{n}" for n in range(6)]
    image = decoded(line_chart("Gaps", labels, [("a", values)], y_min=0, y_max=100))
    assert shows(image, COLOURS[0])


def test_nan_and_infinity_are_gaps() -> None:
    chart = line_chart("t", ROUNDS, [("a", [math.nan, 5.0, math.inf])], y_min=0, y_max=10)
    assert chart.alt == "t: Mar 2 no data, Mar 9 5, Mar 16 no data."
    decoded(chart)


def test_a_single_point_is_drawn() -> None:
    chart = line_chart("First round", ["Mar 2"], [("eNPS", [12])], y_min=-100, y_max=100)
    assert shows(decoded(chart), COLOURS[0])
    assert chart.alt == "First round: Mar 2 +12."


def test_no_data_at_all_still_draws_the_axes() -> None:
    chart = line_chart("Nothing", ROUNDS, [("a", [None, None, None])], y_min=0, y_max=10)
    assert chart.alt == "Nothing: no data yet."
    assert len(colours(decoded(chart))) >= 3
    empty = line_chart("Nothing", [], [], y_min=0, y_max=10)
    assert empty.alt == "Nothing: no data yet."
    decoded(empty)


def test_values_beyond_the_range_are_kept_in_words() -> None:
    chart = line_chart("t", ROUNDS, [("a", [-5, 50, 150])], y_min=0, y_max=100)
    assert chart.alt == "t: Mar 2 -5, Mar 9 50, Mar 16 150."
    decoded(chart)


def test_a_year_of_weeks_in_seven_series_stays_small_and_is_summed_up() -> None:
    series = [
        (f"KR {k}", [50 + 40 * math.sin(n / 5 + k) if n % 7 else None for n in range(52)])
        for k in range(7)
    ]
    chart = line_chart("Key results this year", WEEKS, series, y_min=0, y_max=100)
    assert decoded(chart).size == (720, 360)
    assert len(chart.png) < MAX_PNG_BYTES
    assert len(chart.alt) <= 1000
    assert "KR 0: 44 of 52 points, from " in chart.alt
    assert "(Week 52)" in chart.alt


def test_even_a_chart_of_noise_stays_under_the_size_bound() -> None:
    series = [(f"KR {k}", [float((n * 37 * (k + 3)) % 100) for n in range(52)]) for k in range(7)]
    chart = line_chart("Noise", WEEKS, series, y_min=0, y_max=100)
    assert len(chart.png) < MAX_PNG_BYTES
    decoded(chart)


def test_typical_charts_fit_a_teams_card_several_times_over() -> None:
    # A Teams message is at most 40 KB and base64 inflates by 4/3.
    assert len(enps().png) * 4 / 3 < 10_000


def x_label_groups(chart: Chart) -> list[tuple[int, int]]:
    """Column spans of dark pixels in the strip of x labels, a space's width apart or more."""
    image = decoded(chart).convert("L")
    width, height = image.size
    strip = range(height - 24, height - 4)
    dark = [x for x in range(width) if any(image.getpixel((x, y)) < 160 for y in strip)]
    spans: list[tuple[int, int]] = []
    for x in dark:
        if spans and x - spans[-1][1] <= 6:
            spans[-1] = (spans[-1][0], x)
        else:
            spans.append((x, x))
    return spans


def test_few_labels_are_all_shown() -> None:
    chart = line_chart("t", WEEKS[:4], [("a", [1.0, 2.0, 3.0, 4.0])], y_min=0, y_max=5)
    assert len(x_label_groups(chart)) == 4


def test_many_labels_are_thinned_apart_and_the_latest_kept() -> None:
    chart = line_chart("t", WEEKS, [("a", [float(n) for n in range(52)])], y_min=0, y_max=60)
    spans = x_label_groups(chart)
    assert 5 <= len(spans) <= 14
    assert all(later[0] - earlier[1] >= 8 for earlier, later in itertools.pairwise(spans))
    assert spans[-1][1] > 720 - 30  # "Week 52", at the right edge


@pytest.mark.parametrize(
    "title",
    [
        "x" * 5_000,
        "Pulse 🎉🔥👩🏽‍💻 results " * 20,
        "نتائج الاستطلاع לפי סבב",
        "line\nbreaks\tand\x00controls\x1b[2J",
        "",
    ],
    ids=["long", "emoji", "rtl", "controls", "empty"],
)
def test_any_title_and_series_name_draws(title: str) -> None:
    series = [(title, [1.0, None, 3.0]), (title[::-1], [2.0, 2.5, None])]
    chart = line_chart(title, ROUNDS, series, y_min=0, y_max=5)
    assert decoded(chart).size == (720, 360)
    assert chart.title == title
    assert 0 < len(chart.alt) <= 1000
    assert "\n" not in chart.alt and "\x00" not in chart.alt


def test_long_labels_and_many_series_draw() -> None:
    labels = ["A very long round name that goes on " * 3 + str(n) for n in range(30)]
    series = [(f"Series with a long name {n} " * 3, [float(n)] * 30) for n in range(12)]
    chart = line_chart("t", labels, series, y_min=0, y_max=12)
    decoded(chart)
    assert len(chart.alt) <= 1000


@pytest.mark.parametrize(
    ("y_min", "y_max", "width", "height"),
    [(5, 5, 720, 360), (10, 0, 720, 360), (0, math.inf, 720, 360), (0, 1, 100, 100)],
)
def test_impossible_ranges_and_sizes_are_refused(
    y_min: float, y_max: float, width: int, height: int
) -> None:
    with pytest.raises(ValueError):
        line_chart("t", ROUNDS, [], y_min=y_min, y_max=y_max, width=width, height=height)


def test_a_series_must_have_a_value_per_label() -> None:
    with pytest.raises(ValueError, match="2 values for 3 labels"):
        line_chart("t", ROUNDS, [("a", [1.0, 2.0])], y_min=0, y_max=5)


def test_the_same_data_gives_the_same_bytes() -> None:
    assert enps().png == enps().png
