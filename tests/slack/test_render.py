"""Behaviour of adapters.slack.render: Block Kit that Slack accepts, where nobody gets pinged."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from adapters.slack.render import (
    ACTION_OPEN_FORM,
    ACTION_START_CHECKIN,
    CHOICE_ACTION,
    FORM_CALLBACK_ID,
    TRUNCATION_MARKER,
    choice_value,
    escape,
    form_values,
    parse_choice_value,
    render_answered,
    render_home,
    render_message,
    render_modal,
    truncate,
)
from bot.core.messages import Card, Chart, Choice, Field, Form, FormField, Question, Section, Text

HOSTILE = "<!channel> <@U123> <https://evil.example|click> <#C1> Tom & Jerry"
WORLD = "שלום 👋🏽 مرحبا — ça va? 🇳🇴"
MOOD = (Choice("1 😞", "1"), Choice("2 🙁", "2"), Choice("Skip", "skip"))

# Strings Slack never renders as markup: ids, values sent back to us, the text in an input box.
RAW_KEYS = {"value", "initial_value", "private_metadata", "block_id", "action_id", "callback_id"}
_ENTITY = re.compile(r"&(?:amp|lt|gt);")


# -- checkers -----------------------------------------------------------------------------------


def markup_strings(node: Any) -> Iterator[str]:
    """Every string Slack parses for mentions and links: all but plain_text and raw values."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in RAW_KEYS or (key == "text" and node.get("type") == "plain_text"):
                continue
            yield from markup_strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from markup_strings(item)
    elif isinstance(node, str):
        yield node


def assert_nobody_pinged(payload: dict[str, Any]) -> None:
    for text in markup_strings(payload):
        assert "<" not in text and ">" not in text, text  # so no <!channel>, <@U…>, <http…>
        assert "&" not in _ENTITY.sub("", text), f"bare & in {text!r}"


