"""Q&A on Discord end to end, the real discord.py against the loopback fake: threads set
up once in a forum or a text channel (and again after a deletion), thread messages as
questions, 👍 votes (also cast while the bot was offline), the Upvote button, statuses
shown on the question's message, exports as files, /ask, and who may moderate."""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
import json
import logging
import re
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import discord
import pytest

from adapters.discord import create
from adapters.discord.client import PERMISSIONS, intents
from adapters.discord.service import MessageContentRefused
from bot.app import attach, open_core
from bot.messages import IncomingMessage, UserRef
from bot.render_text import render
from bot.store import qa as store
from tests.conftest import make_settings
from tests.discord.conftest import TOKEN, WAIT, RunningBot, running
from tests.discord.test_run import environment
from tests.fakes import discord_payloads as p
from tests.fakes.discord_payloads import EPHEMERAL, Json
from tests.fakes.discord_server import FakeDiscord, RecordedRequest
from tests.support import ManualClock, wait_until
from tests.test_reminders import PROGRAM, at

COMMITTEE = "Program committee"  # named in the program file
OPERATOR = UserRef("cli", "operator", "operator")  # `workshop-bot qa setup` moderates
THUMBS_UP = "👍"
EVERYONE = r"\@everyone"  # as Discord shows it: "@everyone", no pill (see test_escaping)


def program_text(qa_channel: int, announcements: int, role_id: str) -> str:
    return PROGRAM.replace(
        'channels:\n  discord: {announcements: "900000000000000001"}',
        f'channels:\n  discord: {{announcements: "{announcements}", qa: "{qa_channel}"}}',
    ) + f"moderators:\n  discord_roles: [{COMMITTEE}, \"{role_id}\"]\n"


class People:
    """The guild's members: attendees, and moderators of three kinds."""

    def __init__(self, fake: FakeDiscord) -> None:
        self.alice = fake.user
        self.bob = fake.make_user("bob")
        self.carol = fake.make_user("carol")
        self.chair = fake.make_user("chair")  # has the role the program names
        self.organizer = fake.make_user("organizer")  # has a role named by its id
        self.helper = fake.make_user("helper")  # has Manage Messages through a role


async def populate(fake: FakeDiscord) -> tuple[People, str]:
    """The people and their roles; the id of the role the program names by id."""
    people = People(fake)
    committee = await fake.add_role(COMMITTEE)
    organizers = await fake.add_role("Organizers")
    helpers = await fake.add_role("Helpers", permissions=p.MANAGE_MESSAGES)
    fake.give_role(people.chair, committee)
    fake.give_role(people.organizer, organizers)
    fake.give_role(people.helper, helpers)
    return people, organizers["id"]


@contextlib.asynccontextmanager
async def qa_bot(fake: FakeDiscord, database_url: str, program: Path,
                 then: Callable[[RunningBot], None] | None = None
                 ) -> AsyncIterator[RunningBot]:
    """The bot on ``program``, its adapter attached to the core before it connects, as
    ``bot.app.serve`` does; ``then`` runs next (still before the client is ready)."""

    def start(started: RunningBot) -> None:
        attach(started.core, [started.adapter])
        if then is not None:
            then(started)

    async with running(fake, database_url, ManualClock(at("09:30")), on_start=start,
                       program=program) as bot:
        assert started_publisher(bot)
        yield bot


def started_publisher(bot: RunningBot) -> bool:
    return bot.core.qa.publishers.get("discord") is bot.adapter


@pytest.fixture
async def world(fake: FakeDiscord, tmp_path: Path) -> tuple[People, Path]:
    """Members with roles, and a program whose Q&A channel is the forum."""
    people, role_id = await populate(fake)
    path = tmp_path / "program.yaml"
    path.write_text(program_text(fake.forum_id, fake.channel_id, role_id))
    return people, path


async def setup_threads(bot: RunningBot) -> str:
    reply = await bot.core.router.handle(IncomingMessage(OPERATOR, "setup", command="qa"))
    return render(reply)


def thread_named(fake: FakeDiscord, parent: int, name: str) -> int:
    [found] = [t for t in fake.threads_in(parent) if t["name"] == name]
    return int(found["id"])


async def engines_thread(fake: FakeDiscord, bot: RunningBot) -> int:
    """Set the Q&A threads up; the forum post of "Engines" (the keynote)."""
    await setup_threads(bot)
    return thread_named(fake, fake.forum_id, "Engines")


