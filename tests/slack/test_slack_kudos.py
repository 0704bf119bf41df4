"""Kudos in Slack, over HTTP: an admin picks the kudos channel with /kudos channel typed there;
Alan gives Grace kudos from the "Give kudos" shortcut on her message; it reaches her DM, the
channel (as a card, escaped), the digest and the export. A private one stays out of the
channel."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import select

from adapters.slack.render import FORM_CALLBACK_ID, SHORTCUT_GIVE_KUDOS
from app.export import export_org
from storage.models import Person
from tests.conftest import FakeClock, until
from tests.slack.conftest import Slack, text_of
from tests.slack.payloads import message_event, message_shortcut, slash_command, view_submission
from tests.slack.test_slack_checkin_form import state
from tests.slack.test_slack_digest import in_channel_posts

TENANT = "slack:T1"


async def dm(slack: Slack, user: str, text: str) -> str:
    seen = len(slack.posts(user))
    assert (await slack.event(message_event(text, user=user)))[0] == 200
    return text_of(await slack.next_post(seen, user))


async def slash(slack: Slack, user: str, text: str, **where: str) -> str:
    seen = len(slack.posts(user))
    status, _ = await slack.form(slash_command("/kudos", text, user=user, **where))
    assert status == 200
    return text_of(await slack.next_post(seen, user))


async def make_admin(slack: Slack, email: str) -> None:
    async with slack.database.session() as session:
        person = (await session.exec(select(Person).where(Person.email == email))).one()
        person.is_admin = True
        session.add(person)


def opened_view(slack: Slack, n: int) -> dict[str, Any]:
    view = slack.api.called("views.open")[n].params["view"]
    return view if isinstance(view, dict) else json.loads(view)


async def test_a_kudos_from_the_shortcut_reaches_the_dm_the_channel_the_digest_and_export(
    slack: Slack, clock: FakeClock
) -> None:
    clock.advance(hours=2)  # 09:00 for Grace in New York, out of her quiet hours
    await make_admin(slack, "grace@example.com")
    slack.api.add_channel("C_KUDOS")  # public: the app joins it to post
    said = await slash(slack, "U_GRACE", "channel", channel="C_KUDOS", channel_name="kudos")
    assert "Done: kudos are posted in #kudos" in said
    said = await dm(slack, "U_GRACE", 'kudos values add "Customer first" #customer-first')
    assert "Added the value #customer-first" in said

    shortcut = message_shortcut(
        SHORTCUT_GIVE_KUDOS, user="U_ALAN", author="U_GRACE", text="shipped the importer"
    )
    assert (await slack.form(shortcut))[0] == 200
    await until(lambda: bool(slack.api.called("views.open")))
    view = opened_view(slack, 0)
    who = next(b for b in view["blocks"] if b["block_id"] == "who")["element"]
    assert (who["type"], who["initial_users"]) == ("multi_users_select", ["U_GRACE"])

    seen = len(slack.posts("U_GRACE"))
    typed = {
        "who": "U_GRACE",
        "message": "the <b>importer</b> & its docs",
        "values": "customer-first",
        "privacy": "public",
    }
    body = view_submission(
        FORM_CALLBACK_ID, view["private_metadata"], state(view, typed), user="U_ALAN"
    )
    status, response = await slack.form(body)
    assert status == 200 and "errors" not in response
    note = (await slack.next_post(seen, "U_GRACE")).params["text"]
    assert note == (
        "🎉 Kudos from Alan Turing: the &lt;b&gt;importer&lt;/b&gt; &amp; its docs #customer-first"
    )
    await until(lambda: any(c.ok for c in in_channel_posts(slack, "C_KUDOS")))
    [posted] = [c for c in in_channel_posts(slack, "C_KUDOS") if c.ok]
    blocks = json.dumps(posted.params["blocks"], ensure_ascii=False)
    assert "Alan Turing to Grace Hopper" in blocks
    assert "the &lt;b&gt;importer&lt;/b&gt; &amp; its docs" in blocks
    assert "Customer first #customer-first" in blocks

    said = await slash(slack, "U_ALAN", "<@U_GRACE|grace> for the quiet fix private")
    assert said.endswith("Kudos sent to Grace Hopper. It stays between you.")
    await until(lambda: "the quiet fix" in text_of(slack.posts("U_GRACE")[-1]))
    assert len([c for c in in_channel_posts(slack, "C_KUDOS") if c.ok]) == 1

    clock.advance(days=1)
    seen = len(slack.posts("U_GRACE"))
    assert "1 kudos" in await dm(slack, "U_GRACE", "digest now")  # the summary, then the card
    await until(lambda: len(slack.posts("U_GRACE")) >= seen + 2)
    card = json.dumps(slack.posts("U_GRACE")[-1].params.get("blocks"), ensure_ascii=False)
    assert "Recognition" in card and "quiet fix" not in card

    export = await export_org(slack.database, TENANT, clock.now(), "grace@example.com")
    assert [k["message"] for k in export["kudos"]] == [
        "the <b>importer</b> & its docs #customer-first",
        "the quiet fix",
    ]


async def test_the_shortcut_on_your_own_message_names_no_one(slack: Slack) -> None:
    shortcut = message_shortcut(SHORTCUT_GIVE_KUDOS, user="U_ALAN", author="U_ALAN", text="me")
    assert (await slack.form(shortcut))[0] == 200
    await until(lambda: bool(slack.api.called("views.open")))
    who = next(b for b in opened_view(slack, 0)["blocks"] if b["block_id"] == "who")
    assert "initial_users" not in who["element"]
