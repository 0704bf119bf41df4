"""What the terminal shows: a card's chart as its title and alt text in one line, never its
bytes; and where it has no words of its own, the chat platforms'."""

from __future__ import annotations

import io

from adapters.console.outbound import ConsoleOutbox
from adapters.console.render import render
from bot.core.messages import Card, Chart, Field, Section
from bot.core.ports import Recipient, in_words
from bot.digests.channels import IN_A_CHANNEL

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
CHART = Chart(PNG, "eNPS by round", "eNPS by round: Mar 2 +12, Mar 9 +20, Mar 16 +35.")


def test_a_chart_shows_as_its_title_and_alt_text_between_sections_and_footer() -> None:
    card = Card("Pulse results", (Section("Latest", (Field("eNPS", "+35"),)),), "Anonymous", CHART)
    lines = render(card).splitlines()
    chart_line = "[chart: eNPS by round] eNPS by round: Mar 2 +12, Mar 9 +20, Mar 16 +35."
    assert lines == ["== Pulse results ==", "Latest", "  eNPS: +35", chart_line, "Anonymous"]


def test_a_chart_never_prints_bytes_or_control_characters() -> None:
    hostile = Chart(PNG, "t\x1b[2J", "alt\x07\rfake prompt")
    shown = render(Card("Results", chart=hostile))
    assert "PNG" not in shown and "\x00" not in shown
    assert "\x1b" not in shown and "\x07" not in shown and "\r" not in shown
    assert "[chart: t[2J] altfake prompt" in shown


def test_a_card_without_a_chart_has_no_chart_line() -> None:
    assert "[chart:" not in render(Card("Results", (Section("A", text="b"),)))


def test_a_channel_command_typed_here_says_how_the_chat_platforms_take_it() -> None:
    outbox = ConsoleOutbox(io.StringIO())
    phrasebook = outbox.phrasebook(Recipient("console", "local", "alan@example.com"))
    assert render(in_words(IN_A_CHANNEL, phrasebook)) == (
        "Type this in the channel that should get the digest: in Slack as /digest subscribe "
        "(a private channel needs /invite @checkin first), in Teams with @checkin in front."
    )
