"""The console chat in German and Spanish: the engine's replies and the console's own words
around a form (asked outside the engine's turns) are in the person's language."""

from __future__ import annotations

import sqlite3

from app.demo import DEMO_USER
from tests.console.conftest import Cli


def speaks(cli: Cli, language: str) -> None:
    with sqlite3.connect(cli.folder / "bot.db") as connection:
        connection.execute("UPDATE person SET language = ? WHERE email = ?", (language, DEMO_USER))


def test_a_form_in_german_is_asked_and_dropped_in_german(cli: Cli) -> None:
    cli("demo")
    speaks(cli, "de")
    said = cli("chat", stdin="goals add\nHalb gedacht\ncancel\nthe weather is lovely\n").stdout

    assert ": ein Formular, ein Feld nach dem anderen. cancel verwirft es." in said
    assert "Aus diesem Formular wurde nichts gespeichert." in said
    assert "a form, one field at a time" not in said
    assert "Gerade wartet kein Check-in auf dich." in said


def test_a_choice_typed_wrong_is_asked_again_in_spanish(cli: Cli) -> None:
    cli("demo")
    speaks(cli, "es")
    said = cli("chat", stdin="goals add\nVender más\n\nzzz\ncancel\n").stdout

    assert ": un formulario, campo por campo. cancel lo descarta." in said
    assert "   Escribe un número del 1 al " in said
    assert ", o déjalo en blanco." in said
    assert "No se guardó nada de ese formulario." in said


def test_english_is_unchanged_for_everyone_else(cli: Cli) -> None:
    cli("demo")
    said = cli("chat", stdin="goals add\nHalf a thought\ncancel\n").stdout
    assert ": a form, one field at a time. cancel drops it." in said
    assert "Nothing was saved from that form." in said
