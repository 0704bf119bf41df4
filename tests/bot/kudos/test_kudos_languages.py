"""Kudos in German and Spanish: the giver is answered in their language, each receiver gets
their DM in theirs, the channel's card is written in the org's language, and the form, the
refusals, the stats and the digest's recognition lines are translated. The org's values are
its own words, in every language."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core.events import CommandInvoked
from bot.core.i18n import speaking
from bot.core.messages import Card, Form
from bot.kudos.recognition import recognition_section
from storage.kudos import KudosShown
from storage.models import Person, Tenant
from tests.bot.kudos.test_kudos import KUDOS_CHANNEL, posted
from tests.bot.org_world import TENANT, World


async def speaks(world: World, languages: dict[str, str], org: str | None = None) -> None:
    async with world.database.session() as session:
        for key, language in languages.items():
            person = await session.get(Person, world.ids[key])
            assert person is not None
            person.language = language
            session.add(person)
        if org is not None:
            tenant = await session.get(Tenant, TENANT)
            assert tenant is not None
            tenant.settings = {**tenant.settings, "language": org}
            session.add(tenant)


async def test_the_giver_and_each_receiver_read_their_own_language(world: World) -> None:
    await speaks(world, {"ben": "de", "ana": "es"})
    await world.say("ben", "kudos <@U_ANA> <@U_ADA> for the launch #customer-first")
    assert world.last("ben").startswith("Kudos an Ana Lopez ")
    assert world.last("ben").endswith(" Ada Admin gesendet.")
    assert world.last("ana") == "🎉 Kudos de Ben Report: the launch #customer-first"
    assert world.last("ada") == "🎉 Kudos from Ben Report: the launch #customer-first"
    await world.say("ana", "kudos ben@x.com gracias private")
    assert world.last("ana") == "Kudos enviados a Ben Report. Queda en privado."
    assert world.last("ben") == "🎉 Kudos von Ana Lopez: gracias"


async def test_refusals_are_in_the_givers_language(world: World) -> None:
    await speaks(world, {"ben": "es"})
    await world.say("ben", "kudos <@U_BEN> for me")
    assert world.last("ben").startswith("Los kudos son para los demás")
    await world.say("ben", "kudos <@U_ANA> for the launch #custmer-first")
    assert world.last("ben") == (
        "#custmer-first no es uno de los valores de la empresa. ¿Quisiste decir "
        "#customer-first? No se envió nada."
    )
    await world.say("ben", "kudos <@U_ANA>")
    assert world.last("ben") == "Di por qué es: kudos @ana for shipping the onboarding flow"
    await world.say("ben", "kudos <@U_NOBODY> for the launch")
    assert world.last("ben").startswith("Aún no conozco a U_NOBODY")
    await world.say("ben", "kudos cap 2")
    assert world.last("ben") == (
        "Solo los admins definen cuántos kudos puede dar una persona al día."
    )


async def test_the_channels_card_is_in_the_orgs_language_whoever_gives(world: World) -> None:
    await speaks(world, {"ben": "es", "ada": "es"}, org="de")
    event = CommandInvoked(world.actor("ada"), "kudos", "channel", "ch-de", KUDOS_CHANNEL)
    await world.engine.handle(event)
    assert world.last("ada").startswith("Hecho: a partir de ahora los kudos se publican en #kudos")
    await world.say("ben", "kudos <@U_ANA> for the launch #customer-first")
    assert world.last("ben") == "Kudos enviados a Ana Lopez."
    assert world.last("ana") == "🎉 Kudos von Ben Report: the launch #customer-first"  # the org's
    assert posted(world) == [
        (
            "C_KUDOS",
            "🎉 Ben Report an Ana Lopez\n\nthe launch #customer-first\n\n"
            "Werte\nCustomer first #customer-first",
        )
    ]


async def test_the_form_and_the_stats_are_translated(world: World) -> None:
    await speaks(world, {"ben": "de", "ada": "es"})
    form = await world.engine.form(world.actor("ben"), "k_give")
    assert isinstance(form, Form)
    assert form.title == "Kudos geben" and form.submit_label == "Senden"
    assert [f.label for f in form.fields] == [
        "Für wen? (Namen, Erwähnungen oder E-Mail-Adressen)",
        "Wofür?",
        "Unternehmenswerte, die es zeigt (#customer-first)",
        "Wer es sieht",
    ]
    assert [c.label for c in form.fields[3].choices] == [
        "Alle: auch der Kudos-Channel",
        "Nur die genannten Personen",
    ]
    assert [c.value for c in form.fields[3].choices] == ["public", "private"]

    await world.say("ben", "kudos <@U_ANA> for the launch #customer-first")
    await world.command("ada", "kudos", "stats")
    card = world.messages_to("ada")[-1]
    assert isinstance(card, Card)
    assert card.title == "Kudos en 2026-Q1: todos"
    text = card.fallback_text()
    assert "1 kudos, 1 persona reconocida. Ninguno todavía para Ada Admin " in text
    assert "Ana Lopez: recibidos 1 · dados 0" in text
    assert "Customer first #customer-first: 1" in text
    assert "Los recuentos incluyen los kudos privados" in text


def test_the_digests_recognition_lines_follow_the_language_in_force() -> None:
    when = datetime(2026, 3, 2, tzinfo=UTC)
    kudos = [
        KudosShown(
            2, "Ben Report", ("Ana Lopez",), "the launch #customer-first", ("customer-first",), when
        ),
        KudosShown(1, None, (), "quietly", (), when),
    ]
    values = {"customer-first": "Customer first"}
    with speaking("de"):
        section = recognition_section(kudos, values)
    assert section.title == "Anerkennung"
    assert section.text == "2 Kudos diese Woche. Am häufigsten vergebene Werte: Customer first (1)."
    assert [f.label for f in section.fields] == ["Ben Report an Ana Lopez", "Jemand an jemanden"]
    with speaking("es"):
        assert recognition_section([], values).text == "Esta semana no hubo kudos."
