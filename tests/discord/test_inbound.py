"""Discord payloads -> the core's typed events (``adapters/discord/inbound.py``).

Pure translation, no network: discord.py's own ``Message``, channel, guild and reaction
objects are built from gateway-shaped payloads on a ``ConnectionState`` that never
connects, and each becomes the event the core gets. What the events then mean (for the
bot or not, a Q&A question or not) is tested in ``tests/test_core_events.py``.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import discord
import pytest
from discord.http import HTTPClient
from discord.state import ConnectionState

from adapters.discord import inbound
from bot.events import THUMBS_UP, Message, Place, Standing

BOT, ADA, BOB, GUILD, TEXT, THREAD = 100, 7, 8, 300, 400, 401


def user(user_id: int, name: str, *, bot: bool = False) -> dict[str, Any]:
    return {"id": str(user_id), "username": name, "discriminator": "0", "avatar": None,
            "global_name": name.capitalize(), "bot": bot}


@dataclass
class World:
    state: ConnectionState[discord.Client]
    me: discord.ClientUser
    guild: discord.Guild
    text: discord.TextChannel
    thread: discord.Thread
    dm: discord.DMChannel


@pytest.fixture
async def world() -> AsyncIterator[World]:
    http = HTTPClient(asyncio.get_running_loop())
    state: ConnectionState[discord.Client] = ConnectionState(
        dispatch=lambda *a, **k: None, handlers={}, hooks={}, http=http,
        intents=discord.Intents.default(), max_messages=None)
    me = discord.ClientUser(state=state, data=user(BOT, "workshop-bot", bot=True))  # type: ignore[arg-type]
    state.user = me
    guild = discord.Guild(state=state, data={  # type: ignore[arg-type]
        "id": str(GUILD), "name": "ML for Systems", "owner_id": str(BOB), "roles": [
            {"id": str(GUILD), "name": "@everyone", "permissions": "0", "position": 0},
            # view channel + manage messages
            {"id": "77", "name": "Program committee", "permissions": "9216", "position": 1}],
        "members": [{"user": user(ADA, "ada"), "roles": ["77"], "joined_at": None,
                     "flags": 0}],
        "channels": [], "threads": []})
    text = discord.TextChannel(state=state, guild=guild, data={  # type: ignore[arg-type]
        "id": str(TEXT), "type": 0, "name": "qa", "position": 0, "guild_id": str(GUILD)})
    guild._add_channel(text)
    thread = discord.Thread(guild=guild, state=state, data={  # type: ignore[arg-type]
        "id": str(THREAD), "type": 11, "name": "Engines", "parent_id": str(TEXT),
        "guild_id": str(GUILD), "owner_id": str(BOT), "message_count": 1, "member_count": 1,
        "thread_metadata": {"archived": False, "auto_archive_duration": 10080,
                            "archive_timestamp": "2021-12-13T10:00:00+00:00"}})
    guild._add_thread(thread)
    dm = discord.DMChannel(me=me, state=state, data={  # type: ignore[arg-type]
        "id": "500", "type": 1, "recipients": [user(ADA, "ada")]})
    yield World(state, me, guild, text, thread, dm)
    await http.close()


def message(world: World, channel: discord.abc.Messageable, content: str, *,
            author: dict[str, Any] | None = None, mentions: tuple[dict[str, Any], ...] = (),
            kind: int = 0, reference: int | None = None) -> discord.Message:
    data: dict[str, Any] = {
        "id": "900", "channel_id": str(channel.id),  # type: ignore[attr-defined]
        "author": author or user(ADA, "ada"), "content": content,
        "timestamp": "2021-12-13T10:00:00+00:00", "edited_timestamp": None, "tts": False,
        "mention_everyone": False, "mentions": list(mentions), "mention_roles": [],
        "attachments": [], "embeds": [], "pinned": False, "type": kind}
    if isinstance(channel, discord.TextChannel | discord.Thread):
        data["guild_id"] = str(GUILD)
        data["member"] = {"roles": ["77"], "joined_at": None, "flags": 0}
    if reference is not None:
        data["message_reference"] = {"message_id": str(reference),
                                     "channel_id": str(channel.id)}  # type: ignore[attr-defined]
    return discord.Message(state=world.state, channel=channel, data=data)  # type: ignore[arg-type]


async def test_a_dm_is_addressed_to_the_bot(world: World) -> None:
    event = inbound.from_message(message(world, world.dm, "when is kraska?"), world.me)
    assert event == Message(event.user, "when is kraska?", Place("500", None, True),  # type: ignore[union-attr]
                            addressed=True, ref="900", top_level=True,
                            standing=event.standing)  # type: ignore[union-attr]
    assert (event.user.platform, event.user.id) == ("discord", str(ADA))  # type: ignore[union-attr]


async def test_a_mention_names_the_bot_and_other_mentions_become_names(world: World) -> None:
    mentioned = message(world, world.text, f"<@{BOT}> when is <@!{BOB}> on?",
                        mentions=(user(BOT, "workshop-bot", bot=True), user(BOB, "bob")))
    event = inbound.from_message(mentioned, world.me)
    assert event is not None and event.addressed
    assert event.text == "when is Bob on?"
    assert event.place == Place(str(TEXT), None, False)


async def test_a_message_that_does_not_name_the_bot_is_still_an_event(world: World) -> None:
    """Whether it is for the bot is the core's call (in a Q&A thread it is a question)."""
    plain = inbound.from_message(message(world, world.text, "lunch anyone?"), world.me)
    assert plain is not None and not plain.addressed
    in_thread = inbound.from_message(message(world, world.thread, "How fast is it?"), world.me)
    assert in_thread is not None and not in_thread.addressed
    assert in_thread.place == Place(str(TEXT), str(THREAD), False) and in_thread.top_level


