"""Discord by shards: the shards a process runs (DISCORD_SHARD_COUNT, DISCORD_SHARD_IDS,
else every shard Discord recommends), and two real ``workshop-bot run`` processes
holding shards 0 and 1 of 2 that answer each message once between them (on PostgreSQL:
skipped without TEST_DATABASE_URL, as more than one process needs it).

The fake gateway shards as Discord does: IDENTIFY's ``[id, count]``, a READY per shard
with that shard's guilds, each guild's events on shard ``(guild_id >> 22) % count``,
DMs on shard 0. Each process is given its own DISCORD_API_URL (``/via/<name>/``), so
every request the fake records says which process made it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.app import attach
from bot.messages import IncomingMessage
from bot.render_text import render
from tests.conftest import _reset_postgres
from tests.discord.conftest import TOKEN, RunningBot, running
from tests.discord.test_messages import answer_to
from tests.discord.test_qa import OPERATOR, populate, program_text, slash, thread_named
from tests.discord.test_run import environment
from tests.fakes import discord_payloads as p
from tests.fakes.discord_payloads import Json
from tests.fakes.discord_server import FakeDiscord, RecordedRequest
from tests.support import ManualClock, wait_until
from tests.test_reminders import at

COMMANDS = r"/applications/\d+(?:/guilds/\d+)?/commands"
QUIET = 1.0  # seconds after the last expected answer in which a second one would show


def fake_discord(**options: object) -> FakeDiscord:
    return FakeDiscord(token=TOKEN, **options)  # type: ignore[arg-type]


def identified(fake: FakeDiscord) -> list[list[int]]:
    return sorted(frame.d["shard"] for frame in fake.frames(p.OP_IDENTIFY))


def general(fake: FakeDiscord, guild_id: int) -> int:
    """The guild's text channel "general"."""
    return int(fake.guilds[guild_id]["channels"][0]["id"])


def replies_to(fake: FakeDiscord, question: Json) -> list[RecordedRequest]:
    """Every reply request for ``question`` (one nonce each: a second request would be
    folded into the first message by Discord, so requests are what count)."""
    return [r for r in fake.find_requests("POST", rf"/channels/{question['channel_id']}/messages")
            if (r.json or {}).get("nonce") == question["id"]]


def ready_guilds(fake: FakeDiscord) -> dict[tuple[int, int], tuple[list[str], list[str]]]:
    """Per shard: the guild ids of its READY and of its GUILD_CREATEs."""
    out = {}
    for session in fake.sessions:
        sent = [payload for _seq, payload in session.sent]
        [ready] = [s["d"] for s in sent if s["t"] == "READY"]
        created = [s["d"]["id"] for s in sent if s["t"] == "GUILD_CREATE"]
        out[session.shard] = ([g["id"] for g in ready["guilds"]], created)
    return out


# ---------------------------------------------------------------------- settings


@pytest.mark.parametrize(("settings", "error"), [
    ({"DISCORD_SHARD_IDS": "1"}, r"DISCORD_SHARD_IDS\b.* needs DISCORD_SHARD_COUNT\b"),
    ({"DISCORD_SHARD_COUNT": "2", "DISCORD_SHARD_IDS": "2"},
     r"DISCORD_SHARD_IDS\b.* names shard 2, but DISCORD_SHARD_COUNT=2 numbers them 0 to 1"),
    ({"DISCORD_SHARD_COUNT": "2", "DISCORD_SHARD_IDS": "0,x"},
     r"DISCORD_SHARD_IDS: '0,x' is not a list of shard numbers like 0,1"),
    ({"DISCORD_SHARD_COUNT": "0"}, r"DISCORD_SHARD_COUNT: Input should be greater than"),
])
def test_unusable_shard_settings_are_one_line_and_exit_2(
        tmp_path: Path, settings: dict[str, str], error: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "run"], cwd=tmp_path, capture_output=True, text=True,
        env=environment(DISCORD_TOKEN=TOKEN, LOG_LEVEL="WARNING", **settings),
        stdin=subprocess.DEVNULL, timeout=60, check=False)
    assert done.returncode == 2, done.stderr
    [line] = done.stderr.strip().splitlines()
    assert re.match(rf"workshop-bot: {error}", line), line
    assert done.stdout == ""
    assert not (tmp_path / "data").exists()  # refused before anything was opened


