"""Discord messages, interactions and reactions -> the core's events (``bot.events``).

Pure translation, no network: which messages are people's at all (never bots, never the
bot itself, never system messages), where each was posted (a DM, a channel, a thread and
its parent), whether it mentions the bot, the bot's own ``<@id>``/``<@!id>`` mention
removed from the text, and other users' mentions turned into the names people see, so
"when is @Tim Kraska on?" reaches the core as words it can match. What a message means,
whether it is for the bot, and whether a thread message is a Q&A question are the
core's business.

Each event carries a lazy lookup of what Discord knows of its author, for the core's
moderator rule: their role ids and names, and "manage_messages" when they have Manage
Messages in that channel. The core calls it only when an answer depends on it.
"""

from __future__ import annotations

import re
from functools import lru_cache

import discord

from bot.events import ButtonPress, Command, Message, Place, Reaction, Standing, StandingLookup
from bot.messages import UserRef

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


def from_message(message: discord.Message, me: discord.abc.User) -> Message | None:
    """A person's message as the core's event (None for bots, the bot itself and system
    messages). Whether it is for the bot (a DM, a mention) or a question in a Q&A thread
    is the core's call; this says only where it was posted and whether it names the bot.
    The author's roles and permissions are looked up only if the core asks."""
    author = message.author
    if author.bot or author.id == me.id or message.type not in ANSWERED_TYPES:
        return None
    direct = message.guild is None
    channel_id, thread_id = _places(message.channel)
    if not direct and thread_id is None and (unseen := thread_of(message)) is not None:
        # A thread discord.py has not seen (archived while the bot was away): the core knows.
        parent = getattr(message.channel, "parent_id", None)
        channel_id, thread_id = (str(parent) if parent is not None else None), unseen
    mentioned = direct or any(user.id == me.id for user in message.mentions)

    async def standing(_groups: tuple[str, ...]) -> Standing:
        return Standing(roles_of(author), message_permissions(message))

    return Message(
        user=user_ref(author),
        text=message_text(message, me),
        place=Place(channel_id, thread_id, direct),
        addressed=mentioned,
        ref=str(message.id),
        top_level=direct or thread_id is None or is_top_level(message),
        standing=standing,
    )


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


def _place_of(interaction: discord.Interaction) -> Place:
    channel_id, thread_id = _places(interaction.channel)
    if channel_id is None and interaction.channel_id is not None:
        channel_id = str(interaction.channel_id)
    return Place(channel_id, thread_id, interaction.guild_id is None)


def _standing_of(interaction: discord.Interaction) -> StandingLookup:
    async def standing(_groups: tuple[str, ...]) -> Standing:
        # Discord resolves the member's permissions in the channel (overwrites included).
        flags = _flags(interaction.permissions) if interaction.guild_id else frozenset()
        return Standing(roles_of(interaction.user), flags)

    return standing


def from_interaction(interaction: discord.Interaction, command: str, text: str, *,
                     public: bool) -> Command:
    """A slash command: the command's name, its options as text, and ``public``."""
    return Command(user_ref(interaction.user), command, text, _place_of(interaction),
                   public=public, standing=_standing_of(interaction))


def from_button(interaction: discord.Interaction, command: str, value: str) -> ButtonPress:
    """A press of one of the bot's buttons (its custom id carries command and value)."""
    return ButtonPress(user_ref(interaction.user), command, value, _place_of(interaction),
                       standing=_standing_of(interaction))


def from_reaction(event: discord.RawReactionActionEvent, me: discord.abc.User | None, *,
                  added: bool) -> Reaction:
    """A reaction added or removed, on the message in the channel (a thread) it names."""
    by_bot = (me is not None and event.user_id == me.id) or (
        event.member is not None and event.member.bot)
    place = Place(None, str(event.channel_id), event.guild_id is None)
    return Reaction(UserRef(PLATFORM, str(event.user_id)), str(event.emoji),
                    str(event.message_id), place, added, by_bot)
