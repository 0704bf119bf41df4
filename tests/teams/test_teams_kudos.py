"""Kudos in Teams, over HTTP: an admin @mentions the bot with `kudos channel` in a channel; Sam
gives Ana kudos in his personal chat, mentioning her; it reaches Ana's chat and comes to the
channel as a new post with its card. A private one stays out of the channel."""

from __future__ import annotations

from sqlmodel import select

from storage.models import Person
from tests.conftest import until
from tests.teams.activities import CHANNEL_ID, mention, message
from tests.teams.test_teams_digest import Org, in_channel, in_dm, org, say, text_of, the_card, user

__all__ = ["org"]  # the fixture


async def make_admin(org: Org, email: str) -> None:
    async with org.teams.database.session() as session:
        person = (await session.exec(select(Person).where(Person.email == email))).one()
        person.is_admin = True
        session.add(person)


async def kudos_to_ana(org: Org, words: str) -> None:
    seen = len(in_dm(org, "ana"))
    activity = message(
        f"kudos <at>Ana Ruiz</at> {words}",
        user=user("sam"),
        service_url=org.connector.url,
        mentions=[mention(user("ana"), "Ana Ruiz")],
    )
    assert (await org.teams.post(activity))[0] in (200, 201)
    await until(lambda: len(in_dm(org, "ana")) > seen)


async def test_a_kudos_reaches_the_receivers_chat_and_the_kudos_channel(org: Org) -> None:
    await say(org, "ana", "help")  # Ana has the app: the bot can write to her
    refused = await in_channel(org, "sam", "kudos channel")
    assert "Only admins choose the kudos channel." in text_of(refused)
    await make_admin(org, "mo@example.com")
    reply = await in_channel(org, "mo", "kudos channel")
    assert "Done: kudos are posted in Digests from now on" in text_of(reply)
    assert "Added the value #craft" in text_of(
        await say(org, "mo", 'kudos values add "Craft" #craft')
    )

    await kudos_to_ana(org, "for the <b>failover</b> drill #craft")
    assert "🎉 Kudos from Sam Lee: the <b>failover</b> drill #craft" in text_of(
        in_dm(org, "ana")[-1]
    )
    await until(lambda: bool(org.connector.new_posts(CHANNEL_ID)))
    [post] = org.connector.new_posts(CHANNEL_ID)
    texts = [block.get("text") for block in the_card(post)["body"]]
    assert post.activity["summary"] == "🎉 Sam Lee to Ana Ruiz"
    # Teams reads TextBlocks as Markdown: what people wrote is escaped.
    assert "the \\<b\\>failover\\</b\\> drill \\#craft" in texts
    assert "Craft \\#craft" in texts

    await kudos_to_ana(org, "for covering my on-call private")
    assert "Kudos sent to Ana Ruiz. It stays between you." in text_of(in_dm(org, "sam")[-1])
    assert len(org.connector.new_posts(CHANNEL_ID)) == 1