# ---------------------------------------------------------------------- one process


async def test_without_shard_settings_every_recommended_shard_runs_here(
        sqlite_url: str, clock: ManualClock, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="adapters.discord.client")
    async with fake_discord(shards=2, guild_shards=(0, 1)) as fake:
        first, second = fake.guilds
        async with running(fake, sqlite_url, clock) as bot:
            assert len(fake.find_requests("GET", "/gateway/bot")) == 1
            assert identified(fake) == [[0, 2], [1, 2]]
            assert ready_guilds(fake) == {(0, 2): ([str(first)], [str(first)]),
                                          (1, 2): ([str(second)], [str(second)])}
            client = bot.client
            assert (client.shard_count, client.held_shards) == (2, (0, 1))
            assert [client.get_guild(g).shard_id for g in (first, second)  # type: ignore[union-attr]
                    ] == [0, 1]
            assert len(fake.find_requests("PUT", COMMANDS)) == 1  # it holds shard 0

            # A mention on each shard and a DM (shard 0): each answered once.
            asked = [await fake.send_guild_message("when is kraska", channel_id=general(fake, g))
                     for g in (first, second)]
            asked.append(await fake.send_dm("when is kraska"))
            for question in asked:
                reply = await answer_to(fake, question)
                assert reply.json["content"] == "Tim Kraska:"
            assert [fake.delivered("MESSAGE_CREATE", q["id"]) for q in asked] == [
                [(0, 2)], [(1, 2)], [(0, 2)]]
            await asyncio.sleep(QUIET)
            assert [len(replies_to(fake, q)) for q in asked] == [1, 1, 1]
        assert not fake.errors, fake.errors
    assert "Discord recommends 2 shards; running all of them here" in caplog.text
    assert "Discord adapter ready: shards 0,1 of 2; connected as workshop-bot" in caplog.text


async def test_an_unsharded_fake_is_shard_0_of_1(sqlite_url: str, clock: ManualClock,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="adapters.discord.client")
    async with fake_discord() as fake, running(fake, sqlite_url, clock) as bot:
        assert identified(fake) == [[0, 1]]
        assert bot.client.held_shards == (0,)
    assert "Discord adapter ready: shards 0 of 1;" in caplog.text


async def test_the_count_alone_runs_all_its_shards_without_asking(
        sqlite_url: str, clock: ManualClock) -> None:
    async with fake_discord(shards=1) as fake:
        async with running(fake, sqlite_url, clock, discord_shard_count=3) as bot:
            assert identified(fake) == [[0, 3], [1, 3], [2, 3]]
            assert not fake.find_requests("GET", "/gateway/bot")
            assert bot.client.held_shards == (0, 1, 2)
            # Every guild arrives on its own shard, whichever that is.
            on = FakeDiscord.shard_of(fake.guild_id, 3)
            assert bot.client.get_guild(fake.guild_id).shard_id == on  # type: ignore[union-attr]
            question = await fake.send_guild_message("what's next?")
            await answer_to(fake, question)
            assert fake.delivered("MESSAGE_CREATE", question["id"]) == [(on, 3)]
        assert not fake.errors, fake.errors


