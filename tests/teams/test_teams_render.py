"""Behaviour of adapters.teams.render: Adaptive Cards Teams accepts, under its 40 KB message
limit, where what a person typed shows as typed and every click reads back as what was clicked."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from botbuilder.schema import Activity
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.teams.render import (
    CARD_CONTENT_TYPE,
    CARD_VERSION,
    MAX_ACTIVITY_BYTES,
    TRUNCATION_MARKER,
    ChoiceSubmit,
    FormSubmit,
    OpenForm,
    StartCheckin,
    escape_markdown,
    parse_submit,
    render_activity,
    render_card,
    start_checkin_action,
)
from bot.core.messages import (
    Answered,
    Card,
    Chart,
    Choice,
    Field,
    Form,
    FormField,
    Message,
    Question,
    Section,
    Text,
)
from bot.digests.charts import line_chart

HOSTILE = "**bold** [link](http://x) <at>Bob</at> # heading"
WORLD = "שלום 👋🏽 مرحبا — ça va? 🇳🇴"
AIM_BYTES = 36 * 1024
SCALE = tuple(Choice(str(n), str(n)) for n in range(1, 11))
ENPS = line_chart(
    "eNPS by round", ["Mar 2", "Mar 9", "Mar 16"], [("eNPS", [12, 20, 35])], y_min=-100, y_max=100
)
# 30 KB of PNG is 40 KB of base64: never fits.
HUGE_CHART = Chart(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 120, "Too big", "Words instead.")
MOOD = (Choice("Great", "5"), Choice("OK", "3"), Choice("Rough", "1"))
MARKDOWN_CHARS = set("\\*_~`[]()#>+-!|<")

# -- checkers -----------------------------------------------------------------------------------

COMMON = {"type", "id", "spacing", "separator", "isVisible", "height", "requires", "fallback"}
ELEMENT_PROPERTIES = {  # Adaptive Cards 1.5 properties of the elements this renderer may use
    "TextBlock": {"text", "wrap", "weight", "size", "isSubtle", "color", "maxLines", "style"},
    "FactSet": {"facts"},
    "ActionSet": {"actions"},
    "Container": {"items", "style", "bleed", "minHeight", "selectAction"},
    "ColumnSet": {"columns", "style", "bleed", "minHeight", "selectAction"},
    "Column": {"items", "width", "style", "bleed", "minHeight", "selectAction"},
    "Image": {"url", "altText", "size", "style", "width", "horizontalAlignment"},
    "Input.Text": {"label", "isRequired", "errorMessage", "isMultiline", "maxLength", "placeholder"}
    | {"value", "regex", "style"},
    "Input.ChoiceSet": {"label", "isRequired", "errorMessage", "choices", "style", "value"}
    | {"isMultiSelect", "placeholder", "wrap"},
}
ACTION_PROPERTIES = {
    "Action.Submit": {"title", "data", "associatedInputs", "style", "iconUrl", "tooltip"},
    "Action.Execute": {"title", "data", "verb", "associatedInputs", "style", "iconUrl"},
    "Action.OpenUrl": {"title", "url", "style", "iconUrl", "tooltip"},
}
ENUMS = {
    "weight": {"Default", "Lighter", "Bolder"},
    "size": {"Default", "Small", "Medium", "Large", "ExtraLarge"},
    "spacing": {"None", "Small", "Default", "Medium", "Large", "ExtraLarge", "Padding"},
}


def size(payload: Any) -> int:
    return len(json.dumps(payload, allow_nan=False).encode())


def card_of(activity: dict[str, Any]) -> dict[str, Any]:
    [attachment] = activity["attachments"]
    assert attachment["contentType"] == CARD_CONTENT_TYPE
    content: dict[str, Any] = attachment["content"]
    return content


def elements(card: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every element and action, nested ones included (but not inside an action's data)."""
    for key in ("body", "actions", "items", "columns"):
        for item in card.get(key, []):
            yield item
            yield from elements(item)


def of_type(card: dict[str, Any], *kinds: str) -> list[dict[str, Any]]:
    return [element for element in elements(card) if element["type"] in kinds]


