"""What an adapter hands the core: a few typed events, one per thing a person did.

Adapters translate a platform's payload into one of these and pass it to
:meth:`bot.core.Core.receive`; they translate only syntax (whose message it is, where it
was posted, whether it mentions the bot, the text without the bot's own mention). Every
decision is the core's: whether a message in a thread is a Q&A question, whether a
message is for the bot at all, whether an answer is public, which timezone applies,
whether a reaction is a vote, and whether the asker's roles are needed, which the core
reads through the event's lazy :data:`StandingLookup` only then (working them out costs
a platform more than most answers).

Every event may carry ``delivery``, the platform's id of this delivery of it (Slack's
``event_id``, a command's ``trigger_id``): the same delivery reaching any process again
is acted on once (:mod:`bot.receipts`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.messages import UserRef

THUMBS_UP = "👍"  # a reaction adapters spell this way (Slack's :+1: in any skin tone) is a vote


@dataclass(frozen=True, slots=True)
class Standing:
    """What a platform knows of a person for the moderator rule: role or group ids and
    names, and permission flags ("manage_messages"); and their display name, where the
    event did not carry it (Slack's events name a user by id only)."""

    roles: tuple[str, ...] = ()
    permissions: frozenset[str] = frozenset()
    name: str | None = None


# Called by the core, only when an answer depends on it, with the group names the program
# lets moderate on that platform (Slack looks up just those; Discord knows every role).
StandingLookup = Callable[[tuple[str, ...]], Awaitable[Standing]]


@dataclass(frozen=True, slots=True)
class Place:
    """Where something was said: a channel, a thread in it, or a direct message."""

    channel_id: str | None = None
    thread_id: str | None = None
    is_direct: bool = False


@dataclass(frozen=True, slots=True)
class Message:
    """A person's message the bot can see: a DM, a mention, or a message in a thread.

    ``addressed`` is True for a DM or a mention of the bot; ``ref`` is the platform's id
    of the message (a Q&A question keeps it for votes and status marks); ``top_level``
    is False for a reply to another message inside a thread (discussion, not a
    question). ``zone`` is a timezone the asker gave for this one message (the CLI's
    ``--tz``)."""

    user: UserRef
    text: str
    place: Place
    addressed: bool
    ref: str | None = None
    top_level: bool = True
    standing: StandingLookup | None = None
    zone: ZoneInfo | None = None
    delivery: str | None = None


@dataclass(frozen=True, slots=True)
class Command:
    """A command the platform parsed already (a slash command): its name, its text, and
    whether the asker asked for the answer in public. An empty ``name`` means the text
    says it all, as in Slack's one command ("/workshop when is kraska")."""

    user: UserRef
    name: str
    text: str
    place: Place
    public: bool = False
    standing: StandingLookup | None = None
    delivery: str | None = None


@dataclass(frozen=True, slots=True)
class ButtonPress:
    """A press of one of the bot's buttons: the command and value it carries."""

    user: UserRef
    command: str
    value: str
    place: Place
    standing: StandingLookup | None = None
    delivery: str | None = None


@dataclass(frozen=True, slots=True)
class Reaction:
    """A reaction added to or taken off a message; ``emoji`` as a character where the
    platform names it otherwise (:data:`THUMBS_UP`), ``by_bot`` for any bot's own."""

    user: UserRef
    emoji: str
    message_ref: str
    place: Place
    added: bool
    by_bot: bool = False
    delivery: str | None = None


Event = Message | Command | ButtonPress | Reaction