async def test_a_process_without_shard_0_syncs_nothing_and_sends_anywhere_by_rest(
        sqlite_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Shard 1 of 2 only: the Q&A channel and the announcements are in a guild of shard 0,
    which this process never sees, and the commands come from a guild of shard 1."""
    caplog.set_level(logging.INFO, logger="adapters.discord.client")
    async with fake_discord(shards=2, guild_shards=(0, 1)) as fake:
        home, here = fake.guilds  # home (shard 0) has the Q&A forum and announcements
        people, role_id = await populate(fake)
        path = tmp_path / "program.yaml"
        path.write_text(program_text(fake.forum_id, fake.channel_id, role_id))

        def start(started: RunningBot) -> None:
            attach(started.core, [started.adapter])

        async with running(fake, sqlite_url, ManualClock(at("09:30")), on_start=start,
                           program=path, discord_shard_count=2, discord_shard_ids="1",
                           api_url=fake.api_url_for("one")) as bot:
            assert identified(fake) == [[1, 2]]
            assert bot.client.get_guild(home) is None and bot.client.get_guild(here)
            assert not fake.find_requests("PUT", COMMANDS)

            said = render(await bot.core.router.handle(IncomingMessage(OPERATOR, "setup",
                                                                       command="qa")))
            assert said == "Q&A threads on discord: 3 created, 0 already there, 0 recreated."
            engines = thread_named(fake, fake.forum_id, "Engines")
            about = await fake.send_slash_command("about", {"what": "Engines"},
                                                  user=people.bob,
                                                  channel_id=general(fake, here))
            answer = await fake.wait_for_request("POST", fake.interaction_callback_path(about))
            assert f"https://discord.com/channels/{home}/{engines}" in json.dumps(answer.json)

            mark = fake.mark()
            asked = await slash(fake, "ask", {"paper": "keynote", "question": "Steam?"},
                                user=people.carol, channel_id=general(fake, here))
            assert asked == "Thanks! Your question is #1 for “Engines”."
            question = await fake.wait_for_request("POST", rf"/channels/{engines}/messages",
                                                   since=mark)
            posted = fake.messages[int(question.response["id"])]
            await fake.send_reaction_add(posted, "👍", user=people.bob)  # shard 0: not here
            assert await bot.core.qa.reconcile_votes() == 1  # read back over REST
            answered = await slash(fake, "qa", {"question": 1, "answer": "Coal."},
                                   user=fake.owner_user, sub="answered",
                                   channel_id=general(fake, here))
            assert answered == "Question #1 is marked answered."
            await fake.wait_for_request(
                "PATCH", rf"/channels/{engines}/messages/{posted['id']}", since=mark)
            reply = await fake.wait_for_request(
                "POST", rf"/channels/{engines}/messages", since=mark,
                predicate=lambda r: "message_reference" in (r.json or {}))
            assert reply.json["content"].startswith("✅ Answer to #1")

            bot.core.clock.at = at("09:50")  # type: ignore[attr-defined]
            report = await bot.core.reminders.fire("announce", "keynote", 10)
            assert report.sent == 1
            [announced] = fake.find_requests("POST", rf"/channels/{fake.channel_id}/messages")
            assert announced.json["content"].startswith("📣 Starting soon: Engines")

            assert {r.via for r in fake.requests} == {"one"}  # this process made them all
        assert not fake.errors, fake.errors
    assert ("Discord: this process runs shards 1 of 2; the slash commands are synced by the "
            "process holding shard 0") in caplog.text
    assert "slash commands synced" not in caplog.text


# ---------------------------------------------------------------------- two processes


@dataclass
class Process:
    """A ``workshop-bot run`` holding some shards, its log in a file."""

    name: str
    process: asyncio.subprocess.Process
    log: Path

    def logged(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture
async def pg(postgres_url: str | None) -> str:
    """The one database both processes use: more than one process needs PostgreSQL
    (README "Scaling out")."""
    assert postgres_url is not None  # the test is skipped without TEST_DATABASE_URL
    await _reset_postgres(postgres_url)
    return postgres_url


@pytest.fixture
async def sharded() -> AsyncIterator[FakeDiscord]:
    async with fake_discord(shards=2, guild_shards=(0, 1, 1)) as fake:
        yield fake
    assert not fake.errors, fake.errors


async def start_process(fake: FakeDiscord, database: str, tmp_path: Path, name: str,
                        shard: int) -> Process:
    log = tmp_path / f"{name}.log"
    env = environment(
        DISCORD_TOKEN=TOKEN, DISCORD_API_URL=fake.api_url_for(name),
        DISCORD_GATEWAY_URL=fake.gateway_url, DISCORD_SHARD_COUNT="2",
        DISCORD_SHARD_IDS=str(shard), DATABASE_URL=database,
        BOT_NOW="2021-12-13T10:15:00-08:00", BOT_SPEED="0", LOG_LEVEL="INFO")
    with log.open("w") as stderr:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", cwd=tmp_path, env=env,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr)
    return Process(name, process, log)


async def until_ready(bot: Process, shards: str) -> None:
    wanted = re.compile(rf"Discord adapter ready: shards {shards} of 2; ")

    def ready() -> bool:
        assert bot.process.returncode is None, bot.logged()[-3000:]
        return wanted.search(bot.logged()) is not None

    await wait_until(ready, 60)


async def stop(bots: list[Process]) -> None:
    """As a service manager stops them: SIGTERM, then each must exit 0 without a
    traceback."""
    for bot in bots:
        if bot.process.returncode is None:
            bot.process.send_signal(signal.SIGTERM)
    for bot in bots:
        try:
            code = await asyncio.wait_for(bot.process.wait(), 20)
        except TimeoutError:
            bot.process.kill()
            await bot.process.wait()
            raise
        assert code == 0, bot.logged()[-3000:]
        assert "Traceback" not in bot.logged(), bot.logged()[-3000:]


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"),
                    reason="needs PostgreSQL: set TEST_DATABASE_URL")
async def test_two_processes_on_shards_0_and_1_answer_everything_once(
        sharded: FakeDiscord, pg: str, tmp_path: Path) -> None:
    fake = sharded
    guilds = list(fake.guilds)
    assert [FakeDiscord.shard_of(g, 2) for g in guilds] == [0, 1, 1]
    holder = {0: "zero", 1: "one"}  # which process holds which shard
    bots = [await start_process(fake, pg, tmp_path, "zero", 0),
            await start_process(fake, pg, tmp_path, "one", 1)]
    try:
        await asyncio.gather(until_ready(bots[0], "0"), until_ready(bots[1], "1"))
        await fake.wait_for_shard((0, 2))
        await fake.wait_for_shard((1, 2))
        assert identified(fake) == [[0, 2], [1, 2]]
        assert ready_guilds(fake) == {(0, 2): ([str(guilds[0])], [str(guilds[0])]),
                                      (1, 2): ([str(g) for g in guilds[1:]],
                                               [str(g) for g in guilds[1:]])}
        # The commands were synced once, by the process holding shard 0; both logged in
        # (and the other one would have synced before it connected).
        [synced] = fake.find_requests("PUT", COMMANDS)
        assert synced.via == "zero" and synced.path == f"/applications/{fake.app_id}/commands"
        assert "synced by the process holding shard 0" in bots[1].logged()

        # A mention in each guild and a DM: each answered once, by the process whose
        # shard the message arrived on (a DM on shard 0).
        asked = [await fake.send_guild_message("when is kraska", channel_id=general(fake, g))
                 for g in guilds]
        asked.append(await fake.send_dm("when is kraska"))
        expected = [holder[FakeDiscord.shard_of(g, 2)] for g in guilds] + ["zero"]
        assert expected == ["zero", "one", "one", "zero"]
        for question, by in zip(asked, expected, strict=True):
            reply = await answer_to(fake, question, within=15)
            assert reply.json["content"] == "Tim Kraska:"
            assert reply.via == by, (question, reply)
        # A slash command in a guild of shard 1 (answered by the process that did not
        # sync), and one in a DM (shard 0).
        commands = [await fake.send_slash_command("now", channel_id=general(fake, guilds[2])),
                    await fake.send_slash_command("now", in_guild=False)]
        for payload, by in zip(commands, ["one", "zero"], strict=True):
            answer = await fake.wait_for_request(
                "POST", fake.interaction_callback_path(payload), within=15)
            assert answer.via == by
        await asyncio.sleep(QUIET)  # a second answer would have come by now

        assert [len(replies_to(fake, q)) for q in asked] == [1, 1, 1, 1]
        assert [fake.delivered("MESSAGE_CREATE", q["id"]) for q in asked] == [
            [(0, 2)], [(1, 2)], [(1, 2)], [(0, 2)]]
        assert [len(fake.find_requests("POST", fake.interaction_callback_path(c)))
                for c in commands] == [1, 1]
        assert len(fake.find_requests("PUT", COMMANDS)) == 1
    finally:
        await stop(bots)
    assert "slash commands synced" not in bots[1].logged()
