"""Check-in answers in German and Spanish: numbers as those languages write them ("1.250,5"),
their words for done, skip, no change, yes and no, and English still understood in every
language. (The parser's properties run in every language in test_parsing.py.)"""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from bot.checkins.blockers import blocker_in
from bot.checkins.interpret import Said, interpret
from bot.checkins.parsing import (
    Invalid,
    MetricSpec,
    NoChange,
    Parsed,
    Skipped,
    Value,
    parse_confidence,
    parse_kr_value,
    parse_mood,
    parse_multi_update,
)
from bot.checkins.parsing.lexicon import lexicon
from bot.core.i18n import catalog_path, speaking
from bot.goals.progress import format_value

HUGE = MetricSpec("number", start=0, target=1e12, current=None)
PERCENT = MetricSpec("percent", start=10, target=60, current=None)
BINARY = MetricSpec("binary", start=0, target=1, current=None)
KEY_RESULTS = [
    ("signups", "Weekly signups", HUGE),
    ("nps", "NPS", MetricSpec("number", start=-100, target=100, current=None)),
    ("activation", "Activation rate", PERCENT),
]


def read(language: str, text: str, spec: MetricSpec = HUGE) -> Parsed:
    with speaking(language):
        return parse_kr_value(text, spec)


@pytest.mark.parametrize("language", ["de", "es"])
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.250,5", 1250.5),
        ("1,5", 1.5),
        ("1.250", 1250.0),
        ("12.345.678,25", 12_345_678.25),
        (",5", 0.5),
        ("1\u00a0250,5", 1250.5),
        ("3,5k", 3500.0),
        ("-1.250,5", -1250.5),
        ("€1.250,50", 1250.5),
        ("1.250,50 €", 1250.5),
    ],
)
def test_german_and_spanish_numbers(language: str, text: str, expected: float) -> None:
    assert read(language, text, MetricSpec("number", -1e12, 1e12, None)) == Value(expected)


@pytest.mark.parametrize(("text", "expected"), [("1,250.5", 1250.5), ("1.5", 1.5)])
def test_english_numbers_read_as_before(text: str, expected: float) -> None:
    assert read("en", text) == Value(expected)
    assert parse_kr_value(text, HUGE) == Value(expected)  # English is the default


@pytest.mark.parametrize("language", ["en", "de", "es"])
@pytest.mark.parametrize("text", ["40 %", "40%"])
def test_a_percent_sign_with_or_without_a_space(language: str, text: str) -> None:
    assert read(language, text, PERCENT) == Value(40.0)
    assert "not a percentage" in str(read("en", text))  # on a number key result


def test_percent_in_words() -> None:
    assert read("de", "40 Prozent", PERCENT) == read("es", "40 por ciento", PERCENT) == Value(40)
    refused = read("de", "400 Prozent")
    assert isinstance(refused, Invalid) and "kein Prozentwert" in refused.reason


@pytest.mark.parametrize(
    ("language", "text", "fragment"),
    [
        ("en", "1,5", "Please use a dot, e.g. 3.5."),
        ("de", "1.5", "Bitte mit Komma, z. B. 3,5."),
        ("es", "1.5", "Usa una coma, p. ej. 3,5."),
        ("de", "1,250.5", "Bitte mit Komma"),
    ],
)
def test_the_other_decimal_mark_is_asked_about_not_guessed(
    language: str, text: str, fragment: str
) -> None:
    result = read(language, text)
    assert isinstance(result, Invalid) and fragment in result.reason


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("de", "3 Mio", 3_000_000.0),
        ("de", "2,5 Tsd", 2500.0),
        ("de", "1 Mrd", 1e9),
        ("es", "3 millones", 3_000_000.0),
        ("es", "2,5 mil", 2500.0),
        ("de", "etwa 400", 400.0),
        ("de", "ca. 400", 400.0),
        ("es", "unos 400", 400.0),
        ("es", "estamos en 400", 400.0),
    ],
)
def test_words_around_a_number(language: str, text: str, expected: float) -> None:
    assert read(language, text) == Value(expected)


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("de", "erledigt", Value(1e12)),
        ("de", "Erledigt!", Value(1e12)),
        ("de", "überspringen", Skipped()),
        ("de", "keine Änderung", NoChange()),
        ("de", "unverändert", NoChange()),
        ("de", "immer noch gleich", NoChange()),
        ("es", "hecho", Value(1e12)),
        ("es", "Listo ✅", Value(1e12)),
        ("es", "saltar", Skipped()),
        ("es", "sin cambios", NoChange()),
        ("es", "sigue igual", NoChange()),
    ],
)
def test_german_and_spanish_answer_words(language: str, text: str, expected: Parsed) -> None:
    assert read(language, text) == expected


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("de", "ja", 1.0),
        ("de", "Noch nicht", 0.0),
        ("de", "nein", 0.0),
        ("es", "sí", 1.0),
        ("es", "si", 1.0),
        ("es", "todavía no", 0.0),
        ("es", "no", 0.0),
    ],
)
def test_yes_and_no(language: str, text: str, expected: float) -> None:
    assert read(language, text, BINARY) == Value(expected)


