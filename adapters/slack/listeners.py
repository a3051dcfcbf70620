"""The slack-bolt listeners: a question in, the core's answer out, delivered once.

Each listener turns the payload into a question (``events``), asks the router, and
posts the rendered reply (``blocks``). Nothing here decides an answer. What is decided
here is delivery:

* Mentions and DMs are answered with one ``chat.postMessage`` where they were asked
  (in the thread when asked in one). 429s are retried inside slack-sdk by the client's
  retry handler, so a failed call never reaches us as a reason to post again; Slack's
  own redeliveries of an event (same ``event_id``) are dropped, so an answer is
  posted once even when Slack sends the question twice.
* Any other Web API error is logged in one line with the method and Slack's error
  code, and the asker gets the short apology: in the same place, or in a DM when that
  place is what failed (e.g. ``channel_not_found``).
* The slash command is acked at once (Slack allows 3 seconds) and answered through its
  ``response_url``: ephemeral unless the asker wrote ``public``.
"""

from __future__ import annotations

import logging
import re
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

import aiohttp
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import blocks, events
from adapters.slack.blocks import SlackMessage
from bot.core import Core
from bot.messages import APOLOGY, IncomingMessage, Reply

log = logging.getLogger(__name__)

RECENT_EVENTS = 10_000  # Slack redelivers within minutes; this covers far more than that
POST_METHOD = "chat.postMessage"
NETWORK_ERRORS = (aiohttp.ClientError, TimeoutError)


class RecentIds:
    """The last ``limit`` event ids seen, to drop Slack's redeliveries of an event."""

    def __init__(self, limit: int = RECENT_EVENTS) -> None:
        self._limit = limit
        self._ids: OrderedDict[str, None] = OrderedDict()

    def first_time(self, event_id: str | None) -> bool:
        if not event_id:
            return True
        if event_id in self._ids:
            return False
        self._ids[event_id] = None
        if len(self._ids) > self._limit:
            self._ids.popitem(last=False)
        return True


class Listeners:
    """The bot's listeners on one AsyncApp, answering through one core."""

    def __init__(self, core: Core) -> None:
        self.core = core
        self.seen = RecentIds()

    def register(self, app: AsyncApp, command: str) -> None:
        """Every subscribed event gets a listener, so bolt acks (never 404s) all of them."""
        app.event("app_mention")(self.on_mention)
        app.event("message")(self.on_message)  # every subtype: edits and joins end here
        app.command(command)(self.on_command)
        app.action(re.compile("^" + re.escape(blocks.ACTION_PREFIX)))(self.on_action)

    # ---------------------------------------------------------------- listeners

    async def on_mention(
        self, body: Mapping[str, Any], event: Mapping[str, Any], client: AsyncWebClient,
        context: AsyncBoltContext,
    ) -> None:
        question = events.from_mention(event, context.bot_user_id)
        if question is not None and self.seen.first_time(body.get("event_id")):
            await self.answer(client, question)

    async def on_message(
        self, body: Mapping[str, Any], event: Mapping[str, Any], client: AsyncWebClient,
        context: AsyncBoltContext,
    ) -> None:
        question = events.from_direct_message(event, context.bot_user_id)
        if question is not None and self.seen.first_time(body.get("event_id")):
            await self.answer(client, question)

    async def on_command(
        self, ack: AsyncAck, command: Mapping[str, Any], respond: AsyncRespond
    ) -> None:
        await ack()  # an empty 200 now; the answer follows through the response_url
        message, public = events.from_command(command)
        reply = await self.ask(message)
        if reply is None:
            await self.respond(respond, blocks.plain(APOLOGY), "ephemeral")
            return
        visible = public and reply.private is not True
        delivered = await self.respond(
            respond, blocks.to_message(reply), "in_channel" if visible else "ephemeral"
        )
        if not delivered:
            await self.respond(respond, blocks.plain(APOLOGY), "ephemeral")

    async def on_action(
        self, ack: AsyncAck, body: Mapping[str, Any], action: Mapping[str, Any],
        respond: AsyncRespond,
    ) -> None:
        """A button of ours ("Remind me"): its command goes to the core; only the presser
        sees the answer, and the message with the button stays as it was."""
        await ack()
        message = events.from_action(body, action)
        if message is None:
            return
        reply = await self.ask(message)
        answer = blocks.to_message(reply) if reply is not None else blocks.plain(APOLOGY)
        await self.respond(respond, answer, "ephemeral", replace_original=False)

    # ---------------------------------------------------------------- answering

    async def ask(self, message: IncomingMessage) -> Reply | None:
        """The core's reply; None (logged) when the core failed, so the asker gets the apology."""
        try:
            return await self.core.router.handle(message)
        except Exception:
            log.exception("Slack: could not answer %s's question", message.user.id)
            return None

    async def answer(self, client: AsyncWebClient, question: events.Question) -> None:
        reply = await self.ask(question.message)
        if reply is None:
            await self.apologise(client, question)
            return
        error = await self.post(client, question.channel, question.thread_ts,
                                blocks.to_message(reply))
        if error is not None and error != "ratelimited":
            await self.apologise(client, question)

    async def post(
        self, client: AsyncWebClient, channel: str, thread_ts: str | None, message: SlackMessage
    ) -> str | None:
        """One chat.postMessage; returns None when posted, else the error code (logged)."""
        try:
            await client.chat_postMessage(
                channel=channel,
                thread_ts=thread_ts,
                text=message.text,
                blocks=message.blocks or None,
                unfurl_links=False,
                unfurl_media=False,
            )
        except SlackApiError as exc:
            code = str(exc.response.get("error") or f"HTTP {exc.response.status_code}")
            log.error("Slack %s failed: %s (channel %s)", POST_METHOD, code, channel)
            return code
        except NETWORK_ERRORS as exc:
            log.error("Slack %s failed: %s: %s (channel %s)", POST_METHOD, type(exc).__name__,
                      exc, channel)
            return type(exc).__name__
        return None

    async def apologise(self, client: AsyncWebClient, question: events.Question) -> None:
        """The short apology where the question was asked, else in a DM to the asker."""
        apology = blocks.plain(APOLOGY)
        if await self.post(client, question.channel, question.thread_ts, apology) is None:
            return
        if not question.message.is_direct:
            await self.post(client, question.message.user.id, None, apology)

    async def respond(
        self, respond: AsyncRespond, message: SlackMessage, kind: str, **options: Any
    ) -> bool:
        """Post to the response_url; respond() does not raise on HTTP errors."""
        try:
            response = await respond(
                text=message.text, blocks=message.blocks or None, response_type=kind, **options
            )
        except NETWORK_ERRORS as exc:
            log.error("Slack respond() failed: %s: %s", type(exc).__name__, exc)
            return False
        if response.status_code != 200:
            log.error("Slack respond() failed: HTTP %d %s", response.status_code,
                      " ".join(response.body.split())[:100])
            return False
        return True
