"""Q&A on Discord: a thread per paper and talk, questions in it, 👍 votes on them.

The core decides everything (which threads exist, what is a question, who may vote,
what a status means); this module does what Discord needs to show it:

- **Threads.** The program's Q&A channel is a forum (each item gets a post) or a text
  channel (each item gets a starter message with a thread on it). A stored thread is
  reused while Discord still has it (``GET /channels/{id}``; 404 Unknown Channel means a
  moderator deleted it, and it is created again; in a text channel the old starter
  message, ours, is deleted first so the channel does not show the intro twice).
- **Questions posted by the bot** ("ask" from elsewhere) carry an Upvote button. When
  their status changes the bot edits them; a person's own message cannot be edited by
  the bot, so it gets a ✅ (answered) or 🚫 (hidden) reaction instead, taken back when
  the question is restored.
- **Votes** are 👍 reactions (the gateway's reaction events, handed to the core as
  events) and Upvote presses (the core's "upvote" command). At start the core asks for
  each question's 👍 users (``votes_on``) to catch reactions made while the bot was
  away; it keeps button votes apart, so reconciling never undoes them.

Every call waits for the gateway's first READY, as reminders do: the core may call
before the client has connected (``workshop-bot qa setup`` starts both together).
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import replace

import discord

from adapters.discord import inbound, transport
from adapters.discord.buttons import view_of
from adapters.discord.connection import Connection
from adapters.discord.render import clip
from bot.events import THUMBS_UP
from bot.messages import Button, QuestionView, Reply, ThreadRef
from bot.qa.service import ANSWERED, HIDDEN

log = logging.getLogger(__name__)

PLATFORM = inbound.PLATFORM
MARKS = {ANSWERED: "✅", HIDDEN: "🚫"}  # on a person's own question message
THREAD_NAME_CHARS = 100  # Discord's limit for a thread's name
ARCHIVE_AFTER = 10080  # minutes without messages before Discord hides a thread: a week, the most


def thread_name(title: str) -> str:
    return clip(" ".join(title.split()) or "Q&A", THREAD_NAME_CHARS)


def question_nonce(thread: ThreadRef, question_id: int) -> str:
    """A retried post of the same question into the same thread stays one message."""
    return transport.nonce_of(f"qa-question|{thread.thread_id}|{question_id}")


class DiscordQa:
    """The QaPublisher side of the adapter (votes coming in are the core's: a 👍 reaction
    is an event like any other)."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.client = connection.client

    # ------------------------------------------------------------------ threads

    async def open_thread(self, channel_id: str, slug: str, title: str, intro: Reply,
                          existing: ThreadRef | None) -> ThreadRef:
        await self.connection.connected()
        same_channel = existing is not None and existing.channel_id == channel_id
        parent = await self._channel(int(channel_id))
        guild = getattr(getattr(parent, "guild", None), "id", None)

        def link(thread_id: str) -> str | None:
            return f"https://discord.com/channels/{guild}/{thread_id}" if guild else None

        if existing is not None and same_channel and await self._exists(existing.thread_id):
            return replace(existing, url=existing.url or link(existing.thread_id))
        rendered = self.connection.formatter.render(intro)
        name = thread_name(title)
        if isinstance(parent, discord.ForumChannel):
            post = await parent.create_thread(name=name, auto_archive_duration=ARCHIVE_AFTER,
                                              content=rendered.content, embeds=rendered.embeds)
            log.info("Discord: Q&A forum post for %s: thread %s", slug, post.thread.id)
            return ThreadRef(PLATFORM, channel_id, str(post.thread.id), str(post.message.id),
                             link(str(post.thread.id)))
        if isinstance(parent, discord.TextChannel):
            if existing is not None and same_channel and existing.starter_id:
                await self._delete_starter(parent, int(existing.starter_id))
            starter = await parent.send(rendered.content, embeds=rendered.embeds)
            try:
                thread = await starter.create_thread(name=name,
                                                     auto_archive_duration=ARCHIVE_AFTER)
            except discord.HTTPException:
                await self._delete_starter(parent, starter.id)  # no intro without its thread
                raise
            log.info("Discord: Q&A thread for %s: thread %s", slug, thread.id)
            return ThreadRef(PLATFORM, channel_id, str(thread.id), str(starter.id),
                             link(str(thread.id)))
        kind = getattr(getattr(parent, "type", None), "name", type(parent).__name__)
        raise ValueError(f"the Q&A channel {channel_id} is a {kind} channel; it must be a text "
                         "or forum channel")

    async def _exists(self, thread_id: str) -> bool:
        """Whether Discord still has the thread (an archived one counts: posting reopens it)."""
        try:
            found = await self.client.fetch_channel(int(thread_id))
        except discord.NotFound:
            log.info("Discord: Q&A thread %s is gone; creating it again", thread_id)
            return False
        return isinstance(found, discord.Thread)

    async def _channel(self, channel_id: int) -> object:
        cached = self.client.get_channel(channel_id)
        return cached if cached is not None else await self.client.fetch_channel(channel_id)

    @staticmethod
    async def _delete_starter(channel: discord.TextChannel, message_id: int) -> None:
        with contextlib.suppress(discord.NotFound):  # already gone
            await channel.get_partial_message(message_id).delete()

    def _thread(self, thread: ThreadRef) -> discord.PartialMessageable:
        return self.client.get_partial_messageable(int(thread.thread_id),
                                                   type=discord.ChannelType.public_thread)

    # ------------------------------------------------------------------ messages

    async def publish_question(self, thread: ThreadRef, question: QuestionView,
                               text: Reply, buttons: tuple[Button, ...]) -> str | None:
        """The question in the thread with its buttons; None (logged) if Discord refused
        it: the question is recorded all the same."""
        await self.connection.connected()
        rendered = self.connection.formatter.render(text)
        view = view_of(buttons)
        channel = self._thread(thread)
        nonce = question_nonce(thread, question.id)
        try:
            if view is None:
                sent = await channel.send(rendered.content, embeds=rendered.embeds, nonce=nonce)
            else:
                sent = await channel.send(rendered.content, embeds=rendered.embeds, view=view,
                                          nonce=nonce)
        except transport.FAILURES as exc:
            transport.log_failure(f"Q&A question #{question.id}", exc)
            return None
        return str(sent.id)

    async def publish_answer(self, thread: ThreadRef, question: QuestionView,
                             text: Reply) -> None:
        """The answer in the thread, as a reply to the question's message (no ping)."""
        await self.connection.connected()
        channel = self._thread(thread)
        rendered = self.connection.formatter.render(text)
        if question.message_ref is None:
            await channel.send(rendered.content, embeds=rendered.embeds)
            return
        target = channel.get_partial_message(int(question.message_ref))
        await channel.send(rendered.content, embeds=rendered.embeds,
                           reference=target.to_reference(fail_if_not_exists=False),
                           mention_author=False)

    async def question_changed(self, thread: ThreadRef, question: QuestionView,
                               text: Reply, buttons: tuple[Button, ...]) -> None:
        await self.connection.connected()
        message = await self._message(thread, question)
        if message is None:
            return
        me = self.client.user
        if me is not None and message.author.id == me.id:
            rendered = self.connection.formatter.render(text)
            await message.edit(content=rendered.content, embeds=rendered.embeds,
                               view=view_of(buttons))
            return
        wanted = MARKS.get(question.status)
        mine = {str(reaction.emoji) for reaction in message.reactions if reaction.me}
        for mark in MARKS.values():
            if mark == wanted and mark not in mine:
                await message.add_reaction(mark)
            elif mark != wanted and mark in mine and me is not None:
                await message.remove_reaction(mark, me)

    async def _message(self, thread: ThreadRef, question: QuestionView
                       ) -> discord.Message | None:
        if question.message_ref is None:
            return None
        try:
            return await self._thread(thread).fetch_message(int(question.message_ref))
        except discord.NotFound:
            log.info("Discord: the message of question #%s is gone (thread %s)", question.id,
                     thread.thread_id)
            return None

    # ------------------------------------------------------------------ votes

    async def votes_on(self, thread: ThreadRef, question: QuestionView) -> set[str] | None:
        """Who reacts 👍 to the question's message now; None when the message is gone."""
        await self.connection.connected()
        message = await self._message(thread, question)
        me = self.client.user
        if message is None or me is None:
            return None
        for reaction in message.reactions:
            if str(reaction.emoji) == THUMBS_UP:
                return {str(user.id) async for user in reaction.users(limit=None)
                        if user.id != me.id}
        return set()
