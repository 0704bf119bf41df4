"""A Card as an Adaptive Card: a large title, each section's title, text and facts, its chart
as an inline image, a subtle footer. Sections that would take the card past Teams' size limit
are left out, and counted; a chart that doesn't fit is shown as its words."""

from __future__ import annotations

import base64

from adapters.teams.render_text import (
    CARD_BUDGET,
    LINE,
    LONG,
    TITLE,
    Element,
    Room,
    adaptive_card,
    clip,
    note,
    text_block,
    user_text,
)
from bot.core.i18n import catalog
from bot.core.messages import Card, Chart, Field, Section

_, ngettext = catalog("adapters")


def titled_card(card: Card, size: int = CARD_BUDGET) -> Element:
    """The card in at most `size` JSON bytes."""
    room = Room(size)
    head = [_title(card.title)] if card.title.strip() else []
    foot = [text_block(user_text(card.footer, LINE), isSubtle=True)] if card.footer.strip() else []
    fields = sum(len(section.fields) for section in card.sections)
    # The chart's words are kept room for up front; its image goes in if what's left allows.
    words = [_chart_words(card.chart)] if card.chart is not None else []
    room.spend(*head, *foot, *words, _left_out_note(len(card.sections), fields))
    body: list[Element] = []
    for index, section in enumerate(card.sections):
        elements = section_elements(section)
        if room.take(*elements):
            body.extend(elements)
            continue
        shown, fields_left = _partial_section(section, room)
        body.extend(shown)
        sections_left = len(card.sections) - index - (1 if shown else 0)
        body.append(_left_out_note(sections_left, fields_left if shown else 0))
        break
    if card.chart is not None:
        image = _chart_image(card.chart)
        fits = Room.cost(image) <= room.left + Room.cost(*words)
        body.append(image if fits else words[0])
    return adaptive_card(head + body + foot or [text_block("")])


def _chart_image(chart: Chart) -> Element:
    # Adaptive Cards take data URIs from 1.2 on: Teams shows the PNG without hosting it anywhere.
    data = base64.b64encode(chart.png).decode("ascii")
    return {
        "type": "Image",
        "url": f"data:image/png;base64,{data}",
        "altText": clip(_plain_words(chart), LINE) or _("Chart"),
        "spacing": "Medium",
    }


def _chart_words(chart: Chart) -> Element:
    return text_block(user_text(_plain_words(chart), LONG), isSubtle=True, spacing="Medium")


def _plain_words(chart: Chart) -> str:
    return chart.caption


def section_elements(section: Section) -> list[Element]:
    elements = []
    if section.title.strip():
        elements.append(
            text_block(user_text(section.title, LINE), weight="Bolder", spacing="Medium")
        )
    if section.text.strip():
        elements.append(text_block(user_text(section.text)))
    if section.fields:
        elements.append(_fact_set([_fact(field) for field in section.fields]))
    return elements


def _partial_section(section: Section, room: Room) -> tuple[list[Element], int]:
    """As much of a section as fits: its title and text, then its first facts."""
    head = section_elements(Section(section.title, text=section.text))
    if not room.take(*head):
        return [], len(section.fields)
    room.spend(_fact_set([]))
    facts = []
    for field in section.fields:
        fact = _fact(field)
        if not room.take(fact):
            break
        facts.append(fact)
    shown = [*head, _fact_set(facts)] if facts else head
    return shown, len(section.fields) - len(facts)


def _title(title: str) -> Element:
    return text_block(user_text(title, TITLE), size="Large", weight="Bolder")


def _fact_set(facts: list[Element]) -> Element:
    return {"type": "FactSet", "facts": facts}


def _fact(field: Field) -> Element:
    # Facts are markdown too, so labels and values are escaped like TextBlocks.
    return {"title": user_text(field.label, LINE), "value": user_text(field.value)}


def _left_out_note(sections: int, fields: int) -> Element:
    if fields and sections:
        both = _("{fields} and {sections} didn't fit in this message.")
        return note(both.format(fields=_more_fields(fields), sections=_more_sections(sections)))
    if fields:
        return note(
            ngettext(
                "{count} more field didn't fit in this message.",
                "{count} more fields didn't fit in this message.",
                fields,
            ).format(count=fields)
        )
    if sections:
        return note(
            ngettext(
                "{count} more section didn't fit in this message.",
                "{count} more sections didn't fit in this message.",
                sections,
            ).format(count=sections)
        )
    return note(" didn't fit in this message.")  # only ever measured, for the room it keeps


def _more_fields(count: int) -> str:
    # Translators: part of "{fields} and {sections} didn't fit in this message."
    return ngettext("{count} more field", "{count} more fields", count).format(count=count)


def _more_sections(count: int) -> str:
    # Translators: part of "{fields} and {sections} didn't fit in this message."
    return ngettext("{count} more section", "{count} more sections", count).format(count=count)