async def answer_to(fake: FakeDiscord, payload: Json) -> RecordedRequest:
    """The interaction's callback (the answer a slash command or button press got)."""
    return await fake.wait_for_request("POST", fake.interaction_callback_path(payload))


async def slash(fake: FakeDiscord, name: str, values: dict[str, object], *, user: Json,
                sub: str | None = None, channel_id: int | None = None) -> str:
    """A slash command's ephemeral answer (its content)."""
    asked = await fake.send_slash_command(name, values, user=user, sub=sub,
                                          channel_id=channel_id)
    data = (await answer_to(fake, asked)).json["data"]
    assert data["flags"] & EPHEMERAL
    assert data["allowed_mentions"] == {"parse": []}
    return str(data["content"])


async def posted(fake: FakeDiscord, channel: int, since: int) -> RecordedRequest:
    return await fake.wait_for_request("POST", rf"/channels/{channel}/messages", since=since)


async def voters(bot: RunningBot, question: int) -> set[str]:
    return await store.voters(bot.core.db, question, "discord")


async def until_voters(bot: RunningBot, question: int, expected: set[str]) -> None:
    async with asyncio.timeout(WAIT):
        while await voters(bot, question) != expected:  # noqa: ASYNC110 (a database read)
            await asyncio.sleep(0.02)


async def ask_in_thread(fake: FakeDiscord, thread: int, text: str, *, author: Json,
                        **fields: Any) -> tuple[Json, RecordedRequest]:
    """A person's message in a thread, and the bot's reply to it."""
    mark = fake.mark()
    message = await fake.send_guild_message(text, author=author, channel_id=thread,
                                            mention_bot=False, **fields)
    reply = await fake.wait_for_request(
        "POST", rf"/channels/{thread}/messages", since=mark,
        predicate=lambda r: str(r.json["message_reference"]["message_id"]) == message["id"])
    return message, reply


def ids(*users: Json) -> set[str]:
    return {str(u["id"]) for u in users}


# ---------------------------------------------------------------------- threads


@pytest.mark.parametrize("kind", ["forum", "text"])
async def test_setup_creates_each_thread_once_and_again_after_a_deletion(
        fake: FakeDiscord, sqlite_url: str, tmp_path: Path, kind: str) -> None:
    people, role_id = await populate(fake)
    channel = fake.forum_id if kind == "forum" else fake.add_text_channel("questions")
    path = tmp_path / "program.yaml"
    path.write_text(program_text(channel, fake.channel_id, role_id))
    async with qa_bot(fake, sqlite_url, path) as bot:
        asked = await fake.send_slash_command("qa", {}, sub="setup", user=people.chair)
        deferred = await answer_to(fake, asked)
        assert deferred.json["type"] == p.CALLBACK_DEFERRED_MESSAGE  # creating takes a while
        assert deferred.json["data"]["flags"] & EPHEMERAL
        done = await fake.wait_for_request(
            "POST", rf"/webhooks/{fake.app_id}/{re.escape(asked['token'])}")
        assert done.json["content"] == ("Q&A threads on discord: 3 created, 0 already there, "
                                        "0 recreated.")
        threads = fake.threads_in(channel)
        assert sorted(t["name"] for t in threads) == ["Engines", "Machines",
                                                      "Notes on the engine"]  # no break
        assert all(t["thread_metadata"]["auto_archive_duration"] == 10080 for t in threads)
        starters = fake.bot_messages(channel)
        if kind == "forum":  # a post each: its first message has the thread's id
            assert not starters
            for thread in threads:
                [first] = fake.bot_messages(int(thread["id"]))
                assert first["id"] == thread["id"]
                assert first["embeds"][0]["title"] == thread["name"]
                assert "Ask your questions here" in first["embeds"][-1]["description"]
            assert len(fake.find_requests("POST", rf"/channels/{channel}/threads")) == 3
        else:  # a starter message each in the channel, with its thread
            assert sorted(m["id"] for m in starters) == sorted(t["id"] for t in threads)
            assert len(fake.find_requests("POST", rf"/channels/{channel}/messages/\d+/threads")
                       ) == 3

        engines = thread_named(fake, channel, "Engines")
        before = fake.mark()
        await fake.send_dm("about engines", author=people.bob)
        reply = await fake.wait_for_request("POST", r"/channels/\d+/messages", since=before)
        link = f"https://discord.com/channels/{fake.guild_id}/{engines}"
        assert link in json.dumps(reply.json)  # "about" links the paper's thread

        mark = fake.mark()
        assert await setup_threads(bot) == ("Q&A threads on discord: 0 created, 3 already "
                                            "there, 0 recreated.")
        assert not fake.find_requests("POST", r"/channels/\d+/(?:threads|messages.*)",
                                      since=mark)

        machines = thread_named(fake, channel, "Machines")
        await fake.delete_channel(machines)  # a moderator deletes it on Discord
        assert await setup_threads(bot) == ("Q&A threads on discord: 0 created, 2 already "
                                            "there, 1 recreated.")
        again = thread_named(fake, channel, "Machines")
        assert again != machines and len(fake.threads_in(channel)) == 3
        if kind == "text":  # the old starter went with it: the channel shows each intro once
            assert fake.find_requests("DELETE", rf"/channels/{channel}/messages/{machines}")
            assert len(fake.bot_messages(channel)) == 3
        stored = {t.thread_id for t in await store.threads(bot.core.db, "discord")}
        assert stored == {t["id"] for t in fake.threads_in(channel)}


