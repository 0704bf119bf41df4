"""The check-in's own card: the summary shown when it is saved."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.checkins import questions as q
from bot.checkins.cadence import friendly_day
from bot.core.i18n import catalog
from bot.core.messages import Card, Field, Section
from bot.goals.progress import format_value, percent, progress, status_words
from storage.models import Answer, CheckinRun, KeyResult, KeyResultChange

_, ngettext = catalog("bot.checkins")

MOOD_WORDS = {1: "😞 1/5", 2: "🙁 2/5", 3: "😐 3/5", 4: "🙂 4/5", 5: "😀 5/5"}


def summary_card(
    run: CheckinRun,
    answers: Mapping[str, Answer],
    key_results: Mapping[int, KeyResult],
    changes: Sequence[KeyResultChange],
) -> Card:
    first_value: dict[int, float | None] = {}
    for change in changes:
        if change.field == "value":
            first_value.setdefault(change.key_result_id, change.old_value)
    kr_fields = []
    closing = []
    for question in run.questions:
        answer = answers.get(question["key"])
        if question["kind"] == q.KR_VALUE:
            kr = key_results.get(question["kr_id"])
            if kr is not None:
                kr_fields.append(Field(kr.title, _kr_line(kr, answer, first_value)))
        elif question["kind"] == q.FREE_TEXT:
            closing.append(Field(_(question["text"]), _text_answer(answer)))
        elif question["kind"] == q.MOOD:
            mood = answer.number if answer is not None and not answer.skipped else None
            closing.append(
                Field(_("Mood"), MOOD_WORDS.get(int(mood), "—") if mood else _("skipped"))
            )
    sections = []
    if kr_fields:
        sections.append(Section(_("Key results"), tuple(kr_fields)))
    sections.append(Section(_("Your answers"), tuple(closing)))
    return Card(
        title=_("✅ Check-in saved for the week of {day}").format(
            day=friendly_day(run.period_label)
        ),
        sections=tuple(sections),
        footer=_("Type checkin edit to change anything until the next check-in opens."),
    )


def _kr_line(kr: KeyResult, answer: Answer | None, first_value: Mapping[int, float | None]) -> str:
    now = format_value(kr.kind, kr.current, kr.unit)
    if answer is None or answer.skipped:
        moved = _("{now} (skipped)").format(now=now)
    elif kr.id is not None and kr.id in first_value:
        moved = f"{format_value(kr.kind, first_value[kr.id], kr.unit)} → {now}"
    else:
        moved = _("{now} (no change)").format(now=now)
    share = percent(round(progress(kr.kind, kr.start, kr.target, kr.current) * 100))
    confidence = (
        _("confidence {confidence}/10").format(confidence=kr.confidence)
        if kr.confidence is not None
        else _("no confidence")
    )
    return f"{moved} · {share} · {confidence}, {status_words(kr.confidence)}"


def _text_answer(answer: Answer | None) -> str:
    if answer is None or answer.skipped:
        return _("skipped")
    return answer.text or _("none")