def texts(card: dict[str, Any]) -> list[str]:
    """Every string Teams reads as markdown: TextBlocks, fact titles and values."""
    found = [block["text"] for block in of_type(card, "TextBlock")]
    for fact_set in of_type(card, "FactSet"):
        found += [part for fact in fact_set["facts"] for part in (fact["title"], fact["value"])]
    return found


def assert_teams_accepts(card: dict[str, Any]) -> None:
    assert card["type"] == "AdaptiveCard"
    assert card["$schema"] == "http://adaptivecards.io/schemas/adaptive-card.json"
    assert card["version"] == CARD_VERSION == "1.5"
    assert isinstance(card["body"], list) and card["body"] and isinstance(card["actions"], list)
    for action in card["actions"]:
        _check(action, ACTION_PROPERTIES)
    ids = []
    for element in elements(card):
        in_actions = element["type"].startswith("Action.")
        _check(element, ACTION_PROPERTIES if in_actions else ELEMENT_PROPERTIES)
        if "id" in element:
            ids.append(element["id"])
        if element["type"] == "TextBlock":
            assert element["wrap"] is True and isinstance(element["text"], str) and element["text"]
        if element["type"].startswith("Input."):
            assert isinstance(element.get("id"), str) and element["id"], element
        if element["type"] == "FactSet":
            assert all(set(fact) == {"title", "value"} for fact in element["facts"])
        if element["type"] == "Input.ChoiceSet":
            assert all(set(choice) == {"title", "value"} for choice in element["choices"])
        if element["type"] == "ActionSet":
            for action in element["actions"]:
                _check(action, ACTION_PROPERTIES)
    assert len(ids) == len(set(ids)), ids


def _check(element: dict[str, Any], allowed: dict[str, set[str]]) -> None:
    assert element["type"] in allowed, element["type"]
    assert set(element) <= COMMON | allowed[element["type"]], element
    for key, values in ENUMS.items():
        assert element.get(key, "Default") in values, element
    if element["type"].startswith("Action."):
        assert 1 <= len(element["title"]) <= 50, element["title"]


def live_markdown(text: str) -> list[str]:
    """Markdown characters in a TextBlock that aren't backslash-escaped."""
    live, escaped = [], False
    for char in text:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in MARKDOWN_CHARS:
            live.append(char)
    return live


def shown(text: str) -> str:
    """What Teams displays for escaped TextBlock text: escapes dropped, a blank line a break."""
    # A no-break space looks like a space; the renderer indents with them.
    text = text.replace("\n\n", "\n").replace("\u00a0", " ")
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)


def assert_escaped(card: dict[str, Any]) -> None:
    for text in texts(card):
        assert live_markdown(text) == [], text
        assert "<at>" not in text.lower(), text
        assert not re.search(r"^\s*\d+\.", text, re.M), text


# -- messages -----------------------------------------------------------------------------------

CHECKIN_QUESTION = Question(
    "prompt-7",
    "How confident are you?",
    SCALE,
    "1 = not at all",
    position=2,
    total=9,
    offers_form=True,
)
SAMPLES: dict[str, Message] = {
    "question, 3 choices": Question(
        "p1", "How was your week?", MOOD, position=1, total=9, offers_form=True
    ),
    "question, scale of 10": CHECKIN_QUESTION,
    "question outside a check-in": Question("p2", "Still on track?", MOOD[:2]),
    "question without choices": Question("p3", "Signups?", hint="a number", position=3, total=3),
    "answered": Answered(CHECKIN_QUESTION, "7"),
    "card": Card(
        "Weekly summary",
        (Section("Goals", (Field("Signups", "400"), Field("Churn", "2%")), "On track"),),
        footer="Next check-in Friday",
    ),
    "empty card": Card(""),
    "card with a chart": Card(
        "Pulse results", (Section("Latest", (Field("eNPS", "+35"),)),), "Anonymous", ENPS
    ),
    "card with a hostile chart": Card(
        "", chart=Chart(ENPS.png, HOSTILE, f"{HOSTILE} {WORLD}\n1. two")
    ),
    "form": Form(
        "form-1",
        "Weekly check-in",
        (
            FormField("mood", "Mood", "choice", MOOD, initial="3", optional=False),
            FormField("signups", "Signups", "number", initial="400"),
            FormField("notes", "Anything else?"),
        ),
    ),
    "empty form": Form("form-2", ""),
    "world": Card(WORLD, (Section(WORLD, (Field(WORLD, WORLD),), WORLD),), WORLD),
}