def text_objects(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if node.get("type") in ("plain_text", "mrkdwn"):
            yield node
        for value in node.values():
            yield from text_objects(value)
    elif isinstance(node, list):
        for item in node:
            yield from text_objects(item)


def _text(obj: dict[str, Any], limit: int, kind: str | None = None) -> None:
    assert obj["type"] in ((kind,) if kind else ("plain_text", "mrkdwn")), obj
    assert 1 <= len(obj["text"]) <= limit, (limit, len(obj["text"]))


def assert_within_slack_limits(payload: dict[str, Any]) -> None:
    """Block Kit limits for messages, modals and home tabs, as Slack documents them."""
    blocks = payload["blocks"]
    view = payload.get("type") in ("modal", "home")
    assert 1 <= len(blocks) <= (100 if view else 50)
    if payload.get("type") == "modal":
        for key in ("title", "submit", "close"):
            _text(payload[key], 24, "plain_text")
        assert len(payload.get("private_metadata", "")) <= 3000
        assert len(payload["callback_id"]) <= 255
    elif not view:
        assert len(payload["text"]) <= 3000
    block_ids = [block["block_id"] for block in blocks if "block_id" in block]
    assert len(block_ids) == len(set(block_ids)), block_ids
    assert all(1 <= len(block_id) <= 255 for block_id in block_ids)
    for block in blocks:
        _check_block(block)
    for obj in text_objects(payload):
        assert obj["text"].strip(), "Slack rejects blank text"
    assert_slack_sdk_accepts(payload)


def assert_slack_sdk_accepts(payload: dict[str, Any]) -> None:
    """A second opinion: slack_sdk's own models validate and rebuild the same JSON."""
    if payload.get("type") in ("modal", "home"):
        view = View(**payload)
        view.validate_json()
        assert view.to_dict() == payload
    for block in payload["blocks"]:
        model = Block.parse(block)
        assert model is not None
        model.validate_json()
        assert model.to_dict() == block


def _check_block(block: dict[str, Any]) -> None:
    kind = block["type"]
    if kind == "section":
        assert "text" in block or "fields" in block
        if "text" in block:
            _text(block["text"], 3000)
        assert len(block.get("fields", [])) <= 10
        for field in block.get("fields", []):
            _text(field, 2000)
    elif kind == "header":
        _text(block["text"], 150, "plain_text")
    elif kind == "context":
        assert 1 <= len(block["elements"]) <= 10
        for element in block["elements"]:
            _text(element, 3000)
    elif kind == "actions":
        elements = block["elements"]
        assert 1 <= len(elements) <= 25
        action_ids = [element["action_id"] for element in elements]
        assert len(action_ids) == len(set(action_ids)), action_ids
        for button in elements:
            assert button["type"] == "button" and len(button["action_id"]) <= 255
            _text(button["text"], 75, "plain_text")
            assert len(button.get("value", "")) <= 2000
    elif kind == "input":
        _text(block["label"], 2000, "plain_text")
        _check_input_element(block["element"])
    else:
        pytest.fail(f"unexpected block type {kind}")


def _check_input_element(element: dict[str, Any]) -> None:
    assert element["action_id"] == "value"
    if element["type"] == "plain_text_input":
        assert element["max_length"] <= 3000
        assert len(element.get("initial_value", "")) <= element["max_length"]
        if "placeholder" in element:
            _text(element["placeholder"], 150, "plain_text")
    elif element["type"] == "multi_users_select":
        _text(element["placeholder"], 150, "plain_text")
        assert all(isinstance(user, str) for user in element.get("initial_users", []))
    else:
        assert element["type"] == "static_select"
        options = element["options"]
        assert 1 <= len(options) <= 100
        for option in options:
            _text(option["text"], 75, "plain_text")
            assert 1 <= len(option["value"]) <= 150
        assert element.get("initial_option", options[0]) in options


def all_strings(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [s for value in node.values() for s in all_strings(value)]
    if isinstance(node, list):
        return [s for item in node for s in all_strings(item)]
    return [node] if isinstance(node, str) else []


def block_texts(payload: dict[str, Any]) -> list[str]:
    return [obj["text"] for obj in text_objects(payload["blocks"])]


def checkin_question(**changes: Any) -> Question:
    question = Question(
        "42", "Weekly signups: what is it now?", MOOD, "Type 400 or done", 2, 9, offers_form=True
    )
    return Question(**{**question.__dict__, **changes})


def checkin_form(fields: int) -> Form:
    return Form(
        "f_7",
        "Weekly check-in",
        tuple(FormField(f"kr:{n}:value", f"Key result {n}", "number") for n in range(fields)),
    )


# -- people's text can't ping or link -----------------------------------------------------------

HOSTILE_CARD = Card(
    HOSTILE,
    (
        Section(HOSTILE, (Field(HOSTILE, HOSTILE), Field("Answer", HOSTILE)), HOSTILE),
        Section(HOSTILE, tuple(Field(f"{HOSTILE} {n}", HOSTILE) for n in range(12))),
        *(Section(f"{HOSTILE} {n}", text=HOSTILE * 100) for n in range(60)),
    ),
    HOSTILE,
)
HOSTILE_QUESTION = Question(
    HOSTILE, HOSTILE, tuple(Choice(HOSTILE, HOSTILE) for _ in range(30)), HOSTILE, 1, 3
)
HOSTILE_FORM = Form(
    HOSTILE,
    HOSTILE,
    (
        FormField(HOSTILE, HOSTILE, "text", initial=HOSTILE),
        FormField("n", HOSTILE, "number", initial=HOSTILE),
        FormField("c", HOSTILE, "choice", (Choice(HOSTILE, "x"),), "x"),
    ),
    HOSTILE,
)

HOSTILE_PAYLOADS: list[tuple[str, Callable[[], dict[str, Any]]]] = [
    ("text", lambda: render_message(Text(HOSTILE))),
    ("long text", lambda: render_message(Text(HOSTILE * 500))),
    ("question", lambda: render_message(HOSTILE_QUESTION)),
    ("answered", lambda: render_answered(HOSTILE_QUESTION, HOSTILE)),
    ("card", lambda: render_message(HOSTILE_CARD)),
    ("home", lambda: render_home(HOSTILE_CARD, start_button=True)),
    ("modal", lambda: render_modal(HOSTILE_FORM)),
    ("form as message", lambda: render_message(HOSTILE_FORM)),
]


@pytest.mark.parametrize(("name", "render"), HOSTILE_PAYLOADS, ids=[n for n, _ in HOSTILE_PAYLOADS])
def test_people_text_is_escaped_in_every_block_type(
    name: str, render: Callable[[], dict[str, Any]]
) -> None:
    payload = render()
    assert_nobody_pinged(payload)
    assert_within_slack_limits(payload)
    if name != "modal":  # a modal's text is all plain_text
        assert any("&lt;!channel&gt;" in text for text in block_texts(payload))
    if name not in ("modal", "home"):  # views have no notification text
        assert "&lt;@U123&gt;" in payload["text"]


def test_card_fields_and_fallback_text_are_escaped() -> None:
    card = Card("Summary", (Section("Signups", (Field("Blockers", HOSTILE),)),), HOSTILE)
    payload = render_message(card)
    fields = payload["blocks"][1]["fields"]
    assert fields[0]["text"] == "*Blockers*\n" + escape(HOSTILE)
    assert escape(HOSTILE) in payload["text"]
    assert_nobody_pinged(payload)


def test_plain_text_shows_what_was_typed_without_double_escaping() -> None:
    question = checkin_question(choices=(Choice("<@U1> & co", "x"),))
    button = render_message(question)["blocks"][-1]["elements"][0]
    assert button["text"]["text"] == "<@U1> & co"
    header = render_message(Card("Tom & Jerry"))["blocks"][0]
    assert header == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Tom & Jerry", "emoji": True},
    }


@pytest.mark.parametrize(("name", "render"), HOSTILE_PAYLOADS, ids=[n for n, _ in HOSTILE_PAYLOADS])
def test_mrkdwn_is_verbatim_so_slack_adds_no_links_or_mentions_of_its_own(
    name: str, render: Callable[[], dict[str, Any]]
) -> None:
    # Without verbatim, Slack itself links bare URLs and #channels and parses some mentions.
    mrkdwn = [obj for obj in text_objects(render()) if obj["type"] == "mrkdwn"]
    assert all(obj["verbatim"] is True for obj in mrkdwn)


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("Tom & Jerry", "Tom &amp; Jerry"),
        ("<!channel>", "&lt;!channel&gt;"),
        ("<@U123>", "&lt;@U123&gt;"),
        ("<https://evil|click>", "&lt;https://evil|click&gt;"),
        ("&amp;", "&amp;amp;"),  # typed literally, shown literally
        ("*bold* _it_ ~s~", "*bold* _it_ ~s~"),
        (WORLD, WORLD),
        ("", ""),
    ],
)
def test_escape(raw: str, escaped: str) -> None:
    assert escape(raw) == escaped


