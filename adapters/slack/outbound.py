"""Sending to Slack: DMs, message updates, modals, App Home, user look-ups.

Every call goes through the pacer and the 429-aware retry loop, with the bot token of the
workspace it is for: from the environment (one workspace) or from the installation store.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from adapters.slack.pacing import SlackSendError
from adapters.slack.phrases import PHRASEBOOK
from adapters.slack.render import render_answered, render_home, render_message, render_modal
from adapters.slack.upload import share_chart
from adapters.slack.web_api import SlackApi
from bot.core.messages import Answered, Card, Chart, Form, Message, Question, Text
from bot.core.ports import (
    FindsSent,
    HasPhrasebook,
    Outbox,
    Phrasebook,
    PostsInChannels,
    Recipient,
    Undeliverable,
    Updates,
)

log = logging.getLogger(__name__)

# Slack's answers that mean this person can't get our DMs, now or ever.
UNREACHABLE = {
    "account_inactive",
    "user_not_found",
    "user_disabled",
    "cannot_dm_bot",
    "channel_not_found",
    "not_in_channel",
    "is_archived",
    "messages_tab_disabled",
}

# Slack message metadata on every question we post, so find_sent can tell it in the history.
# Slack ignores (with a warning) an event type with other than letters, digits, _ and -.
QUESTION_EVENT = "checkin_question"
HISTORY_PAGE = 200
HISTORY_PAGES = 10
# Our clock and Slack's may disagree a little; reading a few seconds more history costs nothing.
CLOCK_SKEW = timedelta(seconds=5)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class SlackOutbox(Outbox, Updates, PostsInChannels, FindsSent, HasPhrasebook):
    """The engine's Outbox for Slack. A DM is a chat.postMessage to the user id.

    A card's chart follows the card as a PNG file in the same conversation, or in the card's
    thread with `chart_in_thread`."""

    def __init__(self, api: SlackApi, *, chart_in_thread: bool = False) -> None:
        self.api = api
        self.chart_in_thread = chart_in_thread

    def phrasebook(self, to: Recipient) -> Phrasebook:
        return PHRASEBOOK

    async def send(self, to: Recipient, message: Message) -> dict[str, Any] | None:
        payload = render_message(message)
        if isinstance(message, Question):
            payload["metadata"] = question_metadata(message)
        data = await self._call_for(to, "chat.postMessage", channel=to.user, **payload)
        ref = {"channel": data.get("channel"), "ts": data.get("ts")}
        if isinstance(message, Card) and message.chart is not None:
            ts = ref.get("ts")
            thread_ts = ts if self.chart_in_thread and isinstance(ts, str) else None
            await self._share_chart(to, ref.get("channel"), message.chart, thread_ts)
        return ref

    async def post_digest(self, to: Recipient, summary: Text, details: Card) -> None:
        """A channel digest: the short summary in the channel, the details card and its chart
        in the summary's thread, so a busy channel sees one line a week.

        Raises (the scheduler retries) only while nothing is posted. Once the summary is up,
        a failure in the thread is logged and not raised, so a retry never posts the summary
        twice. A public channel the app isn't in yet is joined; a private one needs an invite
        (Undeliverable until then)."""
        channel = str(to.conversation.get("channel") or "")
        if not channel:
            raise Undeliverable("no channel to post the digest in")
        head = await self._post_in_channel(to, channel, render_message(summary))
        thread = str(head.get("ts") or "")
        try:
            await self.api.call(
                to.tenant,
                "chat.postMessage",
                channel=channel,
                thread_ts=thread,
                **render_message(details),
            )
        except SlackSendError as error:
            log.error(
                "slack digest details not posted: workspace=%s channel=%s error=%s",
                to.tenant,
                channel,
                error.error,
            )
            return
        if details.chart is not None:
            await self._share_chart(to, channel, details.chart, thread)

    async def post_card(self, to: Recipient, card: Card) -> None:
        """One card in a channel, joined first if it's public and the app isn't in it yet."""
        channel = str(to.conversation.get("channel") or "")
        if not channel:
            raise Undeliverable("no channel to post in")
        await self._post_in_channel(to, channel, render_message(card))

    async def _post_in_channel(
        self, to: Recipient, channel: str, payload: dict[str, Any]
    ) -> dict[str, Any]:
        try:
            return await self.api.call(to.tenant, "chat.postMessage", channel=channel, **payload)
        except SlackSendError as error:
            if error.error != "not_in_channel":
                if error.error in UNREACHABLE:
                    raise Undeliverable(error.error) from error
                raise
        try:
            await self.api.call(to.tenant, "conversations.join", channel=channel)
        except SlackSendError as error:
            log.warning(
                "slack digest not posted: the app isn't in channel %s and can't join it (%s); "
                "invite it with /invite",
                channel,
                error.error,
            )
            raise Undeliverable("not_in_channel") from error
        return await self.api.call(to.tenant, "chat.postMessage", channel=channel, **payload)

    async def _share_chart(
        self, to: Recipient, channel: Any, chart: Chart, thread_ts: str | None
    ) -> None:
        """Never raises: the card is posted and its text describes the chart, so a failed
        upload costs only the image, and raising would have the card sent again."""
        if not isinstance(channel, str) or not channel:
            log.warning("slack chart not shared: no channel id for the card")
            return

        async def call(method: str, **params: Any) -> dict[str, Any]:
            return await self.api.call(to.tenant, method, **params)

        try:
            await share_chart(call, channel, chart, thread_ts=thread_ts)
        except Exception as failure:  # any failure: the card stands on its own
            error = failure.error if isinstance(failure, SlackSendError) else repr(failure)
            log.warning("slack chart not shared: workspace=%s error=%s", to.tenant, error)

    async def find_sent(
        self, to: Recipient, prompt_id: str, since: datetime
    ) -> dict[str, Any] | None:
        """The ref ({"channel", "ts"}, the same shape send() returns) of a question with this
        prompt_id that this bot posted in `to`'s DM at or after `since`; None when Slack's
        history shows it did not arrive. Raises (SlackSendError etc.) when it can't tell."""
        opened = await self._call_for(to, "conversations.open", users=to.user)
        channel = (opened.get("channel") or {}).get("id")
        if not channel:
            raise SlackSendError("conversations.open", "no_channel_id", retryable=True)
        oldest = slack_ts(since - CLOCK_SKEW)
        cursor = None
        for _ in range(HISTORY_PAGES):
            page = await self._call_for(
                to,
                "conversations.history",
                channel=channel,
                oldest=oldest,
                inclusive=True,
                include_all_metadata=True,
                limit=HISTORY_PAGE,
                cursor=cursor,
            )
            for posted in page.get("messages") or []:
                if _asks(posted, prompt_id):
                    return {"channel": channel, "ts": posted.get("ts")}
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                if page.get("has_more"):
                    raise SlackSendError("conversations.history", "no_next_cursor", retryable=True)
                return None
        # Not having read it all, we can't say the question never arrived.
        raise SlackSendError("conversations.history", "history_too_long", retryable=False)

    async def update(self, to: Recipient, ref: dict[str, Any], message: Message) -> None:
        if not ref.get("channel") or not ref.get("ts"):
            return
        if isinstance(message, Answered):
            payload = render_answered(message.question, message.answer)
        else:
            payload = render_message(message)
        await self.api.call(
            to.tenant, "chat.update", channel=ref["channel"], ts=ref["ts"], **payload
        )

    async def open_form(self, workspace: str, trigger_id: str, form: Form) -> bool:
        """Open the check-in modal; False when Slack says the trigger has expired."""
        try:
            await self.api.call(
                workspace, "views.open", trigger_id=trigger_id, view=render_modal(form)
            )
        except SlackSendError as error:
            if error.error in ("expired_trigger_id", "invalid_trigger_id", "exchanged_trigger_id"):
                return False
            raise
        return True

    async def publish_home(self, workspace: str, user: str, card: Card) -> None:
        view = render_home(card, start_button=True)
        await self.api.call(workspace, "views.publish", user_id=user, view=view)

    async def _call_for(self, to: Recipient, method: str, **params: Any) -> dict[str, Any]:
        try:
            return await self.api.call(to.tenant, method, **params)
        except SlackSendError as error:
            if error.error in UNREACHABLE:
                raise Undeliverable(error.error) from error
            raise


def question_metadata(question: Question) -> dict[str, Any]:
    """Invisible to the person; names the prompt the question asks."""
    return {"event_type": QUESTION_EVENT, "event_payload": {"prompt_id": question.prompt_id}}


def slack_ts(when: datetime) -> str:
    """A Slack timestamp ("seconds.micros") for an instant; a naive datetime counts as UTC."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    micros = (when - _EPOCH) // timedelta(microseconds=1)
    return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"


def _asks(message: Any, prompt_id: str) -> bool:
    """A question this bot posted for this prompt: a bot's message carrying our metadata."""
    if not isinstance(message, dict) or not message.get("bot_id"):
        return False
    metadata = message.get("metadata")
    if not isinstance(metadata, dict) or metadata.get("event_type") != QUESTION_EVENT:
        return False
    payload = metadata.get("event_payload")
    return isinstance(payload, dict) and payload.get("prompt_id") == prompt_id