def _sections(count: int, value: str) -> tuple[Section, ...]:
    return tuple(
        Section(f"Team {n}", (Field("Signups", value), Field("Note", "on track")), "Summary")
        for n in range(count)
    )


def _fields(count: int, initial: str) -> tuple[FormField, ...]:
    kinds = ("number", "text", "choice")
    return tuple(
        FormField(f"kr-{n}", f"Key result {n}", kinds[n % 3], MOOD, initial=initial)
        for n in range(count)
    )


BIG: dict[str, Message] = {
    "10,000-char answer in a card field": Card(
        "Summary", (Section("Goals", (Field("Signups", "x" * 10_000),)),)
    ),
    "10,000 emoji in a card field": Card("🙂", (Section("🙂", (Field("🙂", "🙂" * 10_000),)),)),
    "60 sections": Card("Digest", _sections(60, "400 signups")),
    "60 sections of 2,000-char values": Card("Digest", _sections(60, "y" * 2_000)),
    "60 long sections and a chart": Card("Digest", _sections(60, "y" * 2_000), chart=ENPS),
    "a chart too big for any card": Card("Digest", _sections(3, "400"), chart=HUGE_CHART),
    "a chart with 10,000-char words": Card(
        "Digest", chart=Chart(ENPS.png, "*" * 10_000, "🙂" * 10_000)
    ),
    "one section of 300 fields": Card("Digest", (Section("All", (Field("k", "v" * 500),) * 300),)),
    "everything at its longest": Card(
        "*" * 10_000,
        (Section("*" * 10_000, (Field("*" * 10_000, "*" * 10_000),), "*" * 10_000),),
        footer="*" * 10_000,
    ),
    "form with 70 fields": Form("f", "Check-in", _fields(70, "")),
    "form with 70 long answers": Form("f", "Check-in", _fields(70, "z" * 3_000)),
    "form with 70 emoji answers": Form("f", "Check-in", _fields(70, "🙂" * 3_000)),
    "question with 30 choices": Question(
        "p", "Pick one", tuple(Choice(f"Option {n}", f"o{n}") for n in range(30)), total=9
    ),
    "question with 30 long choices": Question(
        "p", "Pick", tuple(Choice("🙂" * 100, "v" * 900 + str(n)) for n in range(30)), total=9
    ),
    "question at its longest": Question(
        "p" * 1000, "*" * 10_000, SCALE, "*" * 10_000, 1, 9, intro="*" * 10_000
    ),
    "answered at length": Answered(CHECKIN_QUESTION, "🙂" * 50_000),
    "40,000-char text": Text("t" * 40_000),
    "40,000-emoji text": Text("🙂" * 40_000),
}


# -- size and schema ----------------------------------------------------------------------------


@pytest.mark.parametrize("message", [*SAMPLES.values(), *BIG.values()], ids=[*SAMPLES, *BIG])
def test_every_activity_is_json_under_the_teams_limit(message: Message) -> None:
    activity = render_activity(message)
    assert size(activity) <= AIM_BYTES < MAX_ACTIVITY_BYTES
    assert json.loads(json.dumps(activity)) == activity
    assert activity["type"] == "message"
    if isinstance(message, Text):
        assert activity["textFormat"] == "plain" and activity["text"].strip()
    else:
        # A card travels alone (no `text` that Teams could post as a second message);
        # its fallback is the notification summary.
        assert "text" not in activity and activity["summary"].strip()
        assert_teams_accepts(card_of(activity))


@pytest.mark.parametrize("message", [*SAMPLES.values(), *BIG.values()], ids=[*SAMPLES, *BIG])
def test_render_card_is_the_activitys_card(message: Message) -> None:
    card = render_card(message)
    assert_teams_accepts(card)
    if not isinstance(message, Text):
        assert card == card_of(render_activity(message))


