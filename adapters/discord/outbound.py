"""Messages the bot sends on its own to Discord (reminders, notices), once each.

Each message's nonce is derived from its ledger key, and discord.py sends
``enforce_nonce`` with every nonce, so Discord itself refuses a second copy of the same
reminder (for a few minutes: Discord's window) when a send is retried after a crash or a
429. DMs need a channel id: it is remembered per user, so a fan-out costs one request
per DM once the channel is known.
"""

from __future__ import annotations

import logging

import discord

from adapters.discord import transport
from adapters.discord.buttons import view_of
from adapters.discord.connection import Connection
from bot.adapter import DeliveryError
from bot.core import Core
from bot.messages import Outgoing

log = logging.getLogger(__name__)

PLATFORM = "discord"
# Discord error codes that another attempt cannot fix.
GONE = frozenset({10003, 10013, 50001, 50007, 50013, 50278})


class DiscordOutbound:
    def __init__(self, connection: Connection, core: Core) -> None:
        self.connection = connection
        self.client = connection.client
        self.core = core

    async def _channel_for(self, message: Outgoing) -> int:
        if not message.direct:
            return int(message.target)
        known = await self.core.direct_channel(PLATFORM, message.target)
        if known is not None:
            return int(known)
        opened = await self.client.http.start_private_message(int(message.target))
        channel_id = str(opened["id"])
        await self.core.remember_direct_channel(PLATFORM, message.target, channel_id)
        return int(channel_id)

    async def deliver(self, message: Outgoing) -> str | None:
        await self.connection.connected()
        rendered = self.connection.formatter.render(message.reply)
        view = view_of(message.buttons)
        try:
            channel_id = await self._channel_for(message)
            kind = discord.ChannelType.private if message.direct else None
            channel = self.client.get_partial_messageable(channel_id, type=kind)
            options = transport.ChannelOptions(nonce=transport.nonce_of(message.key))
            if view is not None:
                options["view"] = view
            sent = await transport.send(channel, rendered, options)
        except discord.HTTPException as exc:
            route = transport.route_of(exc)
            permanent = exc.code in GONE or 400 <= exc.status < 500
            raise DeliveryError(f"{route} -> {exc.status} (code {exc.code}) {exc.text}"[:300],
                                permanent=permanent) from None
        except transport.TRANSPORT_ERRORS as exc:
            raise DeliveryError(f"no answer from Discord: {type(exc).__name__}",
                                permanent=False) from None
        return f"{sent.channel.id}:{sent.id}"

    async def find_delivered(self, message: Outgoing) -> str | None:
        """None: resending with the same nonce is safe, Discord keeps one message."""
        return None
