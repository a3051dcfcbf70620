"""The connection: what the bot asks Discord for, and how it survives the gateway
dropping it (RECONNECT, a closed socket) without losing or repeating an answer."""

from __future__ import annotations

import asyncio
import logging

import discord
import pytest

from adapters.discord import create
from bot.app import open_core, serve
from tests.conftest import make_settings
from tests.discord.conftest import TOKEN, RunningBot, keep_alive_threads, running
from tests.discord.test_messages import answer_to
from tests.fakes import discord_payloads as p
from tests.fakes.discord_server import FakeDiscord
from tests.support import ManualClock


async def test_login_asks_for_no_privileged_intent(bot: RunningBot) -> None:
    fake = bot.fake
    me = await fake.wait_for_request("GET", "/users/@me")
    assert me.headers["Authorization"] == f"Bot {TOKEN}"
    identify = fake.frames(p.OP_IDENTIFY)[0].d
    assert identify["token"] == TOKEN
    intents = identify["intents"]
    assert not intents & p.INTENT_MESSAGE_CONTENT  # privileged: not needed for DMs/mentions
    assert intents & p.INTENT_GUILD_MESSAGES and intents & p.INTENT_DIRECT_MESSAGES
    assert not intents & (1 << 11 | 1 << 14)  # no typing events
    assert fake.gateway_queries[0]["v"] == "10"
    assert bot.client.get_guild(fake.guild_id) is not None


async def test_reconnect_resumes_and_answers_each_question_once(bot: RunningBot) -> None:
    fake = bot.fake
    before = await fake.send_guild_message("what's next?")
    await answer_to(fake, before)
    session = fake.sessions[0]
    seq = session.seq
    await fake.send_reconnect()  # op 7
    resume = await fake.wait_for_gateway_op(p.OP_RESUME)
    assert resume.d["session_id"] == session.session_id and resume.d["seq"] == seq
    await fake.wait_for_session()
    after = await fake.send_guild_message("when is kraska")
    reply = await answer_to(fake, after)
    assert reply.json["content"] == "Tim Kraska:"
    assert fake.identify_count == 1 and fake.resume_count == 1
    nonces = [m.get("nonce") for m in fake.bot_messages(fake.channel_id)]
    assert nonces == [before["id"], after["id"]]  # nothing answered twice


async def test_questions_asked_while_reconnecting_are_answered_once(bot: RunningBot) -> None:
    fake = bot.fake
    await fake.send_reconnect()
    question = await fake.send_dm("what's next?")  # kept, and replayed after RESUME
    await answer_to(fake, question)
    await fake.wait_for_gateway_op(p.OP_RESUME)
    later = await fake.send_dm("thanks")
    await answer_to(fake, later)
    nonces = [m.get("nonce") for m in fake.bot_messages(int(question["channel_id"]))]
    assert nonces == [question["id"], later["id"]]
    assert fake.resume_count == 1


async def test_a_dropped_connection_resumes(bot: RunningBot) -> None:
    fake = bot.fake
    await fake.close_gateway(code=4000)  # "unknown error": resumable
    await fake.wait_for_gateway_op(p.OP_RESUME)
    await fake.wait_for_session()
    question = await fake.send_guild_message("what's on now?")
    reply = await answer_to(fake, question)
    assert reply.json["content"] == "On now:"
    assert fake.identify_count == 1


async def test_a_bad_token_fails_the_adapter_in_one_line(
        fake: FakeDiscord, sqlite_url: str, clock: ManualClock,
        caplog: pytest.LogCaptureFixture) -> None:
    settings = make_settings(sqlite_url, discord_token="not.the.token",
                             discord_api_url=fake.api_url, discord_gateway_url=fake.gateway_url)
    async with open_core(settings, clock) as core:
        adapter = create(core.core, guild_ready_timeout=0.05)
        assert adapter is not None
        with caplog.at_level(logging.INFO, logger="bot.app"):
            status = await asyncio.wait_for(serve(core, [adapter]), 5)
    assert status == 1
    failed = [r.getMessage() for r in caplog.records if r.name == "bot.app"]
    assert failed[-1] == ("discord adapter failed: LoginFailure: "
                          "Improper token has been passed.")
    assert adapter.client.is_closed()
    assert adapter.client.http._HTTPClient__session.closed  # type: ignore[attr-defined]
    assert not keep_alive_threads()
    assert discord.http.Route.BASE == "https://discord.com/api/v10"  # restored
    assert not fake.frames(p.OP_IDENTIFY)


async def test_the_harness_notices_a_client_that_died(fake: FakeDiscord, sqlite_url: str,
                                                      clock: ManualClock) -> None:
    """Negative control: discord.py's parser raises on an incomplete interaction, which
    ends Client.start(); the harness every test runs in must say so."""
    with pytest.raises(AssertionError, match=r"client task died: KeyError\('attachment"):
        async with running(fake, sqlite_url, clock) as bot:
            broken = fake.interaction_payload(p.INTERACTION_COMMAND,
                                              {"id": "1", "name": "now", "type": 1})
            del broken["attachment_size_limit"]
            await fake.dispatch("INTERACTION_CREATE", broken)
            await asyncio.wait({bot.task}, timeout=5)
