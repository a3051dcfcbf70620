"""Discord messages and interactions -> the core's :class:`IncomingMessage`.

Only platform syntax is handled here: which messages are for the bot at all (DMs, and
guild messages that mention it; never bots, never the bot itself, never system
messages), the bot's own ``<@id>``/``<@!id>`` mention removed from the text, and other
users' mentions turned into the names people see, so "when is @Tim Kraska on?" reaches
the core as words it can match. What the text means is the core's business.
"""

from __future__ import annotations

import re

import discord

from bot.messages import IncomingMessage, UserRef

PLATFORM = "discord"
ANSWERED_TYPES = frozenset({discord.MessageType.default, discord.MessageType.reply})


def user_ref(user: discord.abc.User) -> UserRef:
    return UserRef(PLATFORM, str(user.id), user.display_name)


def _mention(user_id: int) -> re.Pattern[str]:
    return re.compile(rf"<@!?{user_id}>")


def message_text(message: discord.Message, me: discord.abc.User) -> str:
    """The content without the bot's mention, other user mentions as display names."""
    text = _mention(me.id).sub(" ", message.content)
    for user in message.mentions:
        if user.id != me.id:
            text = _mention(user.id).sub(lambda _m, u=user: u.display_name, text)
    return " ".join(text.split())


def _places(channel: object) -> tuple[str | None, str | None]:
    """(channel id, thread id): a thread reports its parent as the channel."""
    if isinstance(channel, discord.Thread):
        return str(channel.parent_id), str(channel.id)
    channel_id = getattr(channel, "id", None)
    return (str(channel_id) if channel_id is not None else None), None


def for_bot(message: discord.Message, me: discord.abc.User) -> bool:
    """Whether a message is addressed to the bot: a person's DM, or a mention in a guild."""
    if message.author.bot or message.author.id == me.id:
        return False
    if message.type not in ANSWERED_TYPES:
        return False
    if message.guild is None:
        return True
    return any(user.id == me.id for user in message.mentions)


def from_message(message: discord.Message, me: discord.abc.User) -> IncomingMessage | None:
    """The message for the core, or None when the bot should not answer it."""
    if not for_bot(message, me):
        return None
    channel_id, thread_id = _places(message.channel)
    return IncomingMessage(
        user=user_ref(message.author),
        text=message_text(message, me),
        channel_id=channel_id,
        thread_id=thread_id,
        is_direct=message.guild is None,
    )


def from_interaction(interaction: discord.Interaction, command: str, text: str
                     ) -> IncomingMessage:
    """A slash command: the command's name and its option's text."""
    channel_id, thread_id = _places(interaction.channel)
    if channel_id is None and interaction.channel_id is not None:
        channel_id = str(interaction.channel_id)
    return IncomingMessage(
        user=user_ref(interaction.user),
        text=text,
        command=command,
        channel_id=channel_id,
        thread_id=thread_id,
        is_direct=interaction.guild_id is None,
    )
