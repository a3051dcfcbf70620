"""The discord.py client: Discord events in, the core's answers out.

Intents: discord.py's defaults (which include reactions: 👍 votes) without typing events
(one per keystroke in every channel, unused). The privileged message-content intent is
asked for only when the program names a Discord Q&A channel: without it Discord still
sends the content of DMs and of messages that mention the bot, but a question typed in
a Q&A thread would arrive empty. (The intent is chosen at start: a reload that adds the
Q&A channel needs a restart, and the intent switched on in the Developer Portal.)
``AllowedMentions.none()`` is the client default, so every message, interaction
response and follow-up goes out with ``allowed_mentions: {"parse": []}``: repeated user
text can never ping @everyone, @here, a role or a user. There is no message cache
(``max_messages=None``): the bot never looks back at earlier messages, and keeping the
last 1,000 only gives the garbage collector more to scan.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import discord

from adapters.discord import delivery, inbound
from adapters.discord.buttons import CoreButton
from adapters.discord.commands import build_tree
from adapters.discord.embeds import Formatter, Rendered, text_only
from adapters.discord.qa import DiscordQa
from adapters.discord.qa_commands import add_qa_commands
from bot.adapter import DeliveryError
from bot.answer_cache import RenderCache
from bot.core import Core
from bot.messages import APOLOGY, IncomingMessage
from bot.program import Program

log = logging.getLogger(__name__)

# What the bot needs in a server, and why: see README "Run on Discord".
PERMISSIONS = discord.Permissions(
    view_channel=True,  # see the channels it is mentioned in
    send_messages=True,  # answer mentions; post in a forum (a Q&A thread per item)
    send_messages_in_threads=True,  # ... also inside threads (Q&A acknowledgements)
    embed_links=True,  # answers are embeds
    read_message_history=True,  # answers are replies; read a question's 👍 users
    create_public_threads=True,  # a Q&A thread on a starter message in a text channel
    add_reactions=True,  # ✅ / 🚫 on a person's question when it is answered / hidden
    attach_files=True,  # "qa export" answered in a channel carries a file
)
SCOPES = ("bot", "applications.commands")
READY_WAIT = 60.0  # seconds a call from the core waits for the gateway at start-up


def reads_qa_threads(program: Program) -> bool:
    """Whether the program names a Discord Q&A channel (then thread messages are read)."""
    return program.workshop.channel(inbound.PLATFORM, "qa") is not None


def intents(*, message_content: bool = False) -> discord.Intents:
    chosen = discord.Intents.default()
    chosen.message_content = message_content
    chosen.typing = False
    return chosen


class WorkshopClient(discord.Client):
    """Answers slash commands, mentions and DMs with the core's replies."""

    def __init__(self, core: Core, *, guild_id: int | None, guild_ready_timeout: float) -> None:
        # The bot has no voice features: the start-up warnings that voice libraries are
        # missing would only alarm operators. (discord.py clears these flags itself
        # once it has warned.)
        discord.VoiceClient.warn_nacl = False
        discord.VoiceClient.warn_dave = False
        self.reads_threads = reads_qa_threads(core.catalog.current.program)
        super().__init__(intents=intents(message_content=self.reads_threads),
                         allowed_mentions=discord.AllowedMentions.none(),
                         guild_ready_timeout=guild_ready_timeout, max_messages=None)
        self.core = core
        self.guild_id = guild_id
        self.formatter = Formatter(live=not core.clock.simulated)
        # The router gives one Reply to everyone asking the same thing in the same second.
        self.render = RenderCache(self.formatter.render)
        self.qa = DiscordQa(self)
        self.tree = build_tree(self)
        add_qa_commands(self.tree, self)
        self.ready_once = asyncio.Event()  # set on the first READY; tests wait for it

    async def connected(self, within: float = READY_WAIT) -> None:
        """Wait for the first READY: the core sends reminders and sets up Q&A threads as
        soon as the bot starts, before the gateway has connected."""
        try:
            await asyncio.wait_for(self.ready_once.wait(), within)
        except TimeoutError:
            raise DeliveryError("Discord is not connected", permanent=False) from None

    # ------------------------------------------------------------------ start-up

    async def setup_hook(self) -> None:
        """After login, before the gateway: make Discord show the current commands, and
        answer the bot's buttons, on old messages too."""
        self.add_dynamic_items(CoreButton)
        await self.sync_commands()
        if self.application_id is not None:
            url = discord.utils.oauth_url(self.application_id, permissions=PERMISSIONS,
                                          scopes=SCOPES)
            log.info("Discord: invite the bot with %s", url)

    async def sync_commands(self) -> None:
        """Guild sync (DISCORD_GUILD_ID) shows commands at once; global sync everywhere.

        A failed sync is logged and the bot runs on: mentions and DMs still work, and the
        commands from an earlier sync stay.
        """
        try:
            if self.guild_id is not None:
                guild = discord.Object(id=self.guild_id)
                self.tree.copy_global_to(guild=guild)
                synced = await self.tree.sync(guild=guild)
                where = f"server {self.guild_id}"
            else:
                synced = await self.tree.sync()
                where = "every server (global)"
        except discord.HTTPException as exc:
            delivery.log_http_error("slash command sync", exc)
            if exc.status == 403 and self.guild_id is not None:
                log.error("Discord: is the bot in server %s, invited with the "
                          "applications.commands scope?", self.guild_id)
            return
        log.info("Discord: %d slash commands synced to %s", len(synced), where)

    async def on_ready(self) -> None:
        me = self.user
        log.info("Discord: connected as %s (id %s); servers: %d", me, me.id if me else "?",
                 len(self.guilds))
        self.ready_once.set()

    # ------------------------------------------------------------------ answering

    async def answer(self, message: IncomingMessage) -> Rendered:
        """The core's reply for Discord; the apology if the core failed."""
        try:
            reply = await self.core.router.handle(message)
        except Exception:
            log.exception("Answering %s/%s failed", message.platform, message.user.id)
            return text_only(APOLOGY)
        return self.render(reply)

    async def on_message(self, message: discord.Message) -> None:
        if self.user is None:
            return
        if self.reads_threads and await self.answer_question(message, self.user):
            return
        incoming = inbound.from_message(message, self.user)
        if incoming is None:
            return
        if self.core.router.needs_roles(incoming):
            incoming = inbound.with_roles(incoming, message)
        if incoming.is_direct and incoming.channel_id is not None:
            # A DM's channel is where reminders to this person go: remember it.
            await self.core.direct_channels.remember(inbound.PLATFORM, incoming.user.id,
                                                     incoming.channel_id)
        await delivery.send_reply(message, await self.answer(incoming))

    async def answer_question(self, message: discord.Message, me: discord.ClientUser
                              ) -> bool:
        """A person's message in a Q&A thread is a question: the core records it and the
        acknowledgement (its number, or why it was refused) is a reply to it, in the
        thread. False for anything else, which is then answered as usual."""
        incoming = inbound.from_thread_message(message, me)
        if incoming is None or incoming.thread_id is None:
            return False
        if await self.core.qa.item_of_thread(inbound.PLATFORM, incoming.thread_id) is None:
            log.debug("Discord: message %s in thread %s, which is no Q&A thread", message.id,
                      incoming.thread_id)
            return False
        try:
            reply = await self.core.router.handle_thread_message(incoming, str(message.id))
        except Exception:
            log.exception("Recording a question from %s failed", incoming.user.id)
            await delivery.send_reply(message, text_only(APOLOGY))
            return True
        if reply is None:
            log.debug("Discord: message %s was recorded already", message.id)
            return True
        await delivery.send_reply(message, self.formatter.render(reply))
        return True

    async def on_raw_reaction_add(self, event: discord.RawReactionActionEvent) -> None:
        await self.qa.reaction(event, add=True)

    async def on_raw_reaction_remove(self, event: discord.RawReactionActionEvent) -> None:
        await self.qa.reaction(event, add=False)

    async def answer_command(self, interaction: discord.Interaction, command: str, text: str,
                             *, public: bool, slow: bool = False) -> None:
        """Answer a slash command or a button. ``slow`` work (creating every Q&A thread)
        is deferred first: Discord allows 3 seconds for the first answer."""
        incoming = inbound.from_interaction(interaction, command, text)
        if slow and not await delivery.defer(interaction, ephemeral=not public):
            return
        try:
            reply = await self.core.router.handle(incoming)
        except Exception:
            log.exception("Answering /%s for %s failed", command, incoming.user.id)
            await delivery.apologise(interaction)
            return
        ephemeral = True if reply.private else not public
        await delivery.respond(interaction, self.render(reply), ephemeral=ephemeral)

    async def on_error(self, event_method: str, /, *args: Any, **kwargs: Any) -> None:
        """An unexpected error in an event handler: logged; the client keeps running."""
        log.exception("Discord %s handler failed", event_method)
