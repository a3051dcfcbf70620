"""Discord API v10 payloads, complete enough for the real discord.py 2.7 to parse.

discord.py reads many fields without a default (``flags`` on members,
``attachment_size_limit`` on interactions, ``type`` on reactions, thread metadata...).
A missing one raises KeyError inside a gateway parser, which ends ``Client.start()`` and
leaves a bot that is silently deaf, so every builder here fills each field the library
reads. The shapes were checked against discord.py 2.7.1 (state.py, guild.py,
member.py, message.py, interactions.py, threads.py, appinfo.py, app_commands/models.py).
"""

from __future__ import annotations

import datetime as dt
import itertools
import time
from typing import Any

Json = dict[str, Any]

DISCORD_EPOCH_MS = 1420070400000
API_PREFIX = "/api/v10"

# Gateway opcodes.
OP_DISPATCH = 0
OP_HEARTBEAT = 1
OP_IDENTIFY = 2
OP_PRESENCE = 3
OP_RESUME = 6
OP_RECONNECT = 7
OP_REQUEST_MEMBERS = 8
OP_INVALID_SESSION = 9
OP_HELLO = 10
OP_HEARTBEAT_ACK = 11

# Gateway intents (bit values).
INTENT_GUILDS = 1 << 0
INTENT_GUILD_MESSAGES = 1 << 9
INTENT_GUILD_MESSAGE_REACTIONS = 1 << 10
INTENT_DIRECT_MESSAGES = 1 << 12
INTENT_DIRECT_MESSAGE_REACTIONS = 1 << 13
INTENT_MESSAGE_CONTENT = 1 << 15

# Channel types.
GUILD_TEXT = 0
DM = 1
PUBLIC_THREAD = 11
PRIVATE_THREAD = 12
GUILD_FORUM = 15
GUILD_MEDIA = 16

# Interaction types and callback types.
INTERACTION_COMMAND = 2
INTERACTION_COMPONENT = 3
INTERACTION_AUTOCOMPLETE = 4
CALLBACK_MESSAGE = 4
CALLBACK_DEFERRED_MESSAGE = 5
CALLBACK_UPDATE_MESSAGE = 7
CALLBACK_AUTOCOMPLETE = 8

# Message flags and types.
EPHEMERAL = 1 << 6
LOADING = 1 << 7
MESSAGE_DEFAULT = 0
MESSAGE_REPLY = 19
MESSAGE_CHAT_INPUT_COMMAND = 20

ALL_PERMISSIONS = str((1 << 53) - 1)
EVERYONE_PERMISSIONS = "1071698660929"  # Discord's default for @everyone: no Manage Messages
ADMINISTRATOR = 1 << 3
MANAGE_MESSAGES = 1 << 13


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


class Snowflakes:
    """Unique, time-ordered Discord ids, as real ones are (ms since the Discord epoch)."""

    def __init__(self) -> None:
        self._counter = itertools.count()

    def next(self, *, shard: int | None = None, shard_count: int = 1) -> int:
        """A new id; with ``shard``, one whose timestamp puts it on that shard of
        ``shard_count`` (Discord's ``(id >> 22) % shard_count``: a guild id a few
        milliseconds from now, at most ``shard_count - 1``)."""
        ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
        if shard is not None:
            ms += (shard - ms) % shard_count
        return (ms << 22) | (1 << 17) | (next(self._counter) & 0x1FFFF)


def user(user_id: int, name: str, *, bot: bool = False) -> Json:
    return {
        "id": str(user_id),
        "username": name,
        "discriminator": "0",
        "global_name": None if bot else name.title(),
        "avatar": None,
        "bot": bot,
        "system": False,
        "public_flags": 0,
        "flags": 0,
        "banner": None,
        "accent_color": None,
        "avatar_decoration_data": None,
    }