def test_activity_is_a_bot_framework_activity() -> None:
    activity = render_activity(SAMPLES["form"])
    assert Activity().deserialize(activity).serialize() == activity


def test_long_text_is_cut_with_a_marker_and_sent_plain() -> None:
    activity = render_activity(Text("t" * 40_000))
    assert "attachments" not in activity and activity["textFormat"] == "plain"
    assert activity["text"].endswith(TRUNCATION_MARKER) and len(activity["text"]) <= 28_000
    assert len(activity["text"]) > 27_000


def test_text_is_sent_as_typed() -> None:
    assert render_activity(Text(HOSTILE))["text"] == HOSTILE
    assert render_activity(Text(WORLD))["text"] == WORLD


def test_a_long_field_value_is_cut_at_2000_chars() -> None:
    [fact] = of_type(render_card(BIG["10,000-char answer in a card field"]), "FactSet")[0]["facts"]
    value = shown(fact["value"])
    assert value.endswith(TRUNCATION_MARKER) and 1_900 < len(value) <= 2_000


def test_sections_that_dont_fit_are_counted() -> None:
    card = render_card(BIG["60 sections of 2,000-char values"])
    pattern = r"[12] more fields? and (\d+) more sections didn't fit in this message\."
    note = re.fullmatch(pattern, card["body"][-1]["text"])
    assert note is not None, card["body"][-1]
    titles = [b for b in of_type(card, "TextBlock") if shown(b["text"]).startswith("Team ")]
    # The last section shown lost its fields, not its title, so it counts among the shown.
    assert 0 < int(note.group(1)) < 60 and len(titles) + int(note.group(1)) == 60


def test_a_section_too_big_for_one_card_shows_its_first_fields() -> None:
    card = render_card(BIG["one section of 300 fields"])
    facts = of_type(card, "FactSet")[0]["facts"]
    assert re.match(rf"{300 - len(facts)} more fields didn't fit", card["body"][-1]["text"])


def test_sixty_small_sections_all_fit() -> None:
    card = render_card(BIG["60 sections"])
    assert len(of_type(card, "FactSet")) == 60 and "didn't fit" not in json.dumps(card)


# -- charts -------------------------------------------------------------------------------------


def test_a_chart_is_an_inline_png_with_its_words_as_alt_text_above_the_footer() -> None:
    card = render_card(SAMPLES["card with a chart"])
    [image] = of_type(card, "Image")
    prefix = "data:image/png;base64,"
    assert image["url"].startswith(prefix)
    assert base64.b64decode(image["url"].removeprefix(prefix)) == ENPS.png
    assert image["altText"] == f"Chart: {ENPS.alt}"
    assert card["body"][-2] is image and shown(card["body"][-1]["text"]) == "Anonymous"
    assert ENPS.alt in render_activity(SAMPLES["card with a chart"])["summary"]


def test_a_real_chart_and_a_few_sections_fit_well_under_the_limit() -> None:
    assert size(render_activity(SAMPLES["card with a chart"])) < 20_000


def test_a_chart_too_big_for_the_card_is_shown_as_its_words() -> None:
    card = render_card(BIG["a chart too big for any card"])
    assert of_type(card, "Image") == []
    assert shown(card["body"][-1]["text"]) == "Chart: Too big. Words instead."
    assert len(of_type(card, "FactSet")) == 3


def test_sections_fill_the_card_first_and_the_chart_keeps_its_words() -> None:
    card = render_card(BIG["60 long sections and a chart"])
    assert of_type(card, "Image") == []
    assert shown(card["body"][-1]["text"]) == f"Chart: {ENPS.alt}"
    assert "didn't fit in this message" in shown(card["body"][-2]["text"])


def test_a_chart_fits_beside_sections_that_leave_room_for_it() -> None:
    card = render_card(Card("Digest", _sections(10, "y" * 500), chart=ENPS))
    assert len(of_type(card, "Image")) == 1 and len(of_type(card, "FactSet")) == 10


