"""One reply that updates several key results at once: "signups 400, nps 35". All of it is
saved, or none of it, with what stopped it; and the reply says what was saved, since the count
then passes over the questions it answered."""

from __future__ import annotations

from typing import Protocol

from bot.checkins import questions as q
from bot.checkins.parsing import Invalid, parse_multi_update, quote, unknown_names
from bot.checkins.recording import Recording
from bot.core.i18n import catalog
from bot.core.messages import Message, Text
from bot.core.words import listed
from storage.models import CheckinRun, KeyResult, PendingPrompt

_, ngettext = catalog("bot.checkins")


class CheckinFlow(Protocol):
    """What of the check-in conversation (bot/checkins/flow.py) this needs."""

    recording: Recording

    async def run_key_results(self, run: CheckinRun) -> dict[int, KeyResult]: ...

    async def claim(self, run: CheckinRun, prompt: PendingPrompt, said: str) -> bool: ...

    async def ask_next(
        self, run: CheckinRun, intro: str | None = None, after: str | None = None
    ) -> list[Message]: ...


async def answer_several(
    flow: CheckinFlow, run: CheckinRun, prompt: PendingPrompt, text: str, first_error: Invalid
) -> list[Message]:
    """One line for several key results: 'signups 400, nps 35'."""
    key_results = await flow.run_key_results(run)
    by_key = {
        question["key"]: (question, key_results.get(question["kr_id"]))
        for question in run.questions
        if question["kind"] == q.KR_VALUE
    }
    candidates = [
        (key, kr.title, q.metric_spec(kr)) for key, (_, kr) in by_key.items() if kr is not None
    ]
    parsed = parse_multi_update(text, candidates)
    if not parsed:
        return [Text(first_error.reason)]
    problems = [
        f"{by_key[key][1].title}: {result.reason}"  # type: ignore[union-attr]
        for key, result in parsed.items()
        if isinstance(result, Invalid)
    ]
    unknown = unknown_names(text, candidates)
    if unknown:
        yours = listed([quote(title) for _key, title, _spec in candidates], _("and"))
        not_ours = ngettext(
            "{names} is not among the key results in this check-in ({yours}).",
            "{names} are not among the key results in this check-in ({yours}).",
            len(unknown),
        )
        names = listed([quote(name) for name in unknown], _("and"))
        problems.append(not_ours.format(names=names, yours=yours))
    if problems:
        nothing_saved = _("I couldn't use all of that, so nothing is saved yet.")
        return [Text(nothing_saved + "\n" + "\n".join(problems))]
    if prompt.question_key in parsed and not await flow.claim(run, prompt, text):
        return []
    for key, result in parsed.items():
        question, kr = by_key[key]
        await flow.recording.record(run, question, result, kr)
    if list(parsed) == [prompt.question_key]:
        return await flow.ask_next(run, after=prompt.question_key)
    # Saved more than the question asked: say so, or the count jumps without a word.
    titles = [quote(by_key[key][1].title) for key in parsed]  # type: ignore[union-attr]
    saved = listed(titles, _("and"))
    return await flow.ask_next(run, intro=_("Saved {key_results}.").format(key_results=saved))
