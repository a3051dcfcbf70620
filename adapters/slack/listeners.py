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

Q&A adds three kinds of events, each reported to the core as the fact it is:

* a person's reply in a channel thread (``message.channels``/``message.groups``) goes to
  ``Router.handle_thread_message``; the acknowledgement, if the thread is an item's Q&A
  thread, is posted in the thread. A reply that mentions the bot also arrives as an
  ``app_mention``, and is taken from there only, so it is one question;
* a 👍 added or removed (``reaction_added``/``reaction_removed``) is a vote on the
  message's question, if it is one (``QaService.vote_by_message``);
* the Upvote button under a question the bot posted votes for it.

Messages for the router carry the asker's moderator user groups (``roles``), read from
Slack when the program names any. A reply with a file (an export) is followed by the
file, uploaded where the answer went; an answer only the asker sees (the slash command
without ``public``) sends its file to the asker's DM, as a channel would show it to all.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import blocks, events, files
from adapters.slack.blocks import SlackMessage
from adapters.slack.errors import NETWORK_ERRORS, error_code
from adapters.slack.usergroups import UserGroups
from bot.answer_cache import RenderCache
from bot.core import Core
from bot.messages import APOLOGY, Attachment, IncomingMessage, Reply

log = logging.getLogger(__name__)