def test_emoji_and_right_to_left_text_pass_through() -> None:
    card = Card(WORLD, (Section(WORLD, (Field(WORLD, WORLD),), WORLD),), WORLD)
    for payload in (
        render_message(Text(WORLD)),
        render_message(card),
        render_home(card, start_button=False),
    ):
        assert all(WORLD in text for text in block_texts(payload))


# -- truncation and splitting -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("short", 20, "short"),
        ("x" * 20, 20, "x" * 20),
        ("x" * 21, 20, "x" * 7 + TRUNCATION_MARKER),
        ("x" * 5 + "&amp;" + "y" * 20, 20, "x" * 5 + TRUNCATION_MARKER),  # never "&am"
        ("x" * 6 + "&lt;" + "y" * 20, 20, "x" * 6 + TRUNCATION_MARKER),
        ("x" * 7 + "&gt;" + "y" * 20, 20, "x" * 7 + TRUNCATION_MARKER),
        ("word " * 10, 20, "word wo" + TRUNCATION_MARKER),
    ],
)
def test_truncate(text: str, limit: int, expected: str) -> None:
    assert truncate(text, limit) == expected


@given(st.text(), st.integers(len(TRUNCATION_MARKER), 200))
def test_truncate_fits_the_limit_and_keeps_entities_whole(raw: str, limit: int) -> None:
    escaped = escape(raw)
    cut = truncate(escaped, limit)
    assert len(cut) <= limit
    if len(escaped) <= limit:
        assert cut == escaped
    else:
        assert cut.endswith(TRUNCATION_MARKER)
        assert escaped.startswith(cut.removesuffix(TRUNCATION_MARKER))
        assert "&" not in _ENTITY.sub("", cut)


def test_truncate_needs_room_for_the_marker() -> None:
    with pytest.raises(ValueError):
        truncate("a long text", 5)


def test_long_text_is_split_over_sections_without_losing_a_word() -> None:
    words = " ".join(f"w{n}&" for n in range(8000))
    text = "\n".join(words[i : i + 900] for i in range(0, len(words), 900))[:40_000]
    payload = render_message(Text(text))
    assert_within_slack_limits(payload)
    parts = block_texts(payload)
    assert len(parts) >= 14
    assert not any(TRUNCATION_MARKER in part for part in parts)
    assert re.sub(r"\s", "", "".join(parts)) == re.sub(r"\s", "", escape(text))
    assert payload["text"].endswith(TRUNCATION_MARKER)


