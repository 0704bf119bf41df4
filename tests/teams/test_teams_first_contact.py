"""Someone in the Teams tenant who writes to the bot becomes a person of the org on first
contact, with the name and email of their member info and the zone of their activity; a guest
is told politely that check-ins aren't for guests, and is not enrolled."""

from __future__ import annotations

import logging

import pytest

from storage.repository import Store
from tests.conftest import until
from tests.fuzz.apps import Bot
from tests.slack.test_first_contact import people
from tests.teams.activities import conversation_update, installation_update, message


async def test_a_teams_colleague_who_writes_is_enrolled(bot: Bot) -> None:
    url = bot.teams.connector.url
    bot.teams.connector.add_member("29:nia", email="nia@example.com", name="Nia New")
    activity = message("help", user="29:nia", service_url=url, local_timezone="Asia/Tokyo")
    status, _ = await bot.teams.post(activity, bot.teams_token(url))
    assert status < 300
    await until(lambda: any("checkin now" in text for text in bot.teams.texts()))
    nia = (await people(bot))["nia@example.com"]
    assert (nia.name, nia.timezone, nia.manager_id) == ("Nia New", "Asia/Tokyo", None)


async def test_a_teams_guest_is_told_politely_and_not_enrolled(bot: Bot) -> None:
    url = bot.teams.connector.url
    bot.teams.connector.add_member("29:guest", email="guest@partner.example", role="guest")
    before = await people(bot)
    status, _ = await bot.teams.post(
        message("checkin now", user="29:guest", service_url=url), bot.teams_token(url)
    )
    assert status < 300
    await until(lambda: any("guests aren't enrolled" in text for text in bot.teams.texts()))
    assert await people(bot) == before


async def test_the_first_to_install_in_a_tenant_with_no_admin_is_its_admin(bot: Bot) -> None:
    url, fresh = bot.teams.connector.url, "tenant-fresh"
    for user, email in (("29:ina", "ina@fresh.example"), ("29:ole", "ole@fresh.example")):
        bot.teams.connector.add_member(user, email=email, tenant=fresh)
        install = installation_update(user=user, tenant=fresh, service_url=url)
        status, _ = await bot.teams.post(install, bot.teams_token(url))
        assert status < 300
    await until(lambda: len(bot.teams.texts()) >= 2)
    found = await people(bot)
    assert (found["ina@fresh.example"].is_admin, found["ole@fresh.example"].is_admin) == (
        True, False,
    )  # fmt: skip
    assert {found["ina@fresh.example"].tenant_id} == {f"teams:{fresh}"}


async def test_the_language_of_a_teams_colleagues_activity_is_kept(bot: Bot) -> None:
    url = bot.teams.connector.url
    bot.teams.connector.add_member("29:ute", email="ute@example.com", name="Ute Umlaut")
    activity = message("help", user="29:ute", service_url=url, locale="de-DE")
    status, _ = await bot.teams.post(activity, bot.teams_token(url))
    assert status < 300
    await until(lambda: any("checkin now" in text for text in bot.teams.texts()))
    assert (await people(bot))["ute@example.com"].locale == "de-DE"


async def test_someone_linked_before_languages_were_kept_gets_theirs_filled_in(
    bot: Bot,
) -> None:
    async with bot.database.session() as session:
        store = Store(session)
        alan = await store.person_by_email("teams:tenant-1", "alan@example.com")
        assert alan is not None and alan.locale is None
        await store.link_identity(alan, "teams", "29:alan")  # linked before, with no language
    url = bot.teams.connector.url
    for sent, locale in enumerate(("en-GB", "fr-FR"), start=1):
        activity = message("help", user="29:alan", service_url=url, locale=locale)
        status, _ = await bot.teams.post(activity, bot.teams_token(url))
        assert status < 300
        await until(lambda: len(bot.teams.texts()) >= sent)  # noqa: B023 (awaited at once)
        async with bot.database.session() as session:
            found = await Store(session).person_by_email("teams:tenant-1", "alan@example.com")
        assert found is not None and found.locale == "en-GB"  # filled once, then kept


async def test_a_conversation_update_with_an_empty_member_is_ignored_quietly(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    url = bot.teams.connector.url
    activity = conversation_update([], user="29:nobody", service_url=url)
    activity["membersAdded"] = [None, {"id": "29:someone"}]
    status, _ = await bot.teams.post(activity, bot.teams_token(url))
    assert status < 300
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert bot.teams.texts() == []