async def test_a_reply_to_someone_in_a_thread_is_not_top_level(world: World) -> None:
    to_someone = message(world, world.thread, "Good question!", kind=19, reference=123)
    to_the_post = message(world, world.thread, "Is it open?", kind=19, reference=THREAD)
    assert inbound.from_message(to_someone, world.me).top_level is False  # type: ignore[union-attr]
    assert inbound.from_message(to_the_post, world.me).top_level is True  # type: ignore[union-attr]


async def test_bots_the_bot_itself_and_system_messages_are_no_events(world: World) -> None:
    assert inbound.from_message(message(world, world.text, "beep",
                                        author=user(9, "robot", bot=True)), world.me) is None
    assert inbound.from_message(message(world, world.text, "me",
                                        author=user(BOT, "workshop-bot", bot=True)),
                                world.me) is None
    assert inbound.from_message(message(world, world.text, "", kind=7), world.me) is None


async def test_the_authors_standing_is_read_only_when_asked(world: World) -> None:
    event = inbound.from_message(message(world, world.text, f"<@{BOT}> qa pending",
                                         mentions=(user(BOT, "workshop-bot", bot=True),)),
                                 world.me)
    assert event is not None and event.standing is not None
    standing = await event.standing(("Program committee",))
    assert standing == Standing(("77", "Program committee"), frozenset({"manage_messages"}))


@pytest.mark.parametrize(("emoji", "reactor", "by_bot"), [
    (THUMBS_UP, BOB, False), ("🎉", BOB, False), (THUMBS_UP, BOT, True)])
async def test_a_reaction_names_its_message_and_thread(world: World, emoji: str, reactor: int,
                                                       by_bot: bool) -> None:
    raw = discord.RawReactionActionEvent(
        {"user_id": str(reactor), "channel_id": str(THREAD), "message_id": "900",  # type: ignore[arg-type]
         "guild_id": str(GUILD), "emoji": {"id": None, "name": emoji}, "type": 0,
         "burst": False}, discord.PartialEmoji(name=emoji), "REACTION_ADD")
    event = inbound.from_reaction(raw, world.me, added=True)
    assert (event.emoji, event.message_ref, event.place, event.added, event.by_bot) == (
        emoji, "900", Place(None, str(THREAD), False), True, by_bot)
    assert event.user.id == str(reactor)