def test_text_beyond_45_sections_is_cut_with_the_marker() -> None:
    payload = render_message(Text("y" * 200_000))
    assert_within_slack_limits(payload)
    assert len(payload["blocks"]) == 45
    assert block_texts(payload)[-1].endswith(TRUNCATION_MARKER)


@pytest.mark.parametrize("text", ["", "   ", "\n\n"])
def test_blank_text_still_renders_a_block_slack_accepts(text: str) -> None:
    assert_within_slack_limits(render_message(Text(text)))


def test_a_split_never_leaves_a_block_of_only_spaces() -> None:
    payload = render_message(Text(" " * 5000 + "end"))
    assert [text.strip() for text in block_texts(payload)] == ["end"]


@settings(max_examples=60, deadline=None)
@given(st.builds(lambda piece, times: piece * times, st.text(max_size=8), st.integers(0, 9000)))
def test_any_text_renders_within_limits(text: str) -> None:
    payload = render_message(Text(text))
    assert_within_slack_limits(payload)
    assert_nobody_pinged(payload)


# -- Slack's limits -----------------------------------------------------------------------------

ANSWER_10K = "a" * 10_000
TITLE_300 = "T" * 300

# (case, payload, where the cut shows: the text that must carry the marker, or None if
# nothing may be cut)
LIMIT_CASES: list[
    tuple[str, Callable[[], dict[str, Any]], Callable[[dict[str, Any]], str] | None]
] = [
    (
        "10,000-char answer in a card field",
        lambda: render_message(
            Card("Check-in", (Section("KR", (Field("Blockers", ANSWER_10K),)),))
        ),
        lambda p: p["blocks"][1]["fields"][0]["text"],
    ),
    (
        "10,000-char answer among many fields",
        lambda: render_message(
            Card("Check-in", (Section("KR", tuple(Field(str(n), ANSWER_10K) for n in range(12))),))
        ),
        lambda p: p["blocks"][1]["text"]["text"],
    ),
    ("40,000-char text", lambda: render_message(Text("b" * 40_000)), lambda p: p["text"]),
    (
        "300-char card title",
        lambda: render_message(Card(TITLE_300)),
        lambda p: p["blocks"][0]["text"]["text"],
    ),
    (
        "3,300-char question",
        lambda: render_message(checkin_question(text=TITLE_300 * 11)),
        lambda p: p["blocks"][0]["text"]["text"],
    ),
    (
        "300-char modal title",
        lambda: render_modal(Form("f_1", TITLE_300)),
        lambda p: p["title"]["text"],
    ),
    (
        "300-char submit label",
        lambda: render_modal(Form("f_1", "Check-in", (), TITLE_300)),
        lambda p: p["submit"]["text"],
    ),
    (
        "300-char home title",
        lambda: render_home(Card(TITLE_300), start_button=True),
        lambda p: p["blocks"][0]["text"]["text"],
    ),
    (
        "60 sections",
        lambda: render_message(Card("Goals", tuple(Section(f"S{n}", text="x") for n in range(60)))),
        lambda p: p["blocks"][-1]["text"]["text"],
    ),
    (
        "60 sections of 10 fields",
        lambda: render_message(
            Card(
                "Goals",
                tuple(
                    Section(f"S{n}", tuple(Field("k", "v") for _ in range(10))) for n in range(60)
                ),
            )
        ),
        lambda p: p["blocks"][-1]["text"]["text"],
    ),
    (
        "a section of 40,000 chars",
        lambda: render_message(
            Card("Goals", (Section("Long", text="z" * 40_000), Section("Next")))
        ),
        lambda p: p["blocks"][5]["text"]["text"],
    ),
    (
        "form with 70 fields",
        lambda: render_modal(checkin_form(70)),
        None,
    ),
    (
        "form with 103 fields (50 key results)",
        lambda: render_modal(checkin_form(103)),
        lambda p: p["blocks"][-1]["elements"][0]["text"],
    ),
    (
        "question with 30 choices",
        lambda: render_message(
            checkin_question(choices=tuple(Choice(str(n), str(n)) for n in range(30)))
        ),
        None,
    ),
    (
        "choice label of 200 chars",
        lambda: render_message(checkin_question(choices=(Choice("L" * 200, "l"),))),
        lambda p: p["blocks"][-1]["elements"][0]["text"]["text"],
    ),
    (
        "select option of 200 chars",
        lambda: render_modal(
            Form("f", "F", (FormField("c", "C" * 3000, "choice", (Choice("L" * 200, "l"),)),))
        ),
        lambda p: (
            p["blocks"][0]["element"]["options"][0]["text"]["text"]
            + p["blocks"][0]["label"]["text"]
        ),
    ),
    (
        "home with 120 sections",
        lambda: render_home(
            Card("Goals", tuple(Section(f"S{n}", text="x") for n in range(120))), start_button=True
        ),
        lambda p: p["blocks"][-2]["text"]["text"],
    ),
]