RECENT_EVENTS = 10_000  # Slack redelivers within minutes; this covers far more than that
POST_METHOD = "chat.postMessage"
IGNORED = ("Slack: message %s in thread %s of %s is not a new question (not a Q&A thread, "
           "or seen before); ignored")


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
        self.groups = UserGroups()
        # The router gives one Reply to everyone asking the same thing in the same second.
        self.render = RenderCache(blocks.to_message)

    def register(self, app: AsyncApp, command: str) -> None:
        """Every subscribed event gets a listener, so bolt acks (never 404s) all of them."""
        app.event("app_mention")(self.on_mention)
        app.event("message")(self.on_message)  # every subtype: edits and joins end here
        app.event("reaction_added")(self.on_reaction)
        app.event("reaction_removed")(self.on_reaction)
        app.command(command)(self.on_command)
        app.action(re.compile("^" + re.escape(blocks.ACTION_PREFIX)))(self.on_action)

    # ---------------------------------------------------------------- listeners

    async def on_mention(
        self, body: Mapping[str, Any], event: Mapping[str, Any], client: AsyncWebClient,
        context: AsyncBoltContext,
    ) -> None:
        question = events.from_mention(event, context.bot_user_id)
        if question is None or not self.seen.first_time(body.get("event_id")):
            return
        in_thread = events.thread_reply(event, context.bot_user_id)
        if in_thread is not None and await self.take_thread_reply(client, in_thread):
            return  # a question in a Q&A thread that names the bot
        await self.answer(client, question)

    async def on_message(
        self, body: Mapping[str, Any], event: Mapping[str, Any], client: AsyncWebClient,
        context: AsyncBoltContext,
    ) -> None:
        if event.get("channel_type") == "im":
            question = events.from_direct_message(event, context.bot_user_id)
            if question is not None and self.seen.first_time(body.get("event_id")):
                await self.answer(client, question)
            return
        in_thread = events.from_channel_message(event, context.bot_user_id)
        if in_thread is None or events.mentions_bot(event, context.bot_user_id):
            return  # not a reply in a thread; or a mention, which on_mention takes
        if self.seen.first_time(body.get("event_id")) and \
                not await self.take_thread_reply(client, in_thread):
            log.debug(IGNORED, in_thread.ts, in_thread.thread_ts, in_thread.channel)

    async def on_reaction(self, body: Mapping[str, Any], event: Mapping[str, Any]) -> None:
        """A 👍 added or removed: the core counts it if the message is a question."""
        reaction = events.from_reaction(event)
        if reaction is None:
            log.debug("Slack: :%s: by %s is no vote; ignored", event.get("reaction"),
                      event.get("user"))
            return
        if not self.seen.first_time(body.get("event_id")):
            return
        try:
            outcome = await self.core.qa.vote_by_message(
                events.PLATFORM, reaction.ts, reaction.user, add=reaction.added)
        except Exception:
            log.exception("Slack: could not count %s's 👍 on %s", reaction.user, reaction.ts)
            return
        log.debug("Slack: 👍 %s by %s on %s in %s: %s",
                  "added" if reaction.added else "removed", reaction.user, reaction.ts,
                  reaction.channel, outcome)

    async def on_command(
        self, ack: AsyncAck, command: Mapping[str, Any], respond: AsyncRespond,
        client: AsyncWebClient,
    ) -> None:
        await ack()  # an empty 200 now; the answer follows through the response_url
        message, public = events.from_command(command)
        reply = await self.ask(client, message)
        if reply is None:
            await self.respond(respond, blocks.plain(APOLOGY), "ephemeral")
            return
        visible = public and reply.private is not True
        delivered = await self.respond(
            respond, self.render(reply), "in_channel" if visible else "ephemeral"
        )
        if not delivered:
            await self.respond(respond, blocks.plain(APOLOGY), "ephemeral")
        if reply.attachment is not None:
            # An answer only the asker sees keeps its file private too: their DM.
            where = message.channel_id if visible else None
            await self.send_file(client, reply.attachment, message.user.id, where)

    async def on_action(
        self, ack: AsyncAck, body: Mapping[str, Any], action: Mapping[str, Any],
        respond: AsyncRespond, client: AsyncWebClient,
    ) -> None:
        """A button of ours ("Remind me", "Upvote"): only the presser sees the answer, and
        the message with the button stays as it was."""
        await ack()
        message = events.from_action(body, action)
        if message is None:
            return
        reply = await self.ask(client, message)
        answer = blocks.to_message(reply) if reply is not None else blocks.plain(APOLOGY)
        await self.respond(respond, answer, "ephemeral", replace_original=False)

    # ---------------------------------------------------------------- Q&A

    async def is_qa_thread(self, thread_ts: str) -> bool:
        try:
            return await self.core.qa.item_of_thread(events.PLATFORM, thread_ts) is not None
        except Exception:
            log.exception("Slack: could not tell whether thread %s is a Q&A thread", thread_ts)
            return False

    async def take_thread_reply(self, client: AsyncWebClient, reply: events.ThreadReply
                                ) -> bool:
        """A reply in an item's Q&A thread is a question: the core's acknowledgement goes
        into the thread. False for any other thread, which is none of the bot's business
        (as on Discord: ``WorkshopClient.answer_question``)."""
        if not await self.is_qa_thread(reply.thread_ts):
            return False
        try:
            answer = await self.core.router.handle_thread_message(reply.message, reply.ts)
        except Exception:
            log.exception("Slack: could not take %s's message %s in thread %s",
                          reply.message.user.id, reply.ts, reply.thread_ts)
            await self.post(client, reply.channel, reply.thread_ts, blocks.plain(APOLOGY))
            return True
        if answer is None:
            log.debug(IGNORED, reply.ts, reply.thread_ts, reply.channel)  # seen before
            return True
        await self.post(client, reply.channel, reply.thread_ts, blocks.to_message(answer))
        return True

    async def send_file(self, client: AsyncWebClient, attachment: Attachment, user: str,
                        channel: str | None, thread_ts: str | None = None, *,
                        fallback: bool = True) -> None:
        """The file where the answer went, else (or when that fails) in the asker's DM."""
        if channel is not None:
            error = await files.upload(client, attachment, channel, thread_ts)
            if error is None or not fallback:
                return
        await files.upload_to_dm(client, attachment, user)

    # ---------------------------------------------------------------- answering

    async def with_roles(self, client: AsyncWebClient, message: IncomingMessage
                         ) -> IncomingMessage:
        """The message with the asker's user groups among those the program names as
        moderators (the core decides what they allow), only when the core needs them:
        no other answer should wait for ``usergroups.users.list``."""
        groups = self.core.catalog.current.program.workshop.qa.slack_usergroups
        if not groups or not self.core.router.needs_roles(message):
            return message
        roles = await self.groups.of(client, message.user.id, groups)
        return dataclasses.replace(message, roles=roles)

    async def ask(self, client: AsyncWebClient, message: IncomingMessage) -> Reply | None:
        """The core's reply; None (logged) when the core failed, so the asker gets the apology."""
        try:
            return await self.core.router.handle(await self.with_roles(client, message))
        except Exception:
            log.exception("Slack: could not answer %s's question", message.user.id)
            return None

    async def answer(self, client: AsyncWebClient, question: events.Question) -> None:
        reply = await self.ask(client, question.message)
        if reply is None:
            await self.apologise(client, question)
            return
        error = await self.post(client, question.channel, question.thread_ts,
                                self.render(reply))
        if error is not None and error != "ratelimited":
            await self.apologise(client, question)
        if reply.attachment is not None:
            await self.send_file(client, reply.attachment, question.message.user.id,
                                 question.channel, question.thread_ts,
                                 fallback=not question.message.is_direct)

    async def post(
        self, client: AsyncWebClient, channel: str, thread_ts: str | None, message: SlackMessage
    ) -> str | None:
        """One chat.postMessage; returns None when posted, else the error code (logged)."""
        try:
            await client.chat_postMessage(
                channel=channel, thread_ts=thread_ts, **message.post_fields())
        except SlackApiError as exc:
            code = error_code(exc)
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