def member(of: Json | None, *, permissions: int | None = None,
           roles: list[str] | None = None) -> Json:
    """A guild member; ``of`` None leaves out ``user`` (as inside MESSAGE_CREATE.member).
    ``permissions`` (the member's resolved permissions in the channel) is only in
    interactions; ``roles`` are role ids.

    discord.py 2.7 reads ``flags`` and ``roles`` unconditionally: without ``flags`` a
    GUILD_CREATE or INTERACTION_CREATE kills the client, and inside MESSAGE_CREATE the
    author silently degrades from a Member to a User.
    """
    data: Json = {
        "roles": list(roles or []),
        "joined_at": now_iso(),
        "premium_since": None,
        "deaf": False,
        "mute": False,
        "flags": 0,
        "pending": False,
        "nick": None,
        "avatar": None,
        "banner": None,
        "communication_disabled_until": None,
    }
    if of is not None:
        data["user"] = of
    if permissions is not None:
        data["permissions"] = str(permissions)
    return data


def text_channel(channel_id: int, guild_id: int, name: str, position: int = 0) -> Json:
    return {
        "id": str(channel_id),
        "type": GUILD_TEXT,
        "guild_id": str(guild_id),
        "name": name,
        "position": position,
        "permission_overwrites": [],
        "parent_id": None,
        "topic": None,
        "nsfw": False,
        "rate_limit_per_user": 0,
        "last_message_id": None,
        "default_auto_archive_duration": 1440,
        "flags": 0,
    }


def forum_channel(channel_id: int, guild_id: int, name: str, tag_id: int, position: int) -> Json:
    """A forum with one tag, "question". ForumTag reads ``emoji_name`` unconditionally."""
    return {
        **text_channel(channel_id, guild_id, name, position),
        "type": GUILD_FORUM,
        "default_thread_rate_limit_per_user": 0,
        "default_forum_layout": 0,
        "default_sort_order": None,
        "default_reaction_emoji": None,
        "available_tags": [{"id": str(tag_id), "name": "question", "moderated": False,
                            "emoji_id": None, "emoji_name": None}],
    }


def dm_channel(channel_id: int, recipient: Json) -> Json:
    return {"id": str(channel_id), "type": DM, "last_message_id": None, "flags": 0,
            "recipients": [recipient]}


def everyone_role(guild_id: int) -> Json:
    return role(guild_id, "@everyone", int(EVERYONE_PERMISSIONS), position=0)


def role(role_id: int, name: str, permissions: int, *, position: int) -> Json:
    return {
        "id": str(role_id),
        "name": name,
        "permissions": str(permissions),
        "position": position,
        "color": 0,
        "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
        "hoist": False,
        "managed": False,
        "mentionable": False,
        "icon": None,
        "unicode_emoji": None,
        "flags": 0,
    }


def guild(guild_id: int, name: str, *, owner: Json, me: Json, channels: list[Json]) -> Json:
    """A GUILD_CREATE payload: the guild plus the fields only GUILD_CREATE carries."""
    return {
        "id": str(guild_id),
        "name": name,
        "icon": None,
        "splash": None,
        "discovery_splash": None,
        "banner": None,
        "description": None,
        "owner_id": owner["id"],
        "afk_channel_id": None,
        "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "mfa_level": 0,
        "nsfw_level": 0,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "preferred_locale": "en-US",
        "features": [],
        "system_channel_id": channels[0]["id"],
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "public_updates_channel_id": None,
        "safety_alerts_channel_id": None,
        "vanity_url_code": None,
        "max_members": 500000,
        "max_video_channel_users": 25,
        "premium_progress_bar_enabled": False,
        "widget_enabled": False,
        "roles": [everyone_role(guild_id)],
        "emojis": [],
        "stickers": [],
        "joined_at": now_iso(),
        "large": False,
        "unavailable": False,
        "member_count": 2,
        "voice_states": [],
        "members": [member(me)],
        "channels": channels,
        "threads": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
    }