def test_chart_words_are_escaped_and_cut() -> None:
    card = render_card(SAMPLES["card with a hostile chart"])
    [image] = of_type(card, "Image")
    # altText is plain text, never markdown: it stays as typed.
    assert image["altText"] == f"Chart: {HOSTILE} {WORLD}\n1. two"  # the title once
    long = render_card(BIG["a chart with 10,000-char words"])
    [long_image] = of_type(long, "Image")
    assert long_image["altText"].endswith(TRUNCATION_MARKER)
    assert len(long_image["altText"]) <= 1_000


def test_a_form_too_big_for_one_card_says_how_many_questions_were_left_out() -> None:
    card = render_card(BIG["form with 70 long answers"])
    inputs = of_type(card, "Input.Text", "Input.ChoiceSet")
    note = shown(card["body"][-1]["text"])
    assert note.startswith(f"{70 - len(inputs)} more questions didn't fit in this form")
    assert 10 < len(inputs) < 70


def test_a_form_of_70_short_fields_fits_whole() -> None:
    card = render_card(BIG["form with 70 fields"])
    assert len(of_type(card, "Input.Text", "Input.ChoiceSet")) == 70


# -- escaping -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "escaped"),
    [
        ("**bold**", r"\*\*bold\*\*"),
        ("[link](http://x)", r"\[link\]\(http://x\)"),
        ("<at>Bob</at>", r"\<at\>Bob\</at\>"),
        ("# heading", r"\# heading"),
        ("_a_ ~b~ `c` > d - e + f ! g | h", r"\_a\_ \~b\~ \`c\` \> d \- e \+ f \! g \| h"),
        ("1. first\n2. second", "1\\. first\n\n2\\. second"),
        ("in 2. place", "in 2. place"),
        ("C:\\temp", "C:\\\\temp"),
        ("Tom & Jerry &amp; co", r"Tom & Jerry \&amp; co"),
        ("  indented", "\u00a0\u00a0indented"),
        ("a\r\nb", "a\n\nb"),
        (WORLD, WORLD),
    ],
)
def test_escape_markdown(typed: str, escaped: str) -> None:
    assert escape_markdown(typed) == escaped


@given(st.text(st.characters(codec="utf-8", exclude_characters="\r\t")))
def test_escaped_text_shows_as_typed(typed: str) -> None:
    escaped = escape_markdown(typed)
    assert live_markdown(escaped) == [] and "<at>" not in escaped.lower()
    assert shown(escaped) == typed.replace("\u00a0", " ")


@pytest.mark.parametrize(
    "message",
    [
        Question("p", HOSTILE, (Choice(HOSTILE, "v"),), HOSTILE, 1, 2, intro=HOSTILE),
        Answered(Question("p", HOSTILE, intro=HOSTILE), HOSTILE),
        Card(HOSTILE, (Section(HOSTILE, (Field(HOSTILE, HOSTILE),), HOSTILE),), HOSTILE),
        Form("f", HOSTILE, (FormField("k", HOSTILE),)),
        Card("", chart=Chart(HUGE_CHART.png, HOSTILE, f"{HOSTILE}\n1. two")),
    ],
    ids=["question", "answered", "card", "form", "chart words"],
)
def test_user_markdown_is_escaped_in_text_blocks_and_facts(message: Message) -> None:
    card = render_card(message)
    assert_escaped(card)
    assert any(HOSTILE in shown(text) for text in texts(card))


def test_facts_are_escaped() -> None:
    card = render_card(Card("t", (Section("s", (Field(HOSTILE, "1. " + HOSTILE),)),)))
    [fact] = of_type(card, "FactSet")[0]["facts"]
    assert shown(fact["title"]) == HOSTILE and shown(fact["value"]) == "1. " + HOSTILE
    assert live_markdown(fact["title"] + fact["value"]) == []


# -- questions, answers and forms -------------------------------------------------------------


