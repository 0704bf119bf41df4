"""One Web API client per token in use, for a bounded number of tokens: a token rotated every
12 hours leaves its client to age out, not to be kept for a year."""

from __future__ import annotations

from adapters.slack import web_api
from adapters.slack.web_api import SlackApi


async def no_token(workspace: str) -> str | None:
    return None


def test_clients_of_old_tokens_age_out() -> None:
    api = SlackApi("http://127.0.0.1:9/api/", no_token)
    first = api.client("xoxe.xoxb-1")
    assert api.client("xoxe.xoxb-1") is first  # kept while in use
    for n in range(2, web_api.CLIENTS_KEPT + 2):
        api.client(f"xoxe.xoxb-{n}")
    assert len(api._clients) == web_api.CLIENTS_KEPT
    assert api.client("xoxe.xoxb-1") is not first  # the oldest went first
