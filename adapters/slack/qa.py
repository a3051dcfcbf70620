"""Q&A threads on Slack: the adapter's side of :class:`bot.adapter.QaPublisher`.

A paper's or talk's thread is the thread under one parent message the bot posts in the
program's Q&A channel (title, authors, summary); its ``ts`` is the thread's id. Setup is
idempotent on three levels:

* a stored thread is reused when its parent is still in the channel's history (a parent
  deleted with replies stays as a tombstone, and counts as deleted);
* otherwise the parent is looked for by its message metadata (the item's slug), so a
  parent posted just before a crash, or before the database was reset, is found again
  rather than posted twice;
* only then is a new parent posted.

Questions posted by the bot (asked elsewhere with "ask …") carry an Upvote button. A
status change edits a question the bot posted (``chat.update``); a person's own message
cannot be edited by the bot, so it gets a mark instead (✅ answered, 🚫 hidden, none when
restored). Every failure is raised as one line naming the method and Slack's error code;
the core logs it and carries on with the next item.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Mapping
from dataclasses import replace
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from adapters.slack import inbound, render
from adapters.slack.transport import NETWORK_ERRORS, answer_of, error_code
from bot.messages import Button, QuestionView, Reply, ThreadRef
from bot.qa.service import ANSWERED, HIDDEN

log = logging.getLogger(__name__)

THREAD_EVENT = "workshop_bot_qa_thread"  # metadata event_type of a thread's parent
HISTORY_PAGE = 200  # recent top-level messages searched for a parent by its metadata
MARKS = {ANSWERED: "white_check_mark", HIDDEN: "no_entry_sign"}  # on people's questions


class SlackQaError(Exception):
    """A Web API call for Q&A failed; ``code`` is Slack's error code (or the exception's
    name for a lost connection)."""

    def __init__(self, method: str, code: str, channel: str) -> None:
        super().__init__(f"Slack {method} failed: {code} (channel {channel})")
        self.code = code


async def _call(method: str, channel: str, request: Awaitable[AsyncSlackResponse]
                ) -> Mapping[str, Any]:
    try:
        return answer_of(await request)
    except SlackApiError as exc:
        code = error_code(exc)
        raise SlackQaError(method, code, channel) from None
    except NETWORK_ERRORS as exc:
        raise SlackQaError(method, type(exc).__name__, channel) from None


class SlackThreads:
    """The Q&A threads in one workspace, through one Web API client."""

    platform = inbound.PLATFORM

    def __init__(self, client: AsyncWebClient, bot_user_id: str, bot_id: str,
                 workspace_url: str = "") -> None:
        self.client = client
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.workspace_url = workspace_url.rstrip("/")

    def link(self, channel: str, ts: str) -> str | None:
        """The thread's address in the workspace (Slack's permalink form)."""
        if not self.workspace_url:
            return None
        return f"{self.workspace_url}/archives/{channel}/p{ts.replace('.', '')}"

    # ---------------------------------------------------------------- threads

    async def open_thread(self, channel_id: str, slug: str, title: str, intro: Reply,
                          existing: ThreadRef | None) -> ThreadRef:
        if (existing is not None and existing.channel_id == channel_id
                and await self._still_there(channel_id, existing.thread_id)):
            return replace(existing,
                           url=existing.url or self.link(channel_id, existing.thread_id))
        found = await self._find_parent(channel_id, slug)
        if found is not None:
            log.info("Slack Q&A thread for %s found again in %s (ts %s)", slug, channel_id,
                     found)
            return ThreadRef(self.platform, channel_id, found, found, self.link(channel_id, found))
        message = render.to_message(intro)
        posted = await _call("chat.postMessage", channel_id, self.client.chat_postMessage(
            channel=channel_id,
            metadata={"event_type": THREAD_EVENT, "event_payload": {"item": slug}},
            **message.post_fields(),
        ))
        ts = str(posted["ts"])
        log.info("Slack Q&A thread for %s (%s) posted in %s (ts %s)", slug, title, channel_id,
                 ts)
        channel = str(posted.get("channel") or channel_id)
        return ThreadRef(self.platform, channel, ts, ts, self.link(channel, ts))

    async def _still_there(self, channel: str, ts: str) -> bool:
        """Whether the parent message ``ts`` is in the channel and not deleted."""
        history = await _call("conversations.history", channel, self.client.conversations_history(
            channel=channel, latest=ts, inclusive=True, limit=1,
        ))
        return any(m.get("ts") == ts and m.get("subtype") != "tombstone"
                   for m in history.get("messages") or ())

    async def _find_parent(self, channel: str, slug: str) -> str | None:
        """The ts of a live parent the bot posted for ``slug``, among recent messages."""
        history = await _call("conversations.history", channel, self.client.conversations_history(
            channel=channel, include_all_metadata=True, limit=HISTORY_PAGE,
        ))
        for message in inbound.tagged(history.get("messages") or (), THREAD_EVENT, "item",
                                     slug):
            if self._is_ours(message) and message.get("subtype") != "tombstone":
                return str(message["ts"])
        return None

    def _is_ours(self, message: Mapping[str, Any]) -> bool:
        return message.get("bot_id") == self.bot_id or message.get("user") == self.bot_user_id

    # ---------------------------------------------------------------- questions and answers

    async def publish_question(self, thread: ThreadRef, question: QuestionView,
                               text: Reply, buttons: tuple[Button, ...]) -> str | None:
        message = render.to_message(text, buttons)
        posted = await self._post(thread, message)
        return str(posted["ts"])

    async def publish_answer(self, thread: ThreadRef, question: QuestionView,
                             text: Reply) -> None:
        await self._post(thread, render.to_message(text))

    async def _post(self, thread: ThreadRef, message: render.SlackMessage) -> Mapping[str, Any]:
        return await _call("chat.postMessage", thread.channel_id, self.client.chat_postMessage(
            channel=thread.channel_id, thread_ts=thread.thread_id, **message.post_fields(),
        ))

    async def question_changed(self, thread: ThreadRef, question: QuestionView,
                               text: Reply, buttons: tuple[Button, ...]) -> None:
        ts = question.message_ref
        if ts is None:
            return
        message = render.to_message(text, buttons)
        try:
            await _call("chat.update", thread.channel_id, self.client.chat_update(
                channel=thread.channel_id, ts=ts, text=message.text, blocks=message.blocks,
            ))
            return
        except SlackQaError as exc:
            if exc.code != "cant_update_message":
                raise
        await self._mark(thread.channel_id, ts, question.status)  # a person's own message

    async def _mark(self, channel: str, ts: str, status: str) -> None:
        """The status as the bot's reaction on a person's message: one mark or none."""
        wanted = MARKS.get(status)
        for name in MARKS.values():
            try:
                if name == wanted:
                    await _call("reactions.add", channel, self.client.reactions_add(
                        channel=channel, timestamp=ts, name=name))
                else:
                    await _call("reactions.remove", channel, self.client.reactions_remove(
                        channel=channel, timestamp=ts, name=name))
            except SlackQaError as exc:
                if exc.code not in ("already_reacted", "no_reaction"):
                    raise

    # ---------------------------------------------------------------- votes

    async def votes_on(self, thread: ThreadRef, question: QuestionView) -> set[str] | None:
        """Who 👍-reacted to the question's message now (None when the message is gone).
        Upvote presses leave no reaction; the core keeps them apart from reactions."""
        if question.message_ref is None:
            return None
        try:
            found = await _call("reactions.get", thread.channel_id, self.client.reactions_get(
                channel=thread.channel_id, timestamp=question.message_ref, full=True,
            ))
        except SlackQaError as exc:
            if exc.code == "message_not_found":
                return None
            raise
        message = found.get("message") or {}
        users = inbound.thumbs_up_users(message)
        users.discard(self.bot_user_id)
        return users