def test_question_shows_intro_counter_and_hint() -> None:
    question = Question("p", "How was it?", MOOD, "pick one", 2, 9, intro="Hi Alan!")
    intro, text, hint = render_card(question)["body"]
    assert shown(intro["text"]) == "Hi Alan!"
    assert shown(text["text"]) == "[2/9] How was it?" and text["weight"] == "Bolder"
    assert shown(hint["text"]) == "pick one" and hint["isSubtle"] is True


def test_a_few_choices_are_card_actions_then_fill_in_as_a_form() -> None:
    card = render_card(SAMPLES["question, 3 choices"])
    assert [action["title"] for action in card["actions"]] == [
        "Great",
        "OK",
        "Rough",
        "Fill in as a form",
    ]
    assert not of_type(card, "ActionSet")


def test_a_scale_of_ten_wraps_in_two_rows_in_the_body() -> None:
    card = render_card(CHECKIN_QUESTION)
    rows = of_type(card, "ActionSet")
    assert [[a["title"] for a in row["actions"]] for row in rows] == [
        ["1", "2", "3", "4", "5"],
        ["6", "7", "8", "9", "10"],
    ]
    assert [action["title"] for action in card["actions"]] == ["Fill in as a form"]


def test_rows_are_even() -> None:
    question = Question("p", "q", SCALE[:7], total=9)
    rows = of_type(render_card(question), "ActionSet")
    assert [len(row["actions"]) for row in rows] == [4, 3]


def test_a_question_outside_a_check_in_has_no_form_button() -> None:
    card = render_card(SAMPLES["question outside a check-in"])
    assert [action["title"] for action in card["actions"]] == ["Great", "OK"]
    assert not shown(card["body"][0]["text"]).startswith("[")


def test_long_choice_labels_are_cut_to_50_chars() -> None:
    card = render_card(Question("p", "q", (Choice("w" * 80, "long"), Choice(" ", "blank"))))
    long, blank = card["actions"]
    assert len(long["title"]) == 50 and long["title"].endswith("…")
    assert blank["title"] == "blank" and long["data"]["value"] == "long"


def test_choices_that_dont_fit_are_answered_by_typing() -> None:
    card = render_card(BIG["question with 30 long choices"])
    shown_choices = sum(len(row["actions"]) for row in of_type(card, "ActionSet"))
    assert 0 < shown_choices < 30
    assert shown(card["body"][-1]["text"]).startswith(f"{30 - shown_choices} more choices")


def test_a_prompt_id_too_long_to_send_back_leaves_the_question_to_typing() -> None:
    card = render_card(Question("p" * 5_000, "q", MOOD, total=9))
    assert card["actions"] == [] and not of_type(card, "ActionSet")


def test_answered_question_has_no_buttons_and_shows_the_answer() -> None:
    card = render_card(Answered(CHECKIN_QUESTION, "**7**"))
    assert card["actions"] == [] and not of_type(card, "ActionSet")
    assert shown(card["body"][0]["text"]) == "[2/9] How confident are you?"
    assert shown(card["body"][-1]["text"]) == "✓ You answered: **7**"
    assert_escaped(card)


def test_form_inputs() -> None:
    card = render_card(SAMPLES["form"])
    mood, signups, notes = of_type(card, "Input.Text", "Input.ChoiceSet")
    assert mood["type"] == "Input.ChoiceSet" and mood["style"] == "compact"
    assert mood["choices"] == [{"title": c.label, "value": c.value} for c in MOOD]
    assert (mood["value"], mood["isRequired"], mood["label"]) == ("3", True, "Mood")
    assert signups["placeholder"] == "e.g. 400, 40% or done" and signups["value"] == "400"
    assert signups["isMultiline"] is False and signups["isRequired"] is False
    assert notes["isMultiline"] is True and notes["maxLength"] == 3000 and "value" not in notes
    [submit] = card["actions"]
    assert submit["title"] == "Submit"
    assert submit["data"] == {"checkin": "form", "form_id": "form-1"}


def test_form_choice_edge_cases() -> None:
    fields = (
        FormField("a", "A", "choice", MOOD, initial="not a choice"),
        FormField("b", "B", "choice", ()),
        FormField("c", "C", "choice", (Choice("x", ""), Choice("y", "1"), Choice("z", "1"))),
    )
    a, b, c = of_type(render_card(Form("f", "t", fields)), "Input.Text", "Input.ChoiceSet")
    assert a["type"] == "Input.ChoiceSet" and "value" not in a
    assert b["type"] == "Input.Text" and b["isMultiline"] is False
    assert c["choices"] == [{"title": "y", "value": "1"}]