@pytest.mark.parametrize(
    ("name", "render", "cut_text"), LIMIT_CASES, ids=[c[0] for c in LIMIT_CASES]
)
def test_payload_respects_slack_limits_and_marks_what_was_cut(
    name: str,
    render: Callable[[], dict[str, Any]],
    cut_text: Callable[[dict[str, Any]], str] | None,
) -> None:
    payload = render()
    assert_within_slack_limits(payload)
    if cut_text is None:
        assert not any(TRUNCATION_MARKER in text for text in all_strings(payload))
        assert not any("didn't fit" in text for text in all_strings(payload))
    else:
        assert TRUNCATION_MARKER in cut_text(payload) or "didn't fit" in cut_text(payload)


def test_sections_that_dont_fit_are_named_in_the_last_one() -> None:
    card = Card("Goals", tuple(Section(f"Goal {n}", text="x") for n in range(60)), "footer")
    blocks = render_message(card)["blocks"]
    assert len(blocks) == 50
    assert blocks[0]["type"] == "header" and blocks[-1]["type"] == "context"
    folded = blocks[-2]["text"]["text"]
    assert folded.startswith("*13 more sections didn't fit here*: Goal 47 · Goal 48")
    assert [b["text"]["text"] for b in blocks[1:4]] == ["*Goal 0*\nx", "*Goal 1*\nx", "*Goal 2*\nx"]


def test_up_to_ten_fields_sit_side_by_side_and_more_become_lines() -> None:
    few = render_message(Card("C", (Section("S", tuple(Field(f"k{n}", "v") for n in range(10))),)))
    assert len(few["blocks"][1]["fields"]) == 10
    many = render_message(Card("C", (Section("S", tuple(Field(f"k{n}", "v") for n in range(11))),)))
    assert "fields" not in many["blocks"][1]
    assert many["blocks"][1]["text"]["text"].startswith("*S*\n*k0*: v\n*k1*: v")


@settings(max_examples=40, deadline=None)
@given(
    st.builds(
        Card,
        title=st.text(max_size=400),
        sections=st.lists(
            st.builds(
                Section,
                title=st.text(max_size=30),
                fields=st.lists(
                    st.builds(Field, st.text(max_size=20), st.text(max_size=2500)), max_size=14
                ).map(tuple),
                text=st.text(max_size=4000),
            ),
            max_size=70,
        ).map(tuple),
        footer=st.text(max_size=3500),
        chart=st.none() | st.builds(Chart, st.just(b"png"), st.text(max_size=200), st.text()),
    ),
    st.booleans(),
)
def test_any_card_renders_within_limits(card: Card, start_button: bool) -> None:
    for payload in (render_message(card), render_home(card, start_button=start_button)):
        assert_within_slack_limits(payload)
        assert_nobody_pinged(payload)


# -- questions and their buttons ----------------------------------------------------------------


def test_question_shows_counter_hint_and_one_button_per_choice() -> None:
    blocks = render_message(checkin_question())["blocks"]
    assert blocks[0]["text"]["text"] == "*[2/9]* Weekly signups: what is it now?"
    assert blocks[1] == {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": "Type 400 or done", "verbatim": True}],
    }
    actions = blocks[2]
    assert actions["block_id"] == "q:42"
    buttons = [(b["action_id"], b["text"]["text"], b["value"]) for b in actions["elements"]]
    assert buttons == [
        ("choice-0", "1 😞", choice_value("42", "1")),
        ("choice-1", "2 🙁", choice_value("42", "2")),
        ("choice-2", "Skip", choice_value("42", "skip")),
        (ACTION_OPEN_FORM, "Fill in as a form", "42"),
    ]
    assert all(CHOICE_ACTION.match(action_id) for action_id, *_ in buttons[:-1])
    assert not CHOICE_ACTION.match(ACTION_OPEN_FORM)


def test_a_question_outside_a_checkin_has_no_counter_and_no_form_button() -> None:
    blocks = render_message(Question("p1", "Feedback for Ada?", (Choice("Skip", "skip"),)))[
        "blocks"
    ]
    assert blocks[0]["text"]["text"] == "Feedback for Ada?"
    assert [b["action_id"] for b in blocks[-1]["elements"]] == ["choice-0"]


