"""What the Discord modules that send on the bot's own (reminders, Q&A threads) may use.

They get this narrow object rather than the client: discord.py's REST calls and caches,
a wait for the gateway's first READY (the core may call before the client connected),
and the formatter. None of them can reach back into the client's event handling.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import discord

from adapters.discord.render import Formatter


@dataclass(frozen=True, slots=True)
class Connection:
    client: discord.Client
    connected: Callable[[], Awaitable[None]]
    formatter: Formatter
