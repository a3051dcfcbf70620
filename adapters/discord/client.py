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

Shards: the client is discord.py's ``AutoShardedClient``. ``DISCORD_SHARD_COUNT`` with
``DISCORD_SHARD_IDS`` runs just those shards (other processes run the rest), the count
alone runs all of its shards, and neither runs every shard Discord recommends (``GET
/gateway/bot``, asked before connecting, so the gateway stays ``DISCORD_GATEWAY_URL``).
Discord sends each guild's events to the shard ``(guild_id >> 22) % count`` and DMs to
shard 0, so the process that holds shard 0 is the one that syncs the slash commands;
the others only answer them. Everything the bot sends on its own goes over REST and
needs no guild in this process's cache.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Sequence
from typing import Any

import discord

from adapters.discord import IDENTIFY_INTERVAL, inbound, transport
from adapters.discord.buttons import CoreButton
from adapters.discord.commands import CommandContext, build_tree
from adapters.discord.connection import Connection
from adapters.discord.qa import DiscordQa
from adapters.discord.qa_commands import add_qa_commands
from adapters.discord.render import Formatter, text_only
from bot.adapter import DeliveryError
from bot.answer_cache import RenderCache
from bot.core import Core
from bot.events import ButtonPress, Command
from bot.messages import APOLOGY

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


def intents(*, message_content: bool = False) -> discord.Intents:
    chosen = discord.Intents.default()
    chosen.message_content = message_content
    chosen.typing = False
    return chosen


def shard_list(shards: Iterable[int]) -> str:
    return ",".join(str(shard) for shard in shards)