def test_a_question_without_choices_or_form_has_no_actions() -> None:
    blocks = render_message(Question("p1", "Anything else?"))["blocks"]
    assert [b["type"] for b in blocks] == ["section"]


def test_thirty_choices_spill_into_a_second_actions_block_counting_on() -> None:
    choices = tuple(Choice(str(n), str(n)) for n in range(30))
    blocks = render_message(checkin_question(choices=choices))["blocks"]
    first, second = blocks[2], blocks[3]
    assert (first["block_id"], second["block_id"]) == ("q:42", "q:42:2")
    assert [b["action_id"] for b in first["elements"]] == [f"choice-{n}" for n in range(25)]
    assert [b["action_id"] for b in second["elements"]] == [
        *(f"choice-{n}" for n in range(25, 30)),
        ACTION_OPEN_FORM,
    ]


def test_a_very_long_prompt_id_still_gives_valid_distinct_block_ids() -> None:
    question = checkin_question(
        prompt_id="p" * 1500, choices=tuple(Choice("c", "c") for _ in range(30))
    )
    payload = render_message(question)
    assert_within_slack_limits(payload)
    values = [b["value"] for block in payload["blocks"][2:] for b in block["elements"]]
    assert parse_choice_value(values[0]) == ("p" * 1500, "c")


def test_a_choice_too_long_for_a_button_value_is_left_to_typing() -> None:
    question = checkin_question(choices=(Choice("Huge", "v" * 2500), Choice("Ok", "ok")))
    payload = render_message(question)
    assert_within_slack_limits(payload)
    assert [b["action_id"] for b in payload["blocks"][2]["elements"]] == [
        "choice-1",
        ACTION_OPEN_FORM,
    ]
    assert "Huge" in payload["text"]


def test_a_question_shows_at_most_a_hundred_buttons() -> None:
    choices = tuple(Choice(str(n), str(n)) for n in range(130))
    payload = render_message(checkin_question(choices=choices))
    assert_within_slack_limits(payload)
    buttons = [b["action_id"] for block in payload["blocks"][2:] for b in block["elements"]]
    assert len(buttons) == 100 and buttons[-2:] == ["choice-98", ACTION_OPEN_FORM]


def test_answered_question_drops_its_buttons_and_shows_the_answer() -> None:
    payload = render_answered(checkin_question(), "<@U9> & 400")
    assert_within_slack_limits(payload)
    assert "actions" not in [block["type"] for block in payload["blocks"]]
    assert payload["blocks"][0]["text"]["text"] == "*[2/9]* Weekly signups: what is it now?"
    assert payload["blocks"][-1]["elements"][0]["text"] == "✓ You answered: &lt;@U9&gt; &amp; 400"
    assert "✓ You answered: &lt;@U9&gt; &amp; 400" in payload["text"]


def test_a_long_answer_is_cut_with_the_marker() -> None:
    payload = render_answered(checkin_question(), "a" * 5000)
    assert_within_slack_limits(payload)
    assert payload["blocks"][-1]["elements"][0]["text"].endswith(TRUNCATION_MARKER)


@settings(max_examples=60, deadline=None)
@given(
    st.builds(
        Question,
        prompt_id=st.text(max_size=300),
        text=st.text(max_size=3500),
        choices=st.lists(
            st.builds(Choice, st.text(max_size=100), st.text(max_size=200)), max_size=120
        ).map(tuple),
        hint=st.none() | st.text(max_size=3500),
        position=st.integers(0, 200),
        total=st.integers(0, 200),
    ),
    st.text(max_size=4000),
)
def test_any_question_renders_within_limits(question: Question, answer: str) -> None:
    for payload in (render_message(question), render_answered(question, answer)):
        assert_within_slack_limits(payload)
        assert_nobody_pinged(payload)


# -- choice values ------------------------------------------------------------------------------


@given(st.text(), st.text())
def test_choice_value_round_trips(prompt_id: str, value: str) -> None:
    assert parse_choice_value(choice_value(prompt_id, value)) == (prompt_id, value)


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "same",
        "|",
        "2|42",
        "2|42same",
        "3|42|x",
        "02|42|x",
        "-2|42|x",
        "²|42|x",
        "x|42|x",
        "99999999999999999999|x",
    ],
)
def test_garbage_is_not_a_choice(raw: str) -> None:
    assert parse_choice_value(raw) is None