def test_inputs_that_would_clash_with_the_buttons_data_are_left_out() -> None:
    keys = ("checkin", "form_id", "", "ok", "ok")
    fields = tuple(FormField(key, f"Question {n}") for n, key in enumerate(keys))
    card = render_card(Form("f", "t", fields))
    assert [i["id"] for i in of_type(card, "Input.Text")] == ["ok"]
    assert shown(card["body"][-1]["text"]).startswith("4 more questions didn't fit")


def test_a_form_id_too_long_to_send_back_is_refused() -> None:
    with pytest.raises(ValueError, match="form_id"):
        render_card(Form("f" * 5_000, "t"))


def test_text_as_a_card_and_unknown_messages() -> None:
    card = render_card(Text(HOSTILE))
    assert [shown(text) for text in texts(card)] == [HOSTILE]
    with pytest.raises(TypeError):
        render_activity(object())  # type: ignore[arg-type]


# -- clicks back --------------------------------------------------------------------------------


def _execute(data: dict[str, Any]) -> dict[str, Any]:
    """The value of an adaptiveCard/action invoke: Teams merges the inputs into data."""
    action = {"type": "Action.Execute", "verb": "checkin", "data": data}
    return {"action": action, "trigger": "manual"}


@pytest.mark.parametrize("shape", [dict, _execute], ids=["Action.Submit", "Action.Execute"])
def test_clicking_each_choice_reads_back_as_that_choice(shape: Any) -> None:
    card = render_card(CHECKIN_QUESTION)
    buttons = [a for row in of_type(card, "ActionSet") for a in row["actions"]]
    clicked = [parse_submit(shape(button["data"])) for button in buttons]
    assert clicked == [ChoiceSubmit("prompt-7", str(n)) for n in range(1, 11)]
    assert parse_submit(shape(card["actions"][-1]["data"])) == OpenForm("prompt-7")


@pytest.mark.parametrize("shape", [dict, _execute], ids=["Action.Submit", "Action.Execute"])
def test_submitting_a_form_reads_back_its_answers(shape: Any) -> None:
    card = render_card(SAMPLES["form"])
    typed = {"mood": "5", "signups": "40%", "notes": None}
    value = shape({**card["actions"][0]["data"], **typed})
    assert parse_submit(value) == FormSubmit("form-1", {"mood": "5", "signups": "40%", "notes": ""})


def test_choice_values_with_any_characters_round_trip() -> None:
    odd = ("a|b", "", WORLD, '{"checkin": "form"}', "x" * 500)
    question = Question("id|with|bars", "q", tuple(Choice("l", v) for v in odd))
    card = render_card(question)
    clicked = [parse_submit(action["data"]) for action in card["actions"]]
    assert clicked == [ChoiceSubmit("id|with|bars", v) for v in odd]


@given(st.text(max_size=60), st.lists(st.text(max_size=60), min_size=1, max_size=12))
def test_any_choice_reads_back_as_itself(prompt_id: str, values: list[str]) -> None:
    choices = tuple(Choice("label", value) for value in values)
    question = Question(prompt_id, "q", choices, total=3, offers_form=True)
    card = render_card(question)
    buttons = [element for element in elements(card) if element["type"] == "Action.Submit"]
    clicks = [parse_submit(json.loads(json.dumps(button["data"]))) for button in buttons]
    assert clicks == [*(ChoiceSubmit(prompt_id, value) for value in values), OpenForm(prompt_id)]


