"""The check-in in German and Spanish, through the engine: the questions, hints and buttons, the
answers typed in the person's own words and numbers ("1.250,5", "erledigt", "sin cambios"), the
summary, and the blocker notice written in the manager's language, not the reporter's."""

from __future__ import annotations

from sqlmodel import select

from bot.core.messages import Card, Question
from bot.engine import Engine
from storage.db import Database
from storage.models import Person
from tests.bot.checkins.test_checkin_flow import history, key_results, last_question, say
from tests.bot.conftest import Org
from tests.conftest import RecordingOutbox

# Words of the English check-in that must not show through in a translated one.
ENGLISH = (
    "Your check-in",
    "quick questions",
    "what is it now",
    "how confident",
    "Type a number",
    "Reply",
    "Several at once",
    "No change",
    "Skip",
    "Already known",
    "is it done",
    "Not yet",
    "target",
    "won't happen",
    "Anything blocking",
    "Wins this week",
    "How are you feeling",
)


async def speaks(database: Database, email: str, language: str) -> None:
    """Sets someone's own language (what `settings language` would)."""
    async with database.session() as session:
        person = (await session.exec(select(Person).where(Person.email == email))).one()
        person.language = language
        session.add(person)


def questions(outbox: RecordingOutbox) -> list[Question]:
    return [m for _, m in outbox.sent if isinstance(m, Question)]


def shown(question: Question) -> str:
    """What the check-in itself writes in a question (the adapters add their own words)."""
    labels = " ".join(choice.label for choice in question.choices)
    return "\n".join(filter(None, (question.intro, question.text, labels, question.hint)))


async def test_a_german_speaker_gets_the_whole_checkin_in_german_and_1250_5_is_saved(
    engine: Engine, org: Org, outbox: RecordingOutbox, sqlite_db: Database
) -> None:
    await speaks(sqlite_db, "alan@example.com", "de")
    await say(engine, org.alan, "checkin now")
    first = last_question(outbox)
    assert first.intro == (
        "Dein Check-in für die Woche vom Fr. 20. Nov.: 9 kurze Fragen. Antworte auf jede; "
        "mit „überspringen“ lässt du eine aus."
    )
    assert (
        first.text == "Weekly signups: Wo steht es jetzt? (war 120 signups, Zielwert 500 signups)"
    )
    assert first.hint is not None and first.hint.startswith(
        "Tippe eine Zahl wie 400, 40 % oder „erledigt“. Mehrere auf einmal gehen auch: "
        "Weekly signups 120, NPS 28."
    )
    assert [c.label for c in first.choices] == ["Keine Änderung", "Überspringen"]
    for reply in (
        "1.250,5",  # German digits: a dot between thousands, a decimal comma
        "keine Änderung",
        "Keine Änderung",
        "noch nicht",
        "9",
        "warte auf das Design-Review",
        "Importer ausgeliefert",
        "gut",
    ):
        await say(engine, org.alan, reply)
    asked = questions(outbox)
    assert len(asked) == 8  # past its target, the signups' confidence is a 10 without asking
    for question in asked:
        assert not any(word in shown(question) for word in ENGLISH), shown(question)
    assert asked[1].intro == "Schon bekannt: Weekly signups Zuversicht 10/10."
    assert asked[2].text == "NPS: Wie zuversichtlich bist du, es zu erreichen, von 1 bis 10?"
    assert asked[2].hint == "1 = wird nichts, 10 = sicher. Letztes Mal: 6."
    assert asked[3].text == "Docs published: Ist es erledigt? (jetzt: nicht erledigt)"
    assert [c.label for c in asked[3].choices] == ["Ja", "Noch nicht", "Überspringen"]
    assert asked[3].hint == "Antworte „ja“ oder „nein“."
    assert asked[5].text == "Blockiert dich etwas? (sonst antworte „nichts“)"
    assert asked[7].text == "Wie geht es dir mit der Arbeit, von 1 bis 5?"
    summary = outbox.last()
    assert isinstance(summary, Card)
    text = summary.fallback_text()
    assert summary.title == "✅ Check-in für die Woche vom Fr. 20. Nov. gespeichert"
    assert (
        "Weekly signups: 120 signups → 1.250,5 signups · 100 % · Zuversicht 10/10, auf Kurs" in text
    )
    assert "NPS: 28 (keine Änderung) · 40 % · Zuversicht 6/10, gefährdet" in text
    assert "Stimmung: 🙂 4/5" in text and "Deine Antworten" in text
    assert summary.footer.startswith("Tippe checkin edit")
    krs = await key_results(sqlite_db)
    assert krs["signups"].current == 1250.5 and krs["signups"].confidence == 10
    assert (krs["nps"].current, krs["nps"].confidence) == (28, 6)
    assert (krs["docs"].current, krs["docs"].confidence) == (0, 9)