@given(st.text())
def test_only_choice_values_parse(raw: str) -> None:
    parsed = parse_choice_value(raw)
    assert parsed is None or choice_value(*parsed) == raw


# -- the form as a modal ------------------------------------------------------------------------

FORM = Form(
    "f_7",
    "Weekly check-in",
    (
        FormField("kr:1:value", "Signups (now 120)", "number", optional=False),
        FormField("kr:1:confidence", "Signups: confidence 1–10", "choice", MOOD, "2"),
        FormField("wins", "Wins this week?", "text", initial="Shipped <the> importer"),
        FormField("mood", "Mood", "choice", MOOD),
    ),
    "Save check-in",
)


def test_form_renders_as_a_modal_with_one_input_per_field() -> None:
    modal = render_modal(FORM)
    assert_within_slack_limits(modal)
    assert modal["callback_id"] == FORM_CALLBACK_ID
    assert modal["private_metadata"] == "f_7"
    assert (modal["title"]["text"], modal["submit"]["text"], modal["close"]["text"]) == (
        "Weekly check-in",
        "Save check-in",
        "Cancel",
    )
    number, confidence, wins, mood = modal["blocks"]
    assert [b["block_id"] for b in modal["blocks"]] == [
        "kr:1:value",
        "kr:1:confidence",
        "wins",
        "mood",
    ]
    assert [b["optional"] for b in modal["blocks"]] == [False, True, True, True]
    assert number["element"]["type"] == "plain_text_input"
    assert number["element"]["multiline"] is False
    assert number["element"]["placeholder"]["text"] == "e.g. 400, 40% or done"
    assert confidence["element"]["type"] == "static_select"
    assert confidence["element"]["initial_option"]["value"] == "2"
    assert wins["element"]["multiline"] is True
    assert wins["element"]["initial_value"] == "Shipped <the> importer"  # edited as typed
    assert "initial_option" not in mood["element"]


def test_a_check_in_with_fifty_key_results_still_opens() -> None:
    modal = render_modal(checkin_form(103))
    assert_within_slack_limits(modal)
    assert len(modal["blocks"]) == 100
    assert modal["blocks"][-1]["elements"][0]["text"].startswith("*4 more questions didn't fit")


def test_fields_slack_cannot_tell_apart_are_left_out_and_counted() -> None:
    fields = (
        FormField("a", "A"),
        FormField("a", "Again"),
        FormField("", "Blank"),
        FormField("k" * 300, "Long"),
    )
    modal = render_modal(Form("f", "F", fields))
    assert_within_slack_limits(modal)
    assert [b.get("block_id") for b in modal["blocks"]] == ["a", None]
    assert modal["blocks"][-1]["elements"][0]["text"].startswith("*3 more questions")


def test_a_choice_field_without_usable_options_falls_back_to_typing() -> None:
    field = FormField("c", "Pick", "choice", (Choice("Too long", "v" * 200), Choice("Blank", "")))
    element = render_modal(Form("f", "F", (field,)))["blocks"][0]["element"]
    assert element["type"] == "plain_text_input" and element["multiline"] is False


def test_a_select_holds_at_most_a_hundred_options() -> None:
    choices = tuple(Choice(str(n), str(n)) for n in range(150))
    modal = render_modal(Form("f", "F", (FormField("c", "Pick", "choice", choices, "120"),)))
    assert_within_slack_limits(modal)
    element = modal["blocks"][0]["element"]
    assert len(element["options"]) == 100 and "initial_option" not in element


def test_an_empty_form_still_opens() -> None:
    assert_within_slack_limits(render_modal(Form("f", "")))


def test_a_form_id_slack_would_cut_is_refused() -> None:
    with pytest.raises(ValueError):
        render_modal(Form("f" * 3001, "F"))


@settings(max_examples=40, deadline=None)
@given(
    st.builds(
        Form,
        form_id=st.text(max_size=3000),
        title=st.text(max_size=60),
        fields=st.lists(
            st.builds(
                FormField,
                key=st.text(max_size=300),
                label=st.text(max_size=2500),
                kind=st.sampled_from(["text", "number", "choice", "people", "other"]),
                choices=st.lists(
                    st.builds(Choice, st.text(max_size=100), st.text(max_size=200)), max_size=110
                ).map(tuple),
                initial=st.text(max_size=3500),
                optional=st.booleans(),
            ),
            max_size=110,
        ).map(tuple),
        submit_label=st.text(max_size=60),
    )
)
def test_any_form_renders_within_limits(form: Form) -> None:
    modal = render_modal(form)
    assert_within_slack_limits(modal)
    assert_nobody_pinged(modal)