class WorkshopClient(discord.AutoShardedClient):
    """Answers slash commands, mentions and DMs with the core's replies, on the shards
    this process holds.

    ``shard_count`` None: every shard Discord recommends (then ``shard_ids`` must be None
    too, as the settings ensure). ``identify_interval``: seconds between the IDENTIFYs
    of this process's shards (Discord's limit; tests shorten it).
    """

    def __init__(self, core: Core, *, guild_id: int | None, guild_ready_timeout: float,
                 shard_count: int | None = None, shard_ids: Sequence[int] | None = None,
                 identify_interval: float = IDENTIFY_INTERVAL) -> None:
        # The bot has no voice features: the start-up warnings that voice libraries are
        # missing would only alarm operators. (discord.py clears these flags itself
        # once it has warned.)
        discord.VoiceClient.warn_nacl = False
        discord.VoiceClient.warn_dave = False
        self.reads_threads = core.hosts_qa(inbound.PLATFORM)  # then thread messages are read
        if shard_ids is not None and shard_count is None:
            raise ValueError("shard_ids needs shard_count")
        super().__init__(intents=intents(message_content=self.reads_threads),
                         allowed_mentions=discord.AllowedMentions.none(),
                         guild_ready_timeout=guild_ready_timeout, max_messages=None,
                         shard_count=shard_count,
                         # Failed and rate-limited REST calls, for /metrics (even those
                         # discord.py retries by itself).
                         http_trace=transport.http_trace(
                             lambda kind: core.platform_error("discord", kind)))
        # discord.py reads shard_ids when it launches the shards (None: all of the count).
        self.shard_ids = list(shard_ids) if shard_ids is not None else None
        self.identify_interval = identify_interval
        self.core = core
        self.guild_id = guild_id
        self.formatter = Formatter(live=not core.clock.simulated)
        # The router gives one Reply to everyone asking the same thing in the same second.
        self.render = RenderCache(self.formatter.render)
        self.connection = Connection(self, self.connected, self.formatter)
        self.qa = DiscordQa(self.connection)
        commands = CommandContext(core, self.answer_command)
        self.tree = build_tree(self, commands)
        add_qa_commands(self.tree, commands)
        self.ready_once = asyncio.Event()  # set on the first READY; tests wait for it

    async def connected(self, within: float = READY_WAIT) -> None:
        """Wait for the first READY: the core sends reminders and sets up Q&A threads as
        soon as the bot starts, before the gateway has connected."""
        try:
            await asyncio.wait_for(self.ready_once.wait(), within)
        except TimeoutError:
            raise DeliveryError("Discord is not connected", permanent=False) from None

    # ------------------------------------------------------------------ shards

    @property
    def held_shards(self) -> tuple[int, ...]:
        """The shards this process runs (empty until the count is known, at login)."""
        if self.shard_ids is not None:
            return tuple(self.shard_ids)
        return tuple(range(self.shard_count)) if self.shard_count is not None else ()

    @property
    def syncs_commands(self) -> bool:
        """The process holding shard 0 (which also gets the DMs) syncs the commands."""
        return 0 in self.held_shards

    def describe_shards(self) -> str:
        return f"shards {shard_list(self.held_shards)} of {self.shard_count}"

    async def use_recommended_shards(self) -> None:
        """No DISCORD_SHARD_COUNT: run every shard Discord recommends. Asked here rather
        than by discord.py, which would also take the gateway URL from the answer and
        so pass by DISCORD_GATEWAY_URL."""
        if self.shard_count is not None:
            return
        count, _url, _limits = await self.http.get_bot_gateway()
        self.shard_count = count
        log.info("Discord recommends %d shard%s; running all of them here", count,
                 "" if count == 1 else "s")

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False
                                   ) -> None:
        """Discord's pace for IDENTIFYs (discord.py's own waits 5 s); the first shard of
        this process identifies at once."""
        if not initial:
            await asyncio.sleep(self.identify_interval)

    # ------------------------------------------------------------------ start-up

    async def setup_hook(self) -> None:
        """After login, before the gateway: the shards to run, Discord shown the current
        commands (by the process holding shard 0), and the bot's buttons answered, on old
        messages too."""
        self.add_dynamic_items(CoreButton)
        await self.use_recommended_shards()
        if self.syncs_commands:
            await self.sync_commands()
        else:
            log.info("Discord: this process runs %s; the slash commands are synced by the "
                     "process holding shard 0", self.describe_shards())
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
            transport.log_http_error("slash command sync", exc)
            if exc.status == 403 and self.guild_id is not None:
                log.error("Discord: is the bot in server %s, invited with the "
                          "applications.commands scope?", self.guild_id)
            return
        log.info("Discord: %d slash commands synced to %s", len(synced), where)

    async def on_ready(self) -> None:
        """Every shard of this process is connected and has its guilds."""
        me = self.user
        log.info("Discord adapter ready: %s; connected as %s (id %s); servers: %d",
                 self.describe_shards(), me, me.id if me else "?", len(self.guilds))
        self.ready_once.set()

    # ------------------------------------------------------------------ answering

    async def on_message(self, message: discord.Message) -> None:
        """A person's message: the core says whether it is for the bot and answers it (a
        question in a Q&A thread gets its acknowledgement, in the thread)."""
        if self.user is None:
            return
        event = inbound.from_message(message, self.user)
        if event is None:
            return
        try:
            reply = await self.core.receive(event)
        except Exception:
            log.exception("Answering %s/%s failed", inbound.PLATFORM, event.user.id)
            if event.addressed:
                await transport.send_reply(message, text_only(APOLOGY))
            return
        if reply is not None:
            await transport.send_reply(message, self.render(reply))

    async def on_raw_reaction_add(self, event: discord.RawReactionActionEvent) -> None:
        await self._reaction(event, added=True)

    async def on_raw_reaction_remove(self, event: discord.RawReactionActionEvent) -> None:
        await self._reaction(event, added=False)

    async def _reaction(self, event: discord.RawReactionActionEvent, *, added: bool) -> None:
        """A reaction: the core counts it when it is a vote (a 👍 on a question)."""
        try:
            await self.core.receive(inbound.from_reaction(event, self.user, added=added))
        except Exception:
            log.exception("Discord: could not count the reaction of %s on %s", event.user_id,
                          event.message_id)

    async def on_workshop_button(self, interaction: discord.Interaction, command: str,
                                 value: str) -> None:
        """A press of one of the bot's buttons (dispatched by ``buttons.CoreButton``):
        the presser alone sees the answer; the message with the button stays as it is."""
        await self._respond(interaction, inbound.from_button(interaction, command, value),
                            command)

    async def answer_command(self, interaction: discord.Interaction, command: str, text: str,
                             *, public: bool, slow: bool = False) -> None:
        """Answer a slash command. ``slow`` work (creating every Q&A thread) is deferred
        first: Discord allows 3 seconds for the first answer."""
        event = inbound.from_interaction(interaction, command, text, public=public)
        if slow and not await transport.defer(interaction, ephemeral=not public):
            return
        await self._respond(interaction, event, command)

    async def _respond(self, interaction: discord.Interaction, event: Command | ButtonPress,
                       command: str) -> None:
        try:
            reply = await self.core.receive(event)
        except Exception:
            log.exception("Answering /%s for %s failed", command, event.user.id)
            await transport.apologise(interaction)
            return
        if reply is not None:
            await transport.respond(interaction, self.render(reply),
                                   ephemeral=reply.private is not False)

    async def on_error(self, event_method: str, /, *args: Any, **kwargs: Any) -> None:
        """An unexpected error in an event handler: logged; the client keeps running."""
        log.exception("Discord %s handler failed", event_method)