async def test_a_spanish_speaker_answers_in_spanish_words_and_numbers(
    engine: Engine, org: Org, outbox: RecordingOutbox, sqlite_db: Database
) -> None:
    await speaks(sqlite_db, "alan@example.com", "es")
    for reply in ("checkin now", "1.250,5", "sin cambios", "saltar", "hecho"):
        await say(engine, org.alan, reply)
    question = last_question(outbox)
    # The docs were done: their confidence is a 10 without asking, and the count says so.
    assert (
        question.intro == "Ya lo sabemos: Docs published está hecho, así que su confianza es 10/10."
    )
    assert question.text == "¿Algo te bloquea? (si no, responde “nada”)"
    for reply in ("nada", "importador publicado", "bien"):
        await say(engine, org.alan, reply)
    summary = outbox.last()
    assert isinstance(summary, Card)
    text = summary.fallback_text()
    assert summary.title == "✅ Check-in guardado para la semana del vie 20 nov"
    assert "Weekly signups: 120 signups → 1.250,5 signups · 100 % · confianza 10/10" in text
    assert "NPS: 28 (omitido)" not in text and "NPS: 28 (sin cambios)" in text
    assert "¿Algo te bloquea? (si no, responde “nada”): nada" in text
    assert "Ánimo: 🙂 4/5" in text
    krs = await key_results(sqlite_db)
    assert krs["signups"].current == 1250.5
    assert (krs["docs"].current, krs["docs"].confidence) == (1, 10)


async def test_numbers_typed_the_other_way_are_asked_again_in_the_persons_language(
    engine: Engine, org: Org, outbox: RecordingOutbox, sqlite_db: Database
) -> None:
    await speaks(sqlite_db, "alan@example.com", "de")
    await say(engine, org.alan, "checkin now")
    outbox.clear()
    await say(engine, org.alan, "3.5")
    assert outbox.texts() == ["Ist „3.5“ eine Dezimalzahl? Bitte mit Komma, z. B. 3,5."]
    await say(engine, org.alan, "abc")
    assert outbox.texts()[-1] == (
        "Ich konnte in „abc“ keine Zahl finden. Versuch etwas wie 400, 40 % oder „erledigt“."
    )
    assert await history(sqlite_db) == []
    await say(engine, org.alan, "signups 1.250,5, nps 35")  # several at once, German digits
    krs = await key_results(sqlite_db)
    assert (krs["signups"].current, krs["nps"].current) == (1250.5, 35)
    assert last_question(outbox).intro == "„Weekly signups“ und „NPS“ gespeichert."


async def test_english_words_still_work_in_every_language(
    engine: Engine, org: Org, outbox: RecordingOutbox, sqlite_db: Database
) -> None:
    await speaks(sqlite_db, "alan@example.com", "es")
    for reply in ("checkin now", "400", "7", "same", "skip", "done", "none", "shipped", "4"):
        await say(engine, org.alan, reply)
    summary = outbox.last()
    assert isinstance(summary, Card) and summary.title.startswith("✅ Check-in guardado")
    krs = await key_results(sqlite_db)
    assert (krs["signups"].current, krs["nps"].current, krs["docs"].current) == (400, 28, 1)


async def test_schedule_commands_answer_in_the_persons_language(
    engine: Engine, org: Org, outbox: RecordingOutbox, sqlite_db: Database
) -> None:
    await speaks(sqlite_db, "alan@example.com", "de")
    await say(engine, org.alan, "checkin schedule mon,thu 09:30")
    assert outbox.texts()[-1] == (
        "Erledigt: Check-ins am Mo., Do. um 09:30 (Europe/London), jede Woche. "
        "Der nächste: Do. 26. Nov. um 09:30."
    )
    await say(engine, org.alan, "checkin schedule mon 09:30 every 2 weeks")
    assert "alle 2 Wochen" in outbox.texts()[-1]
    await say(engine, org.alan, "checkin schedule someday 09:30")
    assert outbox.texts()[-1].startswith("„someday“ ist kein Wochentag")
    await say(engine, org.alan, "checkin pause 2026-12-31")
    assert outbox.texts()[-1] == (
        "Pausiert: bis einschließlich Do. 31. Dez. keine Check-ins. Tippe checkin resume, um "
        "früher zurückzukommen."
    )
    await speaks(sqlite_db, "alan@example.com", "es")
    await say(engine, org.alan, "checkin reminders off")
    assert outbox.texts()[-1] == "Los recordatorios están desactivados."
    await say(engine, org.alan, "checkin skip")
    assert outbox.texts()[-1] == "Saltaste el check-in de la semana del lun 16 nov."  # mondays now
