"""Slack payloads -> the core's events (``bot.events``), and where the answer goes.

Pure functions over the JSON Slack sends, kept apart from the transport so they read
(and are tested) without a running app. Only platform syntax is handled here: the bot's
own ``<@U…>`` mention is removed from a mention's text, Slack's link markup is reduced
to what the user typed, the three HTML entities Slack encodes (``&amp; &lt; &gt;``) are
decoded, and the slash command's ``public`` word is read. Every other word goes to the
core untouched; other mentions (``<@U123>``, ``<!channel>``) stay as they are, and the
reply escapes them when it repeats them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from bot.events import THUMBS_UP, ButtonPress, Command, Message, Place, Reaction
from bot.messages import UserRef

if TYPE_CHECKING:
    from slack_sdk.web.async_slack_response import AsyncSlackResponse

PLATFORM = "slack"
PUBLIC_WORD = "public"
# Slack's names for 👍 (any skin tone comes as "+1::skin-tone-2"): the reaction is a vote.
THUMBS_UP_NAMES = frozenset({"+1", "thumbsup"})

# A reply in a thread, also sent to the channel ("thread_broadcast"), is still a reply.
THREAD_REPLY_SUBTYPES = frozenset({"", "thread_broadcast"})

# <http://example.org|example.org>, <mailto:a@b.org|a@b.org> or a bare <https://…>
_LINK = re.compile(r"<((?:https?|mailto):[^|>]*)(?:\|([^>]*))?>")
_ENTITIES = (("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&"))  # &amp; last: "&amp;lt;" is "&lt;"


@dataclass(frozen=True, slots=True)
class Posted:
    """A person's message as the core's event, and where an answer to it goes: the
    channel, in the thread it was posted in (None: the channel itself)."""

    event: Message
    channel: str
    thread_ts: str | None


@lru_cache(maxsize=8)
def _mention_of(bot_user_id: str) -> re.Pattern[str]:
    """``<@U…>`` or ``<@U…|name>`` for the bot: one pattern per bot, compiled once."""
    return re.compile(rf"<@{re.escape(bot_user_id)}(?:\|[^>]*)?>")


def typed_text(text: str, bot_user_id: str | None = None) -> str:
    """What the user typed, from a message's ``text`` in Slack's markup."""
    if bot_user_id:
        text = _mention_of(bot_user_id).sub(" ", text)
    if "<" in text:  # most questions hold no link: skip the pattern's cost
        text = _LINK.sub(lambda m: m.group(2) or m.group(1), text)
    if "&" in text:
        for entity, char in _ENTITIES:
            text = text.replace(entity, char)
    return " ".join(text.split())


def is_from_a_bot(event: Mapping[str, Any]) -> bool:
    """Messages by bots (this one or others) are never answered: bots must not loop."""
    return bool(event.get("bot_id")) or event.get("subtype") == "bot_message"


def from_mention(event: Mapping[str, Any], bot_user_id: str | None) -> Posted | None:
    """An ``app_mention``: addressed to the bot, answered where it was asked (in the
    thread, if in one; in an item's Q&A thread the core takes it as a question)."""
    if is_from_a_bot(event) or not event.get("user") or not event.get("channel"):
        return None
    return _posted(event, bot_user_id, direct=False, addressed=True)


def _posted(event: Mapping[str, Any], bot_user_id: str | None, *, direct: bool,
            addressed: bool) -> Posted:
    thread_ts = event.get("thread_ts")
    ts = event.get("ts")
    in_thread = thread_ts if thread_ts != ts else None  # a parent is a channel message
    message = Message(
        user=UserRef(PLATFORM, event["user"]),
        text=typed_text(event.get("text", ""), bot_user_id),
        place=Place(event["channel"], in_thread, direct),
        addressed=addressed,
        ref=str(ts) if ts else None,
    )
    return Posted(message, event["channel"], thread_ts)


def from_direct_message(event: Mapping[str, Any], bot_user_id: str | None) -> Posted | None:
    """A ``message`` event: only a person's new message in a DM with the bot counts.

    Edits, deletions, joins and other subtypes are not questions; channel messages reach
    the bot as ``app_mention`` instead.
    """
    if event.get("channel_type") != "im" or event.get("subtype") or is_from_a_bot(event):
        return None
    if not event.get("user") or not event.get("channel"):
        return None
    return _posted(event, bot_user_id, direct=True, addressed=True)


def split_public(text: str) -> tuple[str, bool]:
    """``public`` as the first or last word of a slash command asks for a visible answer."""
    words = text.split()
    if words and words[0].casefold() == PUBLIC_WORD:
        return " ".join(words[1:]), True
    if words and words[-1].casefold() == PUBLIC_WORD:
        return " ".join(words[:-1]), True
    return " ".join(words), False


def from_command(command: Mapping[str, Any]) -> Command:
    """A slash command's fields -> the core's command (its name is the core's "command
    anywhere": the text says which), and whether the asker wrote ``public``."""
    text, public = split_public(typed_text(command.get("text", "")))
    channel = command.get("channel_id") or None
    return Command(
        user=UserRef(PLATFORM, command.get("user_id", ""), command.get("user_name")),
        name="",
        text=text,
        place=Place(channel, None, bool(channel and channel.startswith("D"))),
        public=public,
    )


def from_action(body: Mapping[str, Any], action: Mapping[str, Any]) -> ButtonPress | None:
    """A press of one of our buttons (action_id ``workshop:<command>:<n>``)."""
    user = (body.get("user") or {}).get("id")
    parts = str(action.get("action_id", "")).split(":")
    if not user or len(parts) < 2 or not parts[1]:
        return None
    channel = (body.get("channel") or {}).get("id")
    return ButtonPress(UserRef(PLATFORM, user), parts[1], str(action.get("value") or ""),
                       Place(channel, None, str(channel or "").startswith("D")))


def mentions_bot(event: Mapping[str, Any], bot_user_id: str | None) -> bool:
    """Whether a message mentions the bot (Slack also sends it as an ``app_mention``)."""
    return bool(bot_user_id) and f"<@{bot_user_id}" in str(event.get("text", ""))


def from_channel_message(event: Mapping[str, Any], bot_user_id: str | None
                         ) -> Posted | None:
    """A ``message.channels``/``message.groups`` event: only a person's reply in a thread
    matters (Q&A lives in threads; messages outside threads reach the bot as mentions).
    The thread's parent itself (``ts == thread_ts``), edits, deletions and other
    subtypes, and bots' messages are not replies anyone asked."""
    if event.get("channel_type") not in ("channel", "group"):
        return None
    if str(event.get("subtype") or "") not in THREAD_REPLY_SUBTYPES or is_from_a_bot(event):
        return None
    thread_ts, ts = event.get("thread_ts"), event.get("ts")
    if not thread_ts or not ts or ts == thread_ts or not event.get("user") or \
            not event.get("channel"):
        return None
    return _posted(event, bot_user_id, direct=False, addressed=False)


def is_thumbs_up(name: object) -> bool:
    """Whether a reaction's name is 👍, in any skin tone."""
    return str(name or "").split("::", 1)[0] in THUMBS_UP_NAMES


def from_reaction(event: Mapping[str, Any]) -> Reaction | None:
    """A ``reaction_added``/``reaction_removed`` on a message (None: on a file or with
    fields missing); 👍 in any skin tone is spelt as the core spells it."""
    item = event.get("item") or {}
    user, channel, ts = event.get("user"), item.get("channel"), item.get("ts")
    if item.get("type") != "message" or not user or not channel or not ts:
        return None
    name = event.get("reaction")
    emoji = THUMBS_UP if is_thumbs_up(name) else f":{name}:"
    # Slack does not say which thread the message is in: the core finds its question.
    return Reaction(UserRef(PLATFORM, user), emoji, ts, Place(channel, None, False),
                    added=event.get("type") == "reaction_added")


def thumbs_up_users(message: Mapping[str, Any]) -> set[str]:
    """Who reacted 👍 (any skin tone) to a message, from a ``reactions.get`` answer."""
    users: set[str] = set()
    for reaction in message.get("reactions") or ():
        if is_thumbs_up(reaction.get("name")):
            users.update(reaction.get("users") or ())
    return users


def tagged(messages: Iterable[Mapping[str, Any]], event_type: str, field: str, value: str
           ) -> Iterator[Mapping[str, Any]]:
    """The messages (from ``conversations.history`` with ``include_all_metadata``) whose
    metadata is ``event_type`` with ``field`` equal to ``value``: how the bot finds a
    message it posted before (a reminder by its key, a Q&A parent by its item)."""
    for message in messages:
        metadata = message.get("metadata") or {}
        if (metadata.get("event_type") == event_type
                and (metadata.get("event_payload") or {}).get(field) == value):
            yield message


def opened_channel(opened: AsyncSlackResponse) -> str:
    """The id of the conversation ``conversations.open`` answered with ("" if none: the
    next call then fails with Slack's own error, reported as any other)."""
    channel = opened.get("channel") or {}
    return str(channel.get("id") or "")