def message(
    message_id: int,
    *,
    channel_id: int,
    author: Json,
    content: str = "",
    guild_id: int | None = None,
    mentions: list[Json] | None = None,
    nonce: str | None = None,
    flags: int = 0,
    extra: Json | None = None,
) -> Json:
    data: Json = {
        "id": str(message_id),
        "channel_id": str(channel_id),
        "type": MESSAGE_DEFAULT,
        "author": author,
        "content": content,
        "timestamp": now_iso(),
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": mentions or [],
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "components": [],
        "reactions": [],
        "pinned": False,
        "flags": flags,
    }
    if nonce is not None:
        data["nonce"] = nonce
    if guild_id is not None:
        data["guild_id"] = str(guild_id)
    if extra:
        data.update(extra)
    return data


def thread(
    thread_id: int,
    *,
    parent_id: int,
    guild_id: int | None,
    owner_id: str,
    name: str,
    type_: int,
    auto_archive_duration: int,
    applied_tags: list[str] | None = None,
) -> Json:
    """A thread. Thread reads archived, auto_archive_duration, archive_timestamp,
    message_count and member_count unconditionally; its member join_timestamp and flags."""
    created = now_iso()
    return {
        "id": str(thread_id),
        "guild_id": str(guild_id),
        "parent_id": str(parent_id),
        "owner_id": owner_id,
        "name": name,
        "type": type_,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "message_count": 0,
        "member_count": 1,
        "total_message_sent": 0,
        "flags": 0,
        "applied_tags": applied_tags or [],
        "thread_metadata": {
            "archived": False,
            "auto_archive_duration": auto_archive_duration,
            "archive_timestamp": created,
            "locked": False,
            "invitable": True,
            "create_timestamp": created,
        },
        "member": {"id": str(thread_id), "user_id": owner_id, "join_timestamp": created,
                   "flags": 1},
    }


def app_info(app_id: int, bot: Json, owner: Json, guild_count: int) -> Json:
    """GET /oauth2/applications/@me. ``interactions_endpoint_url`` must be null, or
    discord.py warns that app commands will not arrive over the gateway."""
    return {
        "id": str(app_id),
        "name": bot["username"],
        "description": "",
        "icon": None,
        "bot_public": True,
        "bot_require_code_grant": False,
        "owner": owner,
        "team": None,
        "verify_key": "0" * 64,
        "flags": 0,
        "summary": "",
        "bot": bot,
        "tags": [],
        "redirect_uris": [],
        "interactions_endpoint_url": None,
        "approximate_guild_count": guild_count,
        "integration_types_config": {"0": {}},
    }


def emoji_key(emoji: str) -> str:
    """Unicode emoji stay as they are; '<:name:id>', '<a:name:id>', ':name:id' -> 'name:id'."""
    key = emoji.strip("<>")
    if key.startswith("a:") and key.count(":") == 2:
        key = key[2:]
    return key.lstrip(":")


def emoji_object(key: str) -> Json:
    if ":" in key:
        name, emoji_id = key.rsplit(":", 1)
        return {"id": emoji_id, "name": name, "animated": False}
    return {"id": None, "name": key}


def reaction_key(emoji: Json) -> str:
    return f"{emoji['name']}:{emoji['id']}" if emoji.get("id") else str(emoji["name"])


def option_type(value: object) -> int:
    """The application command option type Discord would send for a Python value."""
    if isinstance(value, bool):
        return 5
    if isinstance(value, int):
        return 4
    if isinstance(value, float):
        return 10
    return 3


def options(values: dict[str, object] | list[Json] | None, focused: str | None) -> list[Json]:
    """Interaction options from ``{name: value}`` (or a raw list, passed through)."""
    if values is None:
        return []
    if isinstance(values, list):
        return values
    out = []
    for name, value in values.items():
        option: Json = {"name": name, "type": option_type(value), "value": value}
        if name == focused:
            option["focused"] = True
            option["type"] = 3 if isinstance(value, str) else option["type"]
        out.append(option)
    return out
