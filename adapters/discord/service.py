"""Running the Discord client inside the bot: start-up, shutdown, and where it connects.

discord.py keeps its REST base (``discord.http.Route.BASE``) and its gateway
(``DiscordWebSocket.DEFAULT_GATEWAY``) in class attributes, process-global. They are
set from ``DISCORD_API_URL`` and ``DISCORD_GATEWAY_URL`` only while the adapter runs
and put back when it stops, so a REST proxy in production and a loopback fake in tests
are plain settings. (After a RECONNECT, Discord's READY names the gateway to resume on.)
The shards this process runs come from ``DISCORD_SHARD_COUNT`` and ``DISCORD_SHARD_IDS``
(see ``client``).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

import discord
import discord.gateway
import discord.http
import yarl

from adapters.discord import IDENTIFY_INTERVAL
from adapters.discord.client import WorkshopClient
from adapters.discord.outbound import DiscordOutbound
from bot.adapter import PlatformInfo
from bot.core import Core
from bot.messages import Button, Outgoing, QuestionView, Reply, ThreadRef

log = logging.getLogger(__name__)


@contextlib.contextmanager
def discord_endpoints(api_url: str, gateway_url: str) -> Iterator[None]:
    """Point discord.py at ``api_url`` and ``gateway_url`` for the duration."""
    route = discord.http.Route
    websocket = discord.gateway.DiscordWebSocket
    saved = (route.BASE, websocket.DEFAULT_GATEWAY)
    route.BASE = api_url.rstrip("/")
    websocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)
    try:
        yield
    finally:
        route.BASE, websocket.DEFAULT_GATEWAY = saved


class MessageContentRefused(Exception):
    """Discord refused the Message Content intent, which a Discord Q&A channel needs."""

    def __init__(self) -> None:
        super().__init__(
            "Discord refused the Message Content intent, which the bot asks for because the "
            "program names a Discord Q&A channel (channels.discord.qa): switch on 'Message "
            "Content Intent' on the Developer Portal's Bot page (see README, Run on Discord)")


class DiscordAdapter:
    """Serves Discord until cancelled (closing is always clean, see :meth:`run`), sends
    reminders into it, and hosts the Q&A threads (a ``QaPublisher``: see ``qa.py``)."""

    name = "discord"
    fallback = False

    def __init__(self, core: Core, token: str, *, guild_ready_timeout: float,
                 identify_interval: float = IDENTIFY_INTERVAL) -> None:
        self.core = core
        self._token = token
        settings = core.settings
        self.client = WorkshopClient(core, guild_id=settings.discord_guild_id,
                                     guild_ready_timeout=guild_ready_timeout,
                                     shard_count=settings.discord_shard_count,
                                     shard_ids=settings.discord_shards,
                                     identify_interval=identify_interval)
        self.info = PlatformInfo("discord", send_rate=core.settings.discord_send_rate)
        self._outbound = DiscordOutbound(self.client.connection, core)

    @property
    def connected(self) -> bool:
        """The gateway is up (discord.py's own readiness: every shard here is ready)."""
        return self.client.is_ready() and not self.client.is_closed()

    async def deliver(self, message: Outgoing) -> str | None:
        return await self._outbound.deliver(message)

    async def find_delivered(self, message: Outgoing) -> str | None:
        return await self._outbound.find_delivered(message)

    async def open_thread(self, channel_id: str, slug: str, title: str, intro: Reply,
                          existing: ThreadRef | None) -> ThreadRef:
        return await self.client.qa.open_thread(channel_id, slug, title, intro, existing)

    async def publish_question(self, thread: ThreadRef, question: QuestionView,
                               text: Reply, buttons: tuple[Button, ...]) -> str | None:
        return await self.client.qa.publish_question(thread, question, text, buttons)

    async def question_changed(self, thread: ThreadRef, question: QuestionView,
                               text: Reply, buttons: tuple[Button, ...]) -> None:
        await self.client.qa.question_changed(thread, question, text, buttons)

    async def publish_answer(self, thread: ThreadRef, question: QuestionView,
                             text: Reply) -> None:
        await self.client.qa.publish_answer(thread, question, text)

    async def votes_on(self, thread: ThreadRef, question: QuestionView) -> set[str] | None:
        return await self.client.qa.votes_on(thread, question)

    async def run(self) -> None:
        """Log in, sync commands, connect, and answer until cancelled.

        Cancelling (the bot stopping) closes the client: the gateway, the heartbeat
        thread and the HTTP session. Cancelling ``Client.start`` without closing would
        leave them running. A bad token or a refused gateway raises, which the bot logs
        as this adapter failing.
        """
        settings = self.core.settings
        with discord_endpoints(settings.discord_api_url, settings.discord_gateway_url):
            async with self.client:
                try:
                    await self.client.start(self._token)
                except discord.PrivilegedIntentsRequired:
                    raise MessageContentRefused() from None
