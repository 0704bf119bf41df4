"""A manager's views, home and help in German and Spanish, and a blocker reaching the manager in
the manager's own language, whatever language the report wrote it in."""

from __future__ import annotations

from bot.core.messages import Card, Text
from storage.models import Person
from tests.bot.org_world import World
from tests.bot.team.test_team_view import sid_checks_in
from tests.bot.team.test_team_view import world as world  # the fixture, re-exported


async def speaks(world: World, who: str, language: str) -> None:
    """Sets someone's own language (what `settings language` would)."""
    async with world.database.session() as session:
        person = await session.get(Person, world.ids[who])
        assert person is not None
        person.language = language
        session.add(person)


async def test_a_blocker_reaches_the_manager_in_the_managers_language(world: World) -> None:
    await speaks(world, "sid", "de")
    await speaks(world, "rae", "es")
    await sid_checks_in(world, "warte auf die API-Schlüssel")
    assert world.messages_to("rae") == [
        Text(
            "Sid Dev informó de un bloqueo en su check-in de la semana del vie 27 feb: "
            "“warte auf die API-Schlüssel”\n(checkin team muestra la semana de tu equipo; con "
            "checkin blockers weekly se guardan ahí.)"
        )
    ]
    summary = world.messages_to("sid")[-1]
    assert isinstance(summary, Card)
    assert summary.title == "✅ Check-in für die Woche vom Fr. 27. Feb. gespeichert"


async def test_nothing_in_german_or_spanish_is_no_blocker(world: World) -> None:
    await speaks(world, "sid", "de")
    await sid_checks_in(world, "nichts")
    await speaks(world, "sid", "es")
    world.clock.advance(days=5)  # the next period
    await sid_checks_in(world, "Nada.")
    assert world.to("rae") == []


async def test_the_team_week_in_german(world: World) -> None:
    await sid_checks_in(world, "waiting on API keys")
    await speaks(world, "mo", "de")
    await world.command("mo", "checkin", "team")
    week = world.last("mo")
    assert week.startswith("Die Woche deines Teams")
    assert "Check-ins: 1 von 2 erledigt" in week
    assert "Sid Dev: erledigt ✓" in week and "Rae Lead: offen (nicht begonnen)" in week
    assert "Blocker\n  Sid Dev: waiting on API keys" in week
    assert "Zuversicht diese Woche gesunken\n  API calls (Sid Dev): 7 → 4, jetzt gefährdet" in week
    assert "Key Results seit 3+ Check-ins nicht aktualisiert" in week
    assert "Docs pages (Rae Lead): nie in einem Check-in" in week
    assert week.endswith("goals team zeigt ihre Ziele.")
    await world.command("sid", "checkin", "pause 2026-03-20")
    await world.command("mo", "checkin", "team")
    assert "Sid Dev: pausiert bis einschließlich Fr. 20. März" in world.last("mo")


async def test_the_team_views_and_blocker_choice_in_spanish(world: World) -> None:
    for who in ("rae", "pat"):
        await speaks(world, who, "es")
    await world.command("pat", "checkin", "team")
    assert world.last("pat") == (
        "La semana de tu equipo\n\nNadie depende de ti. Esta vista es para responsables: la "
        "semana de su equipo de un vistazo."
    )
    await world.command("rae", "checkin", "blockers weekly")
    assert world.last("rae") == (
        "Los bloqueos de tu equipo esperarán a checkin team; no más DMs por ellos."
    )
    await world.command("rae", "checkin", "blockers later")
    assert world.last("rae").startswith("Escribe checkin blockers now")
    await world.command("rae", "goals", "team")
    goals = world.last("rae")
    assert goals.startswith("Los objetivos de tu equipo") and "API calls" in goals
    assert goals.endswith("checkin team muestra su semana.")


async def test_home_in_spanish(world: World) -> None:
    await sid_checks_in(world, "waiting on API keys")
    await speaks(world, "mo", "es")
    await world.command("mo", "home", "")
    home = world.last("mo")
    assert home.startswith("Tus check-ins y objetivos\n\nEste periodo\n")
    assert "Tu check-in de la semana del vie 27 feb no ha empezado. El próximo abre el" in home
    assert (
        "Tu equipo\n1 de 2 hicieron el check-in en este periodo, 1 bloqueo. Más con checkin team."
        in home
    )


async def test_home_status_and_help_in_german(world: World) -> None:
    await speaks(world, "sid", "de")
    await world.command("sid", "checkin", "now")
    await world.say("sid", "150")
    await world.command("sid", "home", "")
    home = world.last("sid")
    assert home.startswith("Deine Check-ins und Ziele\n\nDieser Zeitraum\n")
    assert "Dein Check-in für die Woche vom Fr. 27. Feb.: 1 von 5 beantwortet." in home
    await world.command("sid", "help", "")
    shown = world.last("sid")
    assert shown.startswith("Was ich kann")
    assert "checkin now: den Check-in dieses Zeitraums starten" in shown
    assert "home: dein Check-in, was auf dich wartet, dein Team und deine Ziele" in shown
    assert "checkin team / goals team: Führungskräfte: die Woche des Teams" in shown
    assert shown.endswith("Wartet eine Check-in-Frage, tippe einfach deine Antwort.")