# -- the submitted modal ------------------------------------------------------------------------


def test_form_values_reads_text_inputs_and_selects() -> None:
    state = {
        "kr:1:value": {"value": {"type": "plain_text_input", "value": "40%"}},
        "kr:1:confidence": {
            "value": {"type": "static_select", "selected_option": {"text": {}, "value": "7"}}
        },
        "wins": {"value": {"type": "plain_text_input", "value": None}},
        "mood": {"value": {"type": "static_select", "selected_option": None}},
        "other": {"value": {"type": "datepicker", "selected_date": "2024-01-01"}},
        "elsewhere": {"not_ours": {"type": "plain_text_input", "value": "x"}},
    }
    assert form_values(state) == {
        "kr:1:value": "40%",
        "kr:1:confidence": "7",
        "wins": "",
        "mood": "",
    }


def test_a_people_field_is_slacks_people_picker_and_comes_back_as_mentions() -> None:
    form = Form("k", "Give kudos", (FormField("who", "Who", "people", initial="<@U1|ann> <@W2>"),))
    [block] = render_modal(form)["blocks"]
    assert block["element"]["type"] == "multi_users_select"
    assert block["element"]["initial_users"] == ["U1", "W2"]
    picked = {"type": "multi_users_select", "selected_users": ["U1", "W2", "<!here>", 7]}
    assert form_values({"who": {"value": picked}}) == {"who": "<@U1> <@W2>"}
    assert form_values({"who": {"value": {"type": "multi_users_select"}}}) == {"who": ""}


def test_a_submitted_modal_gives_back_every_field_key() -> None:
    modal = render_modal(FORM)
    state = {
        block["block_id"]: {
            "value": {
                "type": block["element"]["type"],
                "value": "x",
                "selected_option": {"value": "1"},
            }
        }
        for block in modal["blocks"]
    }
    assert form_values(state) == {
        "kr:1:value": "x",
        "kr:1:confidence": "1",
        "wins": "x",
        "mood": "1",
    }


@pytest.mark.parametrize(
    "garbage",
    [
        None,
        [],
        "values",
        42,
        {"a": None},
        {"a": []},
        {"a": {"value": None}},
        {"a": {"value": "text"}},
        {"a": {"value": {"type": None}}},
        {"a": {"value": {"type": "plain_text_input", "value": 7}}},
        {"a": {"value": {"type": "static_select", "selected_option": "7"}}},
        {"a": {"value": {"type": "static_select", "selected_option": {"value": ["7"]}}}},
        {"a": {"value": {"type": "multi_users_select", "selected_users": "U1"}}},
        {7: {"value": {"type": "plain_text_input", "value": "x"}}},
    ],
)
def test_form_values_survives_garbage(garbage: Any) -> None:
    values = form_values(garbage)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in values.items())


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["value", "type", "selected_option", "a", "b"]), children, max_size=4
        )
        | st.fixed_dictionaries(
            {"type": st.sampled_from(["plain_text_input", "static_select"])},
            optional={"value": children, "selected_option": children},
        )
    ),
    max_leaves=20,
)


@given(st.dictionaries(st.text(max_size=5), JSON, max_size=5) | JSON)
def test_form_values_never_raises(state: Any) -> None:
    values = form_values(state)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in values.items())


# -- App Home -----------------------------------------------------------------------------------


def test_home_shows_the_card_and_a_start_button() -> None:
    card = Card("Your goals", (Section("Grow signups", (Field("Signups", "120 → 400"),)),))
    home = render_home(card, start_button=True)
    assert_within_slack_limits(home)
    assert home["type"] == "home"
    assert home["blocks"][:-1] == render_message(card)["blocks"]
    button = home["blocks"][-1]["elements"][0]
    assert (button["action_id"], button["text"]["text"], button["style"]) == (
        ACTION_START_CHECKIN,
        "Start my check-in",
        "primary",
    )
    assert "actions" not in [b["type"] for b in render_home(card, start_button=False)["blocks"]]


def test_home_holds_up_to_a_hundred_blocks() -> None:
    card = Card("Goals", tuple(Section(f"S{n}", text="x") for n in range(120)))
    blocks = render_home(card, start_button=True)["blocks"]
    assert len(blocks) == 100
    assert blocks[-2]["text"]["text"].startswith("*23 more sections didn't fit here*: S97 · S98")
