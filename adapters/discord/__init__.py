"""The Discord adapter: slash commands, mentions, DMs and Q&A threads through the real
discord.py.

Only :func:`create` lives here, and it imports discord.py lazily: the entry point is
loaded on every start (and by ``ask``/``check``), and importing discord.py costs time
and memory that a bot without ``DISCORD_TOKEN`` should not pay.

Modules, by role (the Slack adapter has the same names for the same roles):
``service`` (start-up, shutdown, the process-global patch points), ``client`` (the
discord.Client: gateway events in, handed to the core as typed events), ``inbound``
(Discord payloads -> the core's events), ``render`` (Reply -> content and embeds),
``outbound`` (reminders and notices, once each), ``transport`` (sending, and logging
failures), ``qa`` (Q&A threads and the questions in them), ``connection`` (the narrow
object ``outbound`` and ``qa`` send through), ``commands`` and ``qa_commands`` (the
slash commands, given a narrow context), ``buttons`` (the bot's buttons), ``escape``
(user text that can never ping or format).
Every module here imports the discord.py library with absolute imports; this package
is ``adapters.discord`` and never shadows it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.settings import SettingsError

if TYPE_CHECKING:
    from adapters.discord.service import DiscordAdapter
    from bot.core import Core

GUILD_READY_TIMEOUT = 2.0  # discord.py's default wait for GUILD_CREATEs after READY
IDENTIFY_INTERVAL = 5.0  # seconds between IDENTIFYs of one bot's shards: Discord's limit


def create(core: Core, *, guild_ready_timeout: float = GUILD_READY_TIMEOUT,
           identify_interval: float = IDENTIFY_INTERVAL) -> DiscordAdapter | None:
    """Entry point: the Discord adapter when ``DISCORD_TOKEN`` is set, else None.

    ``guild_ready_timeout`` is how long discord.py waits after the last GUILD_CREATE
    before it calls the bot ready, ``identify_interval`` how long between the IDENTIFYs
    of this process's shards; tests shorten both.
    """
    secret = core.settings.discord_token
    if secret is None:
        return None
    token = secret.get_secret_value().strip()
    if not token or any(ch.isspace() for ch in token):
        raise SettingsError([
            "DISCORD_TOKEN: must be the bot token alone (no spaces, no 'Bot ' prefix); "
            "copy it from the Developer Portal's Bot page",
        ])
    from adapters.discord.service import DiscordAdapter

    return DiscordAdapter(core, token, guild_ready_timeout=guild_ready_timeout,
                          identify_interval=identify_interval)