def test_start_checkin_button() -> None:
    action = start_checkin_action()
    assert action["type"] == "Action.Submit" and action["title"] == "Start my check-in"
    assert parse_submit(action["data"]) == StartCheckin()
    assert parse_submit(_execute(action["data"])) == StartCheckin()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            {"checkin": "form", "form_id": "f", 1: "x", "n": 4, "b": True, "l": [1], "d": {}},
            FormSubmit("f", {"n": "4", "b": "true"}),
        ),
        ({"checkin": "form", "form_id": "f", "msteams": {"type": "x"}}, FormSubmit("f", {})),
        ({"checkin": "choice", "prompt_id": "p", "value": 3}, None),
        ({"checkin": "choice", "value": "3"}, None),
        ({"checkin": "open_form", "prompt_id": None}, None),
        ({"checkin": "form"}, None),
        ({"checkin": "nope"}, None),
        ({"checkin": ["choice"]}, None),
        ({"action": {"data": "x"}}, None),
        ({"action": [{"data": {"checkin": "start_checkin"}}]}, None),
        ({"action": {"type": "Action.Execute"}}, None),
        ({}, None),
        (None, None),
        ("checkin", None),
        ([{"checkin": "start_checkin"}], None),
        (42, None),
    ],
)
def test_parse_submit_table(value: Any, expected: Any) -> None:
    assert parse_submit(value) == expected


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=8) | st.integers(), inner, max_size=4)
    ),
    max_leaves=12,
)
OURS = st.fixed_dictionaries(
    {"checkin": st.sampled_from(["choice", "open_form", "form", "start_checkin"]) | JSON},
    optional={"prompt_id": JSON, "value": JSON, "form_id": JSON, "k": JSON, 3: JSON},
)
ANY_VALUE = JSON | OURS | st.builds(_execute, OURS) | st.builds(lambda d: {"action": d}, JSON)


@given(ANY_VALUE)
def test_parse_submit_never_raises(value: Any) -> None:
    submit = parse_submit(value)
    assert submit is None or isinstance(submit, ChoiceSubmit | FormSubmit | OpenForm | StartCheckin)
    if isinstance(submit, FormSubmit):
        assert all(isinstance(k, str) and isinstance(v, str) for k, v in submit.values.items())


# -- any message --------------------------------------------------------------------------------

# Short strings of anything, or long runs of what costs the most bytes or escapes.
TEXT = st.text(st.characters(codec="utf-8"), max_size=40) | st.builds(
    lambda part, times: part * times,
    st.sampled_from(["*", "🙂", "a b", "<at>x", "\n1. "]),
    st.integers(0, 4_000),
)
CHOICES = st.lists(st.builds(Choice, TEXT, TEXT), max_size=14).map(tuple)
COUNT = st.integers(0, 9)
QUESTIONS = st.builds(
    Question, TEXT, TEXT, CHOICES, TEXT | st.none(), COUNT, COUNT, TEXT | st.none()
)
FIELDS = st.lists(st.builds(Field, TEXT, TEXT), max_size=6).map(tuple)
PNGS = st.integers(0, 30_000).map(lambda n: b"\x89PNG\r\n\x1a\n" + b"\x00" * n)
CHARTS = st.none() | st.builds(Chart, PNGS, TEXT, TEXT)
SECTIONS = st.lists(st.builds(Section, TEXT, FIELDS, TEXT), max_size=12).map(tuple)
KINDS = st.sampled_from(["text", "number", "choice", "other"])
FORM_FIELDS = st.lists(
    st.builds(FormField, TEXT, TEXT, KINDS, CHOICES, TEXT, st.booleans()), max_size=12
).map(tuple)
MESSAGES = st.one_of(
    st.builds(Text, TEXT),
    QUESTIONS,
    st.builds(Answered, QUESTIONS, TEXT),
    st.builds(Card, TEXT, SECTIONS, TEXT, CHARTS),
    # Form ids are the engine's own and short; a long one is refused (tested above).
    st.builds(Form, st.text(max_size=40), TEXT, FORM_FIELDS, TEXT),
)


@settings(max_examples=60, deadline=None)
@given(MESSAGES)
def test_any_message_renders_to_a_card_teams_accepts_under_the_limit(message: Message) -> None:
    activity = render_activity(message)
    assert size(activity) <= AIM_BYTES
    if not isinstance(message, Text):
        card = card_of(activity)
        assert_teams_accepts(card)
        assert_escaped(card)