@pytest.mark.parametrize("language", ["de", "es"])
@pytest.mark.parametrize(
    ("text", "expected"),
    [("done", Value(1e12)), ("skip", Skipped()), ("no change", NoChange()), ("same", NoChange())],
)
def test_english_words_work_in_every_language(language: str, text: str, expected: Parsed) -> None:
    assert read(language, text) == expected


def test_one_languages_words_are_not_another_languages() -> None:
    assert isinstance(read("en", "erledigt"), Invalid)
    assert isinstance(read("es", "erledigt"), Invalid)
    assert isinstance(read("de", "hecho"), Invalid)


def test_confidence_and_mood_in_german_and_spanish() -> None:
    with speaking("de"):
        assert parse_confidence("7 von 10") == Value(7.0)
        assert parse_confidence("keine Änderung") == NoChange()
        assert (parse_mood("gut"), parse_mood("super"), parse_mood("furchtbar")) == (
            Value(4.0),
            Value(5.0),
            Value(1.0),
        )
        assert parse_mood("überspringen") == Skipped()
    with speaking("es"):
        assert parse_confidence("7 de 10") == Value(7.0)
        assert (parse_mood("bien"), parse_mood("genial"), parse_mood("fatal")) == (
            Value(4.0),
            Value(5.0),
            Value(1.0),
        )
        reason = parse_mood("quizás")
        assert isinstance(reason, Invalid)
        assert reason.reason == (
            "No pude leer “quizás” como ánimo. El ánimo es un número del 1 (fatal) al 5 "
            "(genial), o un emoji como 🙂."
        )


@pytest.mark.parametrize("language", ["de", "es"])
def test_several_at_once_with_decimal_commas(language: str) -> None:
    with speaking(language):
        result = parse_multi_update("signups 1.250,5, nps 3,5; activation 40 %", KEY_RESULTS)
    assert result == {
        "signups": Value(1250.5),
        "nps": Value(3.5),
        "activation": Value(40.0),
    }


def test_several_at_once_joined_by_german_and_spanish_and() -> None:
    with speaking("de"):
        assert parse_multi_update("signups 400 und nps 35", KEY_RESULTS) == {
            "signups": Value(400.0),
            "nps": Value(35.0),
        }
    with speaking("es"):
        assert parse_multi_update("signups hecho y nps sin cambios", KEY_RESULTS) == {
            "signups": Value(1e12),
            "nps": NoChange(),
        }


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("de", "nichts", Said(None)),
        ("de", "überspringen", "skipped"),
        ("es", "nada", Said(None)),
        ("es", "saltar", "skipped"),
        ("es", "none", Said(None)),
    ],
)
def test_free_text_answers_that_say_nothing(language: str, text: str, expected: object) -> None:
    question = {"key": "blockers", "kind": "text", "text": "Anything blocking you?"}
    with speaking(language):
        said = interpret(question, text, None, None)
    assert said == (Skipped() if expected == "skipped" else expected)


def test_nothing_is_no_blocker_in_any_language_whoever_reads_it() -> None:
    for text in ("none", "nichts", "Nada.", "keine Blocker", "ningún bloqueo"):
        assert blocker_in(text) is None, text
    assert blocker_in("warte auf IT") == "warte auf IT"
    assert blocker_in("nothing new") == "nothing new"  # as before: an English blocker's words


@pytest.mark.parametrize(
    ("language", "kind", "value", "unit", "written"),
    [
        ("en", "number", 1250.5, "signups", "1,250.5 signups"),
        ("de", "number", 1250.5, "signups", "1.250,5 signups"),
        ("es", "number", 1250.5, None, "1.250,5"),
        ("de", "percent", 12.5, None, "12,5 %"),
        ("en", "percent", 12.5, None, "12.5%"),
        ("de", "currency", 3500, "€", "3.500 €"),
        ("en", "currency", 3500, "€", "€3,500"),
        ("es", "currency", 3500, "EUR", "3.500 EUR"),
        ("de", "binary", 1, None, "erledigt"),
        ("es", "binary", 0, None, "sin hacer"),
        ("de", "number", None, None, "—"),
    ],
)
def test_values_written_back_per_language(
    language: str, kind: str, value: float | None, unit: str | None, written: str
) -> None:
    with speaking(language):
        assert format_value(kind, value, unit) == written


@pytest.mark.parametrize(("language", "quoted"), [("de", r"„([^“{}]+)“"), ("es", r"“([^”{}]+)”")])
def test_every_word_the_hints_tell_people_to_type_is_understood(language: str, quoted: str) -> None:
    with catalog_path("bot.checkins", language).open("rb") as po:
        messages = read_po(po, locale=language)
    words = lexicon(language)
    understood = words.status | words.keep | words.nothing | words.passes | set(words.mood)
    named = set()
    for message in messages:
        for string in [message.string] if isinstance(message.string, str) else message.string:
            named |= {word.casefold() for word in re.findall(quoted, string)}
    assert named >= {"erledigt", "überspringen", "keine änderung", "nichts", "ja", "nein"} or (
        named >= {"hecho", "saltar", "sin cambios", "nada", "sí", "no"}
    )
    assert named <= understood, named - understood