async def test_the_qa_setup_command_creates_the_threads_once(
        fake: FakeDiscord, world: tuple[People, Path], tmp_path: Path) -> None:
    """``workshop-bot qa setup``, the real command in a process of its own: it connects,
    creates what is missing, says so, and stops."""
    _, path = world
    env = environment(DISCORD_TOKEN=TOKEN, DISCORD_API_URL=fake.api_url,
                      DISCORD_GATEWAY_URL=fake.gateway_url, BOT_PROGRAM=str(path),
                      DATABASE_URL=f"sqlite:///{tmp_path / 'cli.db'}", LOG_LEVEL="WARNING")
    said = []
    for _ in range(2):
        done = await asyncio.to_thread(
            subprocess.run, [sys.executable, "-m", "bot", "qa", "setup"], cwd=tmp_path,
            env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60,
            check=False)
        assert done.returncode == 0, done.stderr
        said.append(done.stdout.strip())
    assert said == ["Q&A threads on discord: 3 created, 0 already there, 0 recreated.",
                    "Q&A threads on discord: 0 created, 3 already there, 0 recreated."]
    assert len(fake.threads_in(fake.forum_id)) == 3


async def test_setup_in_a_channel_that_takes_no_threads_fails_in_one_line(
        fake: FakeDiscord, sqlite_url: str, tmp_path: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    dm = int(fake.dm_channel_for(fake.user)["id"])
    path = tmp_path / "program.yaml"
    path.write_text(program_text(dm, fake.channel_id, "1"))
    async with qa_bot(fake, sqlite_url, path) as bot:
        assert await setup_threads(bot) == ("Q&A threads on discord: 0 created, 0 already "
                                            "there, 0 recreated, 3 failed (see the log).")
    assert "it must be a text or forum channel" in caplog.text
    assert not fake.find_requests("POST", r"/channels/\d+/(?:threads|messages)")


# ---------------------------------------------------------------------- questions


async def test_a_message_in_a_thread_is_a_question_acknowledged_with_its_number(
        fake: FakeDiscord, sqlite_url: str, world: tuple[People, Path],
        caplog: pytest.LogCaptureFixture) -> None:
    people, path = world
    caplog.set_level(logging.DEBUG, logger="bot.core")
    async with qa_bot(fake, sqlite_url, path) as bot:
        # Thread messages that do not mention the bot need the privileged intent.
        identify = fake.frames(p.OP_IDENTIFY)[0].d
        assert identify["intents"] & p.INTENT_MESSAGE_CONTENT
        engines = await engines_thread(fake, bot)

        question, ack = await ask_in_thread(fake, engines, "How fast is it? @everyone",
                                            author=people.bob)
        assert ack.json["content"] == "Thanks! Your question is #1 for “Engines”."
        assert str(ack.json["message_reference"]["message_id"]) == question["id"]
        assert ack.json["allowed_mentions"] == {"parse": [], "replied_user": False}
        stored = await store.question_by_message(bot.core.db, "discord", question["id"])
        assert stored is not None
        assert (stored.id, stored.text, stored.author_id) == (
            1, "How fast is it? @everyone", people.bob["id"])

        _, refused = await ask_in_thread(fake, engines, "why " * 300, author=people.carol)
        assert refused.json["content"] == ("Sorry, your question has 1199 characters; the "
                                           "limit is 1000; it was not recorded as a question.")

        # Not questions: a reply to someone's message (discussion), a message in a
        # thread that is no Q&A thread, the bot's own messages.
        chat = await fake.open_thread("chat", parent_id=fake.channel_id)
        mark = fake.mark()
        await fake.send_guild_message("hello there", channel_id=chat, mention_bot=False)
        reference = {"message_id": question["id"], "channel_id": str(engines),
                     "guild_id": str(fake.guild_id)}
        discussion = await fake.send_guild_message(
            "Good question!", channel_id=engines, mention_bot=False,
            extra={"type": p.MESSAGE_REPLY, "message_reference": reference,
                   "referenced_message": question})
        last, ack = await ask_in_thread(fake, engines, "And the memory use?",
                                        author=people.carol)
        assert ack.json["content"] == "Thanks! Your question is #2 for “Engines”."
        assert fake.find_requests("POST", r"/channels/\d+/messages", since=mark) == [ack]
        assert await store.question_by_message(bot.core.db, "discord", last["id"]) is not None
        assert await store.question_by_message(bot.core.db, "discord",
                                               discussion["id"]) is None
        # A reply to the forum post itself (its first message has the thread's id) counts.
        starter = fake.messages[engines]
        to_post = {"message_id": starter["id"], "channel_id": str(engines),
                   "guild_id": str(fake.guild_id)}
        _, ack = await ask_in_thread(fake, engines, "Is it open source?", author=people.bob,
                                     extra={"type": p.MESSAGE_REPLY, "message_reference": to_post,
                                            "referenced_message": starter})
        assert ack.json["content"] == "Thanks! Your question is #3 for “Engines”."
    assert f"in thread {chat}, which is no Q&A thread" in caplog.text


async def test_paper_autocomplete_offers_every_paper_however_many_breaks_come_first(
        fake: FakeDiscord, sqlite_url: str, world: tuple[People, Path]) -> None:
    people, path = world
    breaks = "".join(
        f'  - {{id: break-{n}, kind: break, title: Break {n}, '
        f'start: "2024-05-06T0{n}:00:00+02:00", end: "2024-05-06T0{n}:15:00+02:00"}}\n'
        for n in range(1, 5))
    path.write_text(path.read_text().replace("schedule:\n", "schedule:\n" + breaks))
    async with qa_bot(fake, sqlite_url, path):
        every = await fake.send_autocomplete("ask", {"paper": ""}, "paper", user=people.carol)
        offered = {c["value"] for c in (await answer_to(fake, every)).json["data"]["choices"]}
    assert offered == {"keynote", "turing", "notes"}  # the unscheduled paper too


async def test_ask_posts_into_the_thread_anonymously_and_autocompletes_papers(
        fake: FakeDiscord, sqlite_url: str, world: tuple[People, Path]) -> None:
    people, path = world
    async with qa_bot(fake, sqlite_url, path) as bot:
        engines = await engines_thread(fake, bot)

        typed = await fake.send_autocomplete("ask", {"paper": "eng", "question": ""}, "paper",
                                             user=people.carol)
        choices = (await answer_to(fake, typed)).json["data"]["choices"]
        assert choices[0] == {"name": "Engines", "value": "keynote"}
        every = await fake.send_autocomplete("ask", {"paper": ""}, "paper", user=people.carol)
        offered = {c["value"] for c in (await answer_to(fake, every)).json["data"]["choices"]}
        assert offered == {"keynote", "turing", "notes"}  # not the coffee break

        mark = fake.mark()
        answer = await slash(fake, "ask", {"paper": "keynote", "question": "Steam? @everyone",
                                           "anonymous": True}, user=people.carol)
        assert answer == "Thanks! Your question is #1 for “Engines”, asked anonymously."
        post = await posted(fake, engines, mark)
        assert post.json["content"] == f"❓ #1 from anonymous: “Steam? {EVERYONE}”"
        assert post.json["allowed_mentions"] == {"parse": []}
        [button] = post.json["components"][0]["components"]
        assert (button["label"], button["custom_id"]) == ("👍 Upvote", "workshop:upvote:1")
        stored = await store.question(bot.core.db, 1)
        assert stored is not None and stored.message_ref == post.response["id"]

        named = await slash(fake, "ask", {"paper": "Notes on the engine", "question": "Why?"},
                            user=people.bob)
        assert named == "Thanks! Your question is #2 for “Notes on the engine”."
        notes = thread_named(fake, fake.forum_id, "Notes on the engine")
        assert fake.bot_messages(notes)[-1]["content"] == "❓ #2 from Bob: “Why?”"


# ---------------------------------------------------------------------- votes


async def test_thumbs_up_reactions_add_and_remove_votes(
        fake: FakeDiscord, sqlite_url: str, world: tuple[People, Path],
        caplog: pytest.LogCaptureFixture) -> None:
    people, path = world
    caplog.set_level(logging.DEBUG, logger="bot.qa.service")
    caplog.set_level(logging.DEBUG, logger="bot.core")
    async with qa_bot(fake, sqlite_url, path) as bot:
        engines = await engines_thread(fake, bot)
        question, ack = await ask_in_thread(fake, engines, "Is it fast?", author=people.alice)

        await fake.send_reaction_add(question, THUMBS_UP, user=people.alice)  # own: no vote
        await fake.send_reaction_add(question, THUMBS_UP, user=fake.bot_user)  # the bot's
        await fake.send_reaction_add(question, "🎉", user=people.carol)  # not a vote
        await fake.send_reaction_add(question, THUMBS_UP, user=people.bob)
        await until_voters(bot, 1, ids(people.bob))
        await fake.send_reaction_add(question, THUMBS_UP, user=people.carol)
        await until_voters(bot, 1, ids(people.bob, people.carol))
        await fake.send_reaction_remove(question, THUMBS_UP, user=people.bob)
        await until_voters(bot, 1, ids(people.carol))

        reply = fake.messages[int(ack.response["id"])]
        await fake.send_reaction_add(reply, THUMBS_UP, user=people.bob)  # on no question
        await wait_until(lambda: f"message {reply['id']}, which is no question" in caplog.text,
                         WAIT)
        elsewhere = await fake.send_guild_message("what's next?", author=people.carol)
        await fake.send_reaction_add(elsewhere, THUMBS_UP, user=people.bob)
        await wait_until(lambda: f"a 👍 in channel {fake.channel_id}, which is no Q&A thread"
                         in caplog.text, WAIT)
        assert await voters(bot, 1) == ids(people.carol)


async def test_reactions_made_while_the_bot_was_offline_are_reconciled_at_start(
        fake: FakeDiscord, sqlite_url: str, world: tuple[People, Path]) -> None:
    people, path = world
    async with qa_bot(fake, sqlite_url, path) as bot:
        engines = await engines_thread(fake, bot)
        question, _ = await ask_in_thread(fake, engines, "Is it fast?", author=people.alice)
        await fake.send_reaction_add(question, THUMBS_UP, user=people.bob)
        await until_voters(bot, 1, ids(people.bob))
    fake.end_sessions()
    # While the bot is away: Carol votes, Bob takes his vote back, Alice (the author) 👍s.
    await fake.send_reaction_add(question, THUMBS_UP, user=people.carol)
    await fake.send_reaction_remove(question, THUMBS_UP, user=people.bob)
    await fake.send_reaction_add(question, THUMBS_UP, user=people.alice)

    reconciling: list[asyncio.Task[int]] = []

    def reconcile(started: RunningBot) -> None:  # as serve does, before Discord is ready
        reconciling.append(asyncio.create_task(started.core.qa.reconcile_votes()))

    async with qa_bot(fake, sqlite_url, path, then=reconcile) as bot:
        assert await asyncio.wait_for(reconciling[0], WAIT) == 2
        assert await voters(bot, 1) == ids(people.carol)
        [users] = fake.find_requests("GET", rf"/channels/{engines}/messages/{question['id']}"
                                            r"/reactions/[^/]+")
        assert users.raw_path.endswith("/reactions/%F0%9F%91%8D")
        # It waited for the new connection: Discord is read once the bot is back.
        assert users.at > fake.frames(p.OP_IDENTIFY)[-1].at


async def test_the_upvote_button_votes_once_and_survives_reconciliation(
        fake: FakeDiscord, sqlite_url: str, world: tuple[People, Path]) -> None:
    people, path = world
    async with qa_bot(fake, sqlite_url, path) as bot:
        engines = await engines_thread(fake, bot)
        await slash(fake, "ask", {"paper": "keynote", "question": "Steam?"}, user=people.carol)
        [question] = [m for m in fake.bot_messages(engines) if m.get("components")]

        async def press(user: Json) -> str:
            button = question["components"][0]["components"][0]
            payload = fake.interaction_payload(
                p.INTERACTION_COMPONENT, {"custom_id": button["custom_id"], "component_type": 2},
                user=user, channel_id=engines, message=question)
            await fake.dispatch("INTERACTION_CREATE", payload)
            data = (await answer_to(fake, payload)).json["data"]
            assert data["flags"] & EPHEMERAL
            return str(data["content"])

        assert await press(people.bob) == "👍 Counted: you upvoted #1 (now 1)."
        assert await press(people.bob) == "You had already voted that way on #1 (1)."
        assert await press(people.carol) == "You cannot upvote your own question (#1)."
        assert await voters(bot, 1) == ids(people.bob)
        # No 👍 reaction shows a button vote; reconciling with the reactions keeps it.
        assert await bot.core.qa.reconcile_votes() == 0
        assert await voters(bot, 1) == ids(people.bob)


# ---------------------------------------------------------------------- moderation


async def test_answered_and_hidden_show_on_the_question_message(
        fake: FakeDiscord, sqlite_url: str, world: tuple[People, Path]) -> None:
    people, path = world
    async with qa_bot(fake, sqlite_url, path) as bot:
        engines = await engines_thread(fake, bot)
        mark = fake.mark()
        await slash(fake, "ask", {"paper": "keynote", "question": "Steam? @everyone",
                                  "anonymous": True}, user=people.carol)
        ours = (await posted(fake, engines, mark)).response["id"]  # #1, posted by the bot
        theirs, _ = await ask_in_thread(fake, engines, "Coal?", author=people.alice)  # #2
        original = f"❓ #1 from anonymous: “Steam? {EVERYONE}”"

        async def moderate(sub: str, values: dict[str, object]) -> str:
            return await slash(fake, "qa", values, user=people.chair, sub=sub)

        async def edited(since: int) -> dict[str, Any]:
            request = await fake.wait_for_request(
                "PATCH", rf"/channels/{engines}/messages/{ours}", since=since)
            return dict(request.json)

        async def reacted(method: str, emoji: str, since: int) -> None:
            await fake.wait_for_request(
                method, rf"/channels/{engines}/messages/{theirs['id']}/reactions/{emoji}/@me",
                since=since)

        mark = fake.mark()
        assert await moderate("answered", {"question": 1, "answer": "Yes, with coal."}) == (
            "Question #1 is marked answered.")
        edit = await edited(mark)
        assert edit["content"] == (f"✅ #1 from anonymous: “Steam? {EVERYONE}”\n"
                                   "Answer from Chair: “Yes, with coal.”")
        assert edit["components"] == []  # an answered question takes no votes
        answer = await posted(fake, engines, mark)
        assert answer.json["content"] == "✅ Answer to #1 from Chair: “Yes, with coal.”"
        assert str(answer.json["message_reference"]["message_id"]) == ours

        mark = fake.mark()
        assert await moderate("hide", {"question": 1, "reason": "spam"}) == (
            "Question #1 is hidden (spam).")
        assert (await edited(mark))["content"] == "🚫 #1 hidden by a moderator: “spam”"
        mark = fake.mark()
        assert await moderate("restore", {"question": 1}) == "Question #1 is open again."
        restored = await edited(mark)
        assert restored["content"] == original
        assert restored["components"][0]["components"][0]["custom_id"] == "workshop:upvote:1"

        # Alice's own message cannot be edited by the bot: it gets a mark instead.
        mark = fake.mark()
        assert await moderate("hide", {"question": 2, "reason": "off topic"}) == (
            "Question #2 is hidden (off topic).")
        await reacted("PUT", "🚫", mark)
        mark = fake.mark()
        await moderate("restore", {"question": 2})
        await reacted("DELETE", "🚫", mark)
        mark = fake.mark()
        await moderate("answered", {"question": 2})
        await reacted("PUT", "✅", mark)
        assert not fake.find_requests("PATCH", rf"/channels/{engines}/messages/{theirs['id']}")
        mine = [r for r in fake.messages[int(theirs["id"])]["reactions"] if r["me"]]
        assert [r["emoji"]["name"] for r in mine] == ["✅"]


async def test_moderator_commands_need_the_role_or_manage_messages(
        fake: FakeDiscord, sqlite_url: str, world: tuple[People, Path]) -> None:
    people, path = world
    refused = "Only moderators can use “qa pending”; nothing was changed."
    allowed = "No questions are waiting for approval."
    async with qa_bot(fake, sqlite_url, path):
        for user, expected in ((people.bob, refused), (people.chair, allowed),
                               (people.organizer, allowed), (people.helper, allowed)):
            assert await slash(fake, "qa", {}, user=user, sub="pending") == expected, user
        # The same from a mention: the roles come with the message's member.
        for user, expected in ((people.carol, refused), (people.helper, allowed),
                               (people.chair, allowed)):
            mark = fake.mark()
            await fake.send_guild_message("qa pending", author=user)
            reply = await posted(fake, fake.channel_id, mark)
            assert reply.json["content"] == expected, user
        assert await slash(fake, "qa", {"question": 1, "reason": "x"}, user=people.bob,
                           sub="hide") == ("Only moderators can use “qa hide”; nothing was "
                                           "changed.")
        assert await slash(fake, "qa", {"question": 1, "reason": "x"}, user=people.helper,
                           sub="hide") == "There is no question #1."


async def test_every_qa_subcommand_is_a_slash_command(fake: FakeDiscord, sqlite_url: str,
                                                      world: tuple[People, Path]) -> None:
    people, path = world
    async with qa_bot(fake, sqlite_url, path) as bot:
        put = await fake.wait_for_request("PUT", rf"/applications/{fake.app_id}/commands")
        [group] = [c for c in put.json if c["name"] == "qa"]
        subs = {o["name"]: o for o in group["options"]}
        assert set(subs) == {"top", "pending", "approve", "answered", "answer", "hide",
                             "restore", "export", "setup", "dashboard", "screen"}
        assert all(o["type"] == 1 for o in subs.values())
        for name in ("top", "pending", "export", "dashboard"):
            paper = next(o for o in subs[name]["options"] if o["name"] == "paper")
            assert paper["autocomplete"] is True
        await setup_threads(bot)
        typed = await fake.send_autocomplete("qa", {"paper": "mach"}, "paper", sub="top",
                                             user=people.bob)
        choices = (await answer_to(fake, typed)).json["data"]["choices"]
        assert choices[0] == {"name": "Machines", "value": "turing"}
        await slash(fake, "ask", {"paper": "turing", "question": "Can they think?"},
                    user=people.bob)
        assert await slash(fake, "qa", {"paper": "turing"}, user=people.carol, sub="top") == (
            "Top questions for “Machines”:\n\\#1 · 0 👍 · discord · “Can they think?”")
        assert await slash(fake, "qa", {"question": 1, "text": "Maybe."}, user=people.chair,
                           sub="answer") == ("Your answer to #1 is posted and the question is "
                                             "marked answered.")
        assert await slash(fake, "qa", {"question": 1}, user=people.chair, sub="approve") == (
            "Question #1 is not waiting for approval (it is answered).")
        # This bot serves no web pages (tests/web has the links): the commands reach the
        # core, which says so, to moderators only.
        for sub, values in (("dashboard", {"paper": "turing"}), ("screen", {})):
            assert await slash(fake, "qa", values, user=people.bob, sub=sub) == (
                f"Only moderators can use “qa {sub}”; nothing was changed.")
            assert (await slash(fake, "qa", values, user=people.chair, sub=sub)).startswith(
                "The web pages are not served by this bot")


# ---------------------------------------------------------------------- exports


async def test_an_export_arrives_as_a_file(fake: FakeDiscord, sqlite_url: str,
                                           world: tuple[People, Path]) -> None:
    people, path = world
    async with qa_bot(fake, sqlite_url, path) as bot:
        engines = await engines_thread(fake, bot)
        question, _ = await ask_in_thread(fake, engines, "Is it fast?", author=people.alice)
        await fake.send_reaction_add(question, THUMBS_UP, user=people.bob)
        await until_voters(bot, 1, ids(people.bob))

        asked = await fake.send_slash_command("qa", {"paper": "all", "format": "csv"},
                                              sub="export", user=people.carol)
        callback = await answer_to(fake, asked)
        data = callback.json["data"]
        assert data["flags"] & EPHEMERAL
        assert data["content"] == ("Questions for every paper and talk, as CSV: "
                                   "questions-remind-demo.csv")
        [upload] = callback.files
        assert upload["filename"] == "questions-remind-demo.csv"
        rows = list(csv.DictReader(io.StringIO(upload["data"].decode())))
        assert [(r["id"], r["item"], r["question"], r["votes"], r["platform"]) for r in rows
                ] == [("1", "keynote", "Is it fast?", "1", "discord")]

        mark = fake.mark()
        await fake.send_dm("qa export keynote json", author=people.carol)
        dm = int(fake.dm_channel_for(people.carol)["id"])
        reply = await posted(fake, dm, mark)
        [upload] = reply.files
        assert upload["filename"] == "questions-keynote.json"
        assert [r["question"] for r in json.loads(upload["data"])] == ["Is it fast?"]
        stored = fake.messages[int(reply.response["id"])]
        assert stored["attachments"][0]["filename"] == "questions-keynote.json"


# ---------------------------------------------------------------------- what it asks for


def test_the_invite_asks_for_exactly_what_q_and_a_uses() -> None:
    granted = {name for name, on in PERMISSIONS if on}
    assert granted == {"read_messages", "send_messages", "send_messages_in_threads",  # View Channel
                       "embed_links", "read_message_history", "create_public_threads",
                       "add_reactions", "attach_files"}
    assert PERMISSIONS.value == 309237763136  # the integer in README's invite URL
    assert not PERMISSIONS.manage_threads and not PERMISSIONS.manage_messages


async def test_a_portal_without_the_message_content_intent_is_one_clear_error(
        sqlite_url: str, tmp_path: Path) -> None:
    async with FakeDiscord(token=TOKEN, message_content_allowed=False) as fake:
        path = tmp_path / "program.yaml"
        path.write_text(program_text(fake.forum_id, fake.channel_id, "1"))
        settings = make_settings(sqlite_url, discord_token=TOKEN, discord_api_url=fake.api_url,
                                 discord_gateway_url=fake.gateway_url, program=path)
        async with open_core(settings, ManualClock(at("09:30"))) as core:
            adapter = create(core.core, guild_ready_timeout=0.05)
            assert adapter is not None
            with pytest.raises(MessageContentRefused, match="switch on 'Message Content "
                               "Intent' on the Developer Portal's Bot page"):
                await asyncio.wait_for(adapter.run(), WAIT)
            assert adapter.client.is_closed()


def test_message_content_only_when_a_q_and_a_channel_is_named() -> None:
    assert intents(message_content=True).message_content
    plain = intents()
    assert not plain.message_content and not plain.typing
    assert plain.guild_reactions  # 👍 votes
    assert plain == discord.Intents(plain.value)


async def test_threads_a_second_process_made_are_taken_at_once_and_linked_after_a_poll(
        fake: FakeDiscord, sqlite_url: str, world: tuple[People, Path], tmp_path: Path) -> None:
    """``workshop-bot qa setup`` in a process of its own beside the running bot, as the
    README says to run it: a question in a thread it just made (or made again) is
    acknowledged and stored at once; "about" links the new thread after the bot's poll."""
    people, path = world
    env = environment(DISCORD_TOKEN=TOKEN, DISCORD_API_URL=fake.api_url,
                      DISCORD_GATEWAY_URL=fake.gateway_url, BOT_PROGRAM=str(path),
                      DATABASE_URL=sqlite_url, LOG_LEVEL="WARNING")

    async def setup_in_a_second_process() -> str:
        done = await asyncio.to_thread(
            subprocess.run, [sys.executable, "-m", "bot", "qa", "setup"], cwd=tmp_path,
            env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60,
            check=False)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    async def about_machines() -> str:
        mark = fake.mark()
        await fake.send_dm("about machines", author=people.bob)
        reply = await fake.wait_for_request("POST", r"/channels/\d+/messages", since=mark)
        return json.dumps(reply.json)

    async with qa_bot(fake, sqlite_url, path) as bot:
        assert await setup_in_a_second_process() == (
            "Q&A threads on discord: 3 created, 0 already there, 0 recreated.")
        engines = thread_named(fake, fake.forum_id, "Engines")
        _, ack = await ask_in_thread(fake, engines, "Made elsewhere?", author=people.bob)
        assert ack.json["content"] == "Thanks! Your question is #1 for “Engines”."

        machines = thread_named(fake, fake.forum_id, "Machines")
        await fake.delete_channel(engines)  # moderators delete both on Discord
        await fake.delete_channel(machines)
        assert await setup_in_a_second_process() == (
            "Q&A threads on discord: 0 created, 1 already there, 2 recreated.")
        renewed = thread_named(fake, fake.forum_id, "Engines")
        question, ack = await ask_in_thread(fake, renewed, "Still taken?", author=people.carol)
        assert ack.json["content"] == "Thanks! Your question is #2 for “Engines”."
        stored = await store.question_by_message(bot.core.db, "discord", question["id"])
        assert stored is not None and (stored.id, stored.text) == (2, "Still taken?")
        await fake.send_reaction_add(question, THUMBS_UP, user=people.bob)
        await until_voters(bot, 2, ids(people.bob))

        await bot.core.qa.poll_threads()  # what `workshop-bot run` does every BOT_RELOAD_POLL s
        link = f"https://discord.com/channels/{fake.guild_id}/"
        again = thread_named(fake, fake.forum_id, "Machines")
        about = await about_machines()
        assert f"{link}{again}" in about and f"{link}{machines}" not in about
