"""The slack-bolt listeners: an event in, the core's answer out, delivered once.

Each listener turns the payload into one of the core's typed events (``inbound``), hands
it to ``Core.receive``, and posts the rendered reply (``render``). Nothing here decides
an answer, whether a message is a question, or whether a reaction is a vote. What is
decided here is delivery:

* Mentions and DMs are answered with one ``chat.postMessage`` where they were asked
  (in the thread when asked in one). 429s are retried inside slack-sdk by the client's
  retry handler, so a failed call never reaches us as a reason to post again. Each
  event goes to the core with Slack's id of it (``event_id``; a command's or a button's
  ``trigger_id``), and the core acts on each once: Slack's redeliveries, on this
  instance or another one behind the same load balancer, get no second answer.
* Any other Web API error is logged in one line with the method and Slack's error
  code, and the asker gets the short apology: in the same place, or in a DM when that
  place is what failed (e.g. ``channel_not_found``).
* The slash command is acked at once (Slack allows 3 seconds) and answered through its
  ``response_url``: ephemeral unless the asker wrote ``public``.

Q&A adds three kinds of events, each reported to the core as the fact it is:

* a person's reply in a channel thread (``message.channels``/``message.groups``) is a
  message not addressed to the bot; the core's acknowledgement, when the thread is an
  item's Q&A thread, is posted in the thread. A reply that mentions the bot also
  arrives as an ``app_mention``, and is taken from there only, so it is one question;
* a reaction added or removed (``reaction_added``/``reaction_removed``): the core
  counts a 👍 on a question as a vote;
* the Upvote button under a question the bot posted votes for it.

Every event carries a lazy lookup of the asker's user groups among those the program
names as moderators; the core calls it only for what needs it. A reply with a file (an
export) is followed by the file, uploaded where the answer went; an answer only the asker
sees (the slash command without ``public``) sends its file to the asker's DM, as a channel
would show it to all.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Mapping
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import files, inbound, render
from adapters.slack.names import SlackNames
from adapters.slack.render import SlackMessage
from adapters.slack.transport import NETWORK_ERRORS, error_code
from adapters.slack.usergroups import UserGroups
from bot.answer_cache import RenderCache
from bot.core import Core
from bot.events import ButtonPress, Command, Standing, StandingLookup
from bot.messages import APOLOGY, Attachment, Reply

log = logging.getLogger(__name__)

POST_METHOD = "chat.postMessage"
IGNORED = ("Slack: message %s in thread %s of %s is not a new question (not a Q&A thread, "
           "or seen before); ignored")


class Listeners:
    """The bot's listeners on one AsyncApp, answering through one core."""

    def __init__(self, core: Core) -> None:
        self.core = core
        self.groups = UserGroups()
        self.names = SlackNames()
        # The router gives one Reply to everyone asking the same thing in the same second.
        self.render = RenderCache(render.to_message)

    def register(self, app: AsyncApp, command: str) -> None:
        """Every subscribed event gets a listener, so bolt acks (never 404s) all of them."""
        app.event("app_mention")(self.on_mention)
        app.event("message")(self.on_message)  # every subtype: edits and joins end here
        app.event("reaction_added")(self.on_reaction)
        app.event("reaction_removed")(self.on_reaction)
        app.command(command)(self.on_command)
        app.action(re.compile("^" + re.escape(render.ACTION_PREFIX)))(self.on_action)

    # ---------------------------------------------------------------- listeners

    async def on_mention(
        self, body: Mapping[str, Any], event: Mapping[str, Any], client: AsyncWebClient,
        context: AsyncBoltContext,
    ) -> None:
        posted = inbound.from_mention(event, context.bot_user_id)
        if posted is not None:
            await self.answer(client, posted, body.get("event_id"))

    async def on_message(
        self, body: Mapping[str, Any], event: Mapping[str, Any], client: AsyncWebClient,
        context: AsyncBoltContext,
    ) -> None:
        if event.get("channel_type") == "im":
            posted = inbound.from_direct_message(event, context.bot_user_id)
        elif inbound.mentions_bot(event, context.bot_user_id):
            return  # Slack sends a mention twice: as this and as an app_mention, taken there
        else:
            posted = inbound.from_channel_message(event, context.bot_user_id)
        if posted is not None:
            await self.answer(client, posted, body.get("event_id"))

    async def on_reaction(self, body: Mapping[str, Any], event: Mapping[str, Any]) -> None:
        """A reaction added or removed: the core counts it if it is a vote."""
        reaction = inbound.from_reaction(event)
        if reaction is None:
            return
        try:
            await self.core.receive(dataclasses.replace(reaction, delivery=body.get("event_id")))
        except Exception:
            log.exception("Slack: could not count %s's reaction on %s", reaction.user.id,
                          reaction.message_ref)

    async def on_command(
        self, ack: AsyncAck, command: Mapping[str, Any], respond: AsyncRespond,
        client: AsyncWebClient,
    ) -> None:
        await ack()  # an empty 200 now; the answer follows through the response_url
        asked = inbound.from_command(command)
        answered, reply = await self.ask(client, asked, command.get("trigger_id"))
        if not answered:
            await self.respond(respond, render.plain(APOLOGY), "ephemeral")
            return
        if reply is None:
            return  # delivered again: answered the first time
        visible = reply.private is False
        delivered = await self.respond(
            respond, self.render(reply), "in_channel" if visible else "ephemeral"
        )
        if not delivered:
            await self.respond(respond, render.plain(APOLOGY), "ephemeral")
        if reply.attachment is not None:
            # An answer only the asker sees keeps its file private too: their DM.
            where = asked.place.channel_id if visible else None
            await self.send_file(client, reply.attachment, asked.user.id, where)

    async def on_action(
        self, ack: AsyncAck, body: Mapping[str, Any], action: Mapping[str, Any],
        respond: AsyncRespond, client: AsyncWebClient,
    ) -> None:
        """A button of ours ("Remind me", "Upvote"): only the presser sees the answer, and
        the message with the button stays as it was."""
        await ack()
        press = inbound.from_action(body, action)
        if press is None:
            return
        answered, reply = await self.ask(client, press, body.get("trigger_id"))
        if answered and reply is None:
            return  # delivered again: answered the first time
        answer = render.to_message(reply) if reply is not None else render.plain(APOLOGY)
        await self.respond(respond, answer, "ephemeral", replace_original=False)

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

    def standing(self, client: AsyncWebClient, user_id: str) -> StandingLookup:
        """The asker's user groups among those the program names as moderators, and their
        display name, looked up only when the core asks (no other answer waits for
        ``usergroups.users.list`` or ``users.info``)."""
        async def lookup(groups: tuple[str, ...]) -> Standing:
            return Standing(await self.groups.of(client, user_id, groups) if groups else (),
                            name=await self.names.of(client, user_id))

        return lookup

    async def ask(self, client: AsyncWebClient, asked: Command | ButtonPress,
                  delivery: str | None) -> tuple[bool, Reply | None]:
        """Whether the core answered a command or a button (False, logged: it failed, and
        the asker gets the apology) and its reply (None: delivered before, answered then)."""
        try:
            reply = await self.core.receive(dataclasses.replace(
                asked, standing=self.standing(client, asked.user.id), delivery=delivery))
        except Exception:
            log.exception("Slack: could not answer %s's question", asked.user.id)
            return False, None
        return True, reply

    async def answer(self, client: AsyncWebClient, posted: inbound.Posted,
                     delivery: str | None) -> None:
        """A message's answer where it was posted (a Q&A question's acknowledgement goes
        into its thread); nothing when the core has nothing to say."""
        message = dataclasses.replace(posted.event, delivery=delivery,
                                      standing=self.standing(client, posted.event.user.id))
        try:
            reply = await self.core.receive(message)
        except Exception:
            log.exception("Slack: could not answer %s's message %s", message.user.id,
                          message.ref)
            if message.addressed:
                await self.apologise(client, posted)
            return
        if reply is None:
            log.debug(IGNORED, message.ref, posted.thread_ts, posted.channel)
            return
        error = await self.post(client, posted.channel, posted.thread_ts, self.render(reply))
        if error is not None and error != "ratelimited":
            await self.apologise(client, posted)
        if reply.attachment is not None:
            await self.send_file(client, reply.attachment, message.user.id, posted.channel,
                                 posted.thread_ts, fallback=not message.place.is_direct)

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

    async def apologise(self, client: AsyncWebClient, posted: inbound.Posted) -> None:
        """The short apology where the question was asked, else in a DM to the asker."""
        apology = render.plain(APOLOGY)
        if await self.post(client, posted.channel, posted.thread_ts, apology) is None:
            return
        if not posted.event.place.is_direct:
            await self.post(client, posted.event.user.id, None, apology)

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
