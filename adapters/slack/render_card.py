"""Cards as Block Kit: a header, each section with its fields, the chart's words and the footer
as context. Block Kit images need a public URL, so the chart itself goes up as a file after
the card (adapters.slack.upload)."""

from __future__ import annotations

from collections.abc import Sequence

from adapters.slack.render_text import (
    FIELD_TEXT,
    HEADER_TEXT,
    SECTION_FIELDS,
    SECTION_TEXT,
    Block,
    context,
    escape,
    mrkdwn,
    plain,
    section,
    split_text,
    truncate,
)
from bot.core.i18n import catalog
from bot.core.messages import Card, Chart, Field, Section

# A long section is cut rather than crowding every later one out of the card.
SECTION_BLOCKS = 5

_, ngettext = catalog("adapters")


def card_blocks(card: Card, max_blocks: int) -> list[Block]:
    """At most `max_blocks` blocks: sections that don't fit are folded into a last one that
    names them."""
    header = {"type": "header", "text": plain(card.title, HEADER_TEXT)}
    head = [header] if card.title.strip() else []
    foot = [context(escape(card.footer))] if card.footer.strip() else []
    if card.chart is not None:
        foot.insert(0, context(escape(chart_words(card.chart))))
    room = max_blocks - len(head) - len(foot)
    body: list[Block] = []
    for index, card_section in enumerate(card.sections):
        blocks = section_blocks(card_section)
        # While sections remain, keep one block free to say they were left out.
        reserve = 1 if index < len(card.sections) - 1 else 0
        if len(body) + len(blocks) + reserve > room:
            body.append(_left_out(card.sections[index:]))
            break
        body.extend(blocks)
    return (head + body + foot) or [section("")]


def chart_words(chart: Chart) -> str:
    """What the chart shows, for whoever can't see the image (or before it arrives)."""
    return chart.caption


def section_blocks(card_section: Section) -> list[Block]:
    """Up to ten fields sit side by side as Slack fields; more become lines of text."""
    title = _bold(card_section.title)
    head = "\n".join(part for part in (title, escape(card_section.text)) if part.strip())
    fields = card_section.fields
    if 0 < len(fields) <= SECTION_FIELDS:
        blocks = [_text_block(part) for part in _parts(head)] if head.strip() else []
        if not blocks:
            blocks = [{"type": "section"}]
        blocks[-1]["fields"] = [mrkdwn(_field_text(field, "\n")) for field in fields]
        return blocks
    body = "\n".join([head, *(_field_text(field, ": ") for field in fields)]).strip("\n")
    return [_text_block(part) for part in _parts(body)] if body.strip() else []


def _field_text(field: Field, separator: str) -> str:
    label = _bold(field.label)
    value = escape(field.value)
    text = separator.join(part for part in (label, value) if part.strip())
    return truncate(text, FIELD_TEXT)


def _left_out(sections: Sequence[Section]) -> Block:
    count = len(sections)
    titles = " · ".join(escape(s.title.strip()) for s in sections if s.title.strip())
    left_out = ngettext(
        "*{count} more section didn't fit here*", "*{count} more sections didn't fit here*", count
    ).format(count=count)
    return section(left_out + (f": {titles}" if titles else ""))


def _bold(text: str) -> str:
    return f"*{escape(text.strip())}*" if text.strip() else ""


def _parts(text: str) -> list[str]:
    return split_text(text, SECTION_TEXT, SECTION_BLOCKS)


def _text_block(text: str) -> Block:
    return {"type": "section", "text": mrkdwn(text)}
