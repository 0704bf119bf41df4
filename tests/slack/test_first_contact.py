"""Someone in the workspace who writes to the bot becomes a person of the org on first
contact, with the name, email and time zone Slack gives (users.info), the org's default cadence
and no manager; no CSV needed. Guests are told politely that check-ins aren't for them, other
apps get nothing, and neither is enrolled. Driven over HTTP with signed requests."""

from __future__ import annotations

from sqlmodel import select

from storage.models import Person, PlatformIdentity
from tests.conftest import until
from tests.fuzz.apps import Bot, bolt_idle
from tests.slack.payloads import message_event


async def people(bot: Bot) -> dict[str, Person]:
    async with bot.database.session() as session:
        return {p.email: p for p in (await session.exec(select(Person))).all()}


async def test_a_colleague_who_writes_help_is_enrolled_and_gets_the_commands(bot: Bot) -> None:
    bot.slack.api.add_user(
        "U_NEW", team="T1", email="new@example.com", name="Nia New", tz="America/New_York"
    )
    assert (await bot.slack.event(message_event("help", user="U_NEW")))[0] == 200
    await bolt_idle()
    await until(lambda: bool(bot.slack.posts("U_NEW")))
    reply = str(bot.slack.posts("U_NEW")[-1].params)
    assert "checkin now" in reply and "I don't know" not in reply
    nia = (await people(bot))["new@example.com"]
    assert (nia.name, nia.timezone, nia.manager_id, nia.team) == (
        "Nia New", "America/New_York", None, None,
    )  # fmt: skip
    assert (nia.checkin_days, nia.checkin_time, nia.is_admin, nia.active) == (
        None, None, False, True,
    )  # fmt: skip
    async with bot.database.session() as session:
        linked = (await session.exec(select(PlatformIdentity))).all()
    assert ("slack:T1", "U_NEW", nia.id) in {
        (i.tenant_id, i.external_user_id, i.person_id) for i in linked
    }


async def test_a_guest_is_told_politely_and_not_enrolled(bot: Bot) -> None:
    bot.slack.api.add_user("U_GUEST", team="T1", email="guest@partner.example", guest=True)
    before = await people(bot)
    assert (await bot.slack.event(message_event("checkin now", user="U_GUEST")))[0] == 200
    await bolt_idle()
    await until(lambda: bool(bot.slack.posts("U_GUEST")))
    reply = str(bot.slack.posts("U_GUEST")[-1].params)
    assert "guests aren't enrolled" in reply
    assert await people(bot) == before


async def test_another_app_and_a_deactivated_account_are_not_enrolled(bot: Bot) -> None:
    bot.slack.api.add_user("U_APP", team="T1", email="app@example.com", is_bot=True)
    bot.slack.api.add_user("U_GONE", team="T1", email="gone@example.com", deleted=True)
    before = await people(bot)
    for user in ("U_APP", "U_GONE"):
        assert (await bot.slack.event(message_event("help", user=user)))[0] == 200
    await bolt_idle()
    await until(lambda: len(bot.slack.api.called("users.info")) >= 2)
    await bolt_idle()
    assert bot.slack.posts("U_APP") == []  # an app gets no answer
    assert "I don't know" in str(bot.slack.posts("U_GONE")[-1].params)
    assert await people(bot) == before


async def test_the_language_slack_gives_is_kept_on_first_contact(bot: Bot) -> None:
    bot.slack.api.add_user("U_PIA", team="T1", email="pia@example.com", locale="pt-BR")
    assert (await bot.slack.event(message_event("help", user="U_PIA")))[0] == 200
    await bolt_idle()
    await until(lambda: bool(bot.slack.posts("U_PIA")))
    assert (await people(bot))["pia@example.com"].locale == "pt-BR"
    asked = bot.slack.api.called("users.info")[-1]
    assert asked.params.get("include_locale") == "true"  # Slack says it only when asked


async def test_a_mentioned_colleague_the_bot_hasnt_met_is_enrolled(bot: Bot) -> None:
    bot.slack.api.add_user(
        "U_BEN", team="T1", email="ben@example.com", name="Ben Ode", locale="nl-NL"
    )
    text = "feedback request <@U_BEN> from <@U_GRACE>"
    assert (await bot.slack.event(message_event(text, user="U_ALAN")))[0] == 200
    await bolt_idle()
    await until(lambda: bool(bot.slack.posts("U_ALAN")))
    ben = (await people(bot))["ben@example.com"]
    assert (ben.name, ben.locale, ben.active, ben.manager_id) == ("Ben Ode", "nl-NL", True, None)
    async with bot.database.session() as session:
        linked = {i.external_user_id for i in (await session.exec(select(PlatformIdentity))).all()}
    assert {"U_BEN", "U_GRACE"} <= linked


async def test_a_mentioned_guest_is_not_enrolled(bot: Bot) -> None:
    bot.slack.api.add_user("U_GUS", team="T1", email="gus@partner.example", guest=True)
    before = await people(bot)
    text = "feedback request <@U_GUS> from <@U_GRACE>"
    assert (await bot.slack.event(message_event(text, user="U_ALAN")))[0] == 200
    await bolt_idle()
    await until(lambda: bool(bot.slack.posts("U_ALAN")))
    assert set(await people(bot)) == set(before)
