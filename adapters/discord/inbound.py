"""Discord messages and interactions -> the core's :class:`IncomingMessage`.

Only platform syntax is handled here: which messages are for the bot at all (DMs, and
guild messages that mention it; never bots, never the bot itself, never system
messages), the bot's own ``<@id>``/``<@!id>`` mention removed from the text, and other
users' mentions turned into the names people see, so "when is @Tim Kraska on?" reaches
the core as words it can match. What the text means is the core's business.

Messages in threads are offered to the core as possible Q&A questions (it knows which
threads are Q&A threads). A message also says what Discord knows of its author for
the core's moderator rule, when the core needs it: their role ids and names, and
"manage_messages" when they have Manage Messages in that channel. Who moderates is
decided by the core.
"""

from __future__ import annotations

import dataclasses
import re
from functools import lru_cache

import discord

from bot.messages import IncomingMessage, UserRef

PLATFORM = "discord"
ANSWERED_TYPES = frozenset({discord.MessageType.default, discord.MessageType.reply})
MANAGE_MESSAGES = "manage_messages"


def user_ref(user: discord.abc.User) -> UserRef:
    return UserRef(PLATFORM, str(user.id), user.display_name)


@lru_cache(maxsize=1024)
def _mention(user_id: int) -> re.Pattern[str]:
    return re.compile(rf"<@!?{user_id}>")


def message_text(message: discord.Message, me: discord.abc.User) -> str:
    """The content without the bot's mention, other user mentions as display names."""
    text = _mention(me.id).sub(" ", message.content)
    for user in message.mentions:
        if user.id != me.id:
            text = _mention(user.id).sub(lambda _m, u=user: u.display_name, text)
    return " ".join(text.split())


def roles_of(user: discord.abc.User) -> tuple[str, ...]:
    """A member's roles, each by id and by name (the program file may name either);
    @everyone, which every member has, is left out."""
    if not isinstance(user, discord.Member):
        return ()
    held = [role for role in user.roles if not role.is_default()]
    return tuple(str(role.id) for role in held) + tuple(role.name for role in held)


def _flags(permissions: discord.Permissions) -> frozenset[str]:
    return frozenset({MANAGE_MESSAGES}) if permissions.manage_messages else frozenset()


def message_permissions(message: discord.Message) -> frozenset[str]:
    """The author's permissions in the message's channel (a thread: its parent's), from the
    guild's roles discord.py keeps; server-wide ones when the channel is not known."""
    author = message.author
    if not isinstance(author, discord.Member):
        return frozenset()
    channel = message.channel
    if isinstance(channel, discord.abc.GuildChannel | discord.Thread):
        try:
            return _flags(channel.permissions_for(author))
        except discord.ClientException:  # a thread whose parent is not cached
            pass
    return _flags(author.guild_permissions)


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
    """The message for the core, or None when the bot should not answer it. The author's
    roles and permissions are left out: ``with_roles`` adds them when the core needs them
    (``Router.needs_roles``), as working them out costs more than most answers."""
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


def with_roles(incoming: IncomingMessage, message: discord.Message) -> IncomingMessage:
    """``incoming`` with what Discord knows of its author, for the moderator rule."""
    return dataclasses.replace(incoming, roles=roles_of(message.author),
                               permissions=message_permissions(message))


def thread_of(message: discord.Message) -> str | None:
    """The id of the thread a guild message was posted in, or None.

    discord.py knows a thread from GUILD_CREATE or THREAD_CREATE; one it has not seen
    (archived while the bot was away) arrives as a PartialMessageable, whose id may still
    be a Q&A thread's: the core, which knows the threads, decides.
    """
    channel = message.channel
    if message.guild is None:
        return None
    if isinstance(channel, discord.Thread | discord.PartialMessageable):
        return str(channel.id)
    return None


def is_top_level(message: discord.Message) -> bool:
    """A message of its own in a thread: not a reply to another message there (that is
    discussion), but a reply to the thread's first message counts (a forum post's first
    message has the thread's id)."""
    if message.type is discord.MessageType.default:
        return True
    if message.type is discord.MessageType.reply and message.reference is not None:
        return message.reference.message_id == message.channel.id
    return False


def from_thread_message(message: discord.Message, me: discord.abc.User
                        ) -> IncomingMessage | None:
    """A person's own message in a guild thread, for the core to take as a question (its
    text as written: with the message-content intent every thread message has its text);
    None for bots, the bot itself, system messages and replies to other messages."""
    thread_id = thread_of(message)
    if thread_id is None or message.author.bot or message.author.id == me.id:
        return None
    if not is_top_level(message):
        return None
    parent = getattr(message.channel, "parent_id", None)
    return IncomingMessage(
        user=user_ref(message.author),
        text=message_text(message, me),
        channel_id=str(parent) if parent is not None else None,
        thread_id=thread_id,
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
        roles=roles_of(interaction.user),
        # Discord resolves the member's permissions in the channel (overwrites included).
        permissions=_flags(interaction.permissions) if interaction.guild_id else frozenset(),
    )
