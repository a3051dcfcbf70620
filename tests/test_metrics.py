"""``GET /metrics``: what the core, the reminders, Q&A, the platforms' API calls and the
database's failures count, read back through the real HTTP server and parsed with
prometheus_client's own parser. Every number is exactly what the test did: a count that
is off by one (an answer counted twice, a vote missed) fails here."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import prometheus_client
import pytest
from aiohttp import web
from prometheus_client.parser import text_string_to_metric_families
from slack_sdk.errors import SlackApiError

from adapters.discord.transport import http_trace
from adapters.slack.service import build_client
from bot.app import open_core
from bot.events import THUMBS_UP, Command, Message, Place, Reaction, Standing
from bot.messages import UserRef
from bot.metrics import Metrics
from bot.render_text import render
from bot.services import Services
from bot.store.outage import OutageLog
from tests.conftest import make_settings
from tests.fakes.slack_server import FakeSlack
from tests.support import ManualClock
from tests.test_core_events import Lookups, qa_thread
from tests.test_qa import MOD, QA_PROGRAM, RecordingPublisher
from tests.test_reminders import RecordingMessenger, at

ALICE = UserRef("discord", "alice", "Alice")
BOB = UserRef("discord", "bob")
CAROL = UserRef("discord", "carol")
CHANNEL = Place("C-general")
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


@pytest.fixture
async def services(sqlite_url: str, tmp_path: Path) -> AsyncIterator[Services]:
    path = tmp_path / "program.yaml"
    path.write_text(QA_PROGRAM)
    settings = make_settings(sqlite_url, path, bot_http_host="127.0.0.1", bot_http_port=0,
                             bot_db_timeout=0.2)
    async with open_core(settings, ManualClock(at("09:30"))) as opened:
        opened.qa.attach(RecordingPublisher())
        async with opened.http.serving():
            yield opened


async def scrape(services: Services) -> Samples:
    """Every sample ``GET /metrics`` shows, by name and labels."""
    async with aiohttp.ClientSession() as session, \
            session.get(f"{services.http.url}/metrics") as response:
        assert response.status == 200
        assert response.content_type == "text/plain"
        text = await response.text()
    return {(sample.name, frozenset(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(text) for sample in family.samples}


def value(samples: Samples, name: str, **labels: str) -> float:
    """A sample's value; 0 when it is not shown (a label combination never counted)."""
    return samples.get((name, frozenset(labels.items())), 0.0)


def total(samples: Samples, name: str) -> float:
    return sum(v for (sample, _), v in samples.items() if sample == name)


async def test_metrics_count_answers_questions_votes_and_reminders(services: Services
                                                                   ) -> None:
    core = services.core
    replies = [
        await qa_thread(services),  # "qa setup", by a moderator (its reply is checked)
        await core.receive(Message(ALICE, "when is turing", CHANNEL, addressed=True)),
        await core.receive(Command(ALICE, "next", "", CHANNEL)),
        await core.receive(Command(ALICE, "help", "", CHANNEL)),
        await core.receive(Command(ALICE, "person", "nobody at all", CHANNEL)),
    ]
    assert await core.receive(Message(ALICE, "lunch?", CHANNEL, addressed=False)) is None
    thread = services.qa.publishers["discord"]
    assert isinstance(thread, RecordingPublisher)
    in_thread = Place("C-qa", thread.threads["keynote"].thread_id)
    asked = await core.receive(Message(ALICE, "How fast?", in_thread, addressed=False,
                                       ref="m-1"))
    assert asked is not None and asked.kind == "answer"
    assert await core.receive(Message(ALICE, "How fast?", in_thread, addressed=False,
                                      ref="m-1")) is None  # delivered twice: one question
    for user, added in ((BOB, True), (CAROL, True), (BOB, False)):
        await core.receive(Reaction(user, THUMBS_UP, "m-1", in_thread, added=added))
    hidden = await core.receive(Command(ALICE, "qa", "hide 1 off topic", CHANNEL,
                                        standing=Lookups(Standing(MOD["roles"]))))
    assert hidden is not None and hidden.kind == "answer"

    messenger = RecordingMessenger(services.clock)
    services.reminders.attach(messenger)
    keynote = services.catalog.current.program.by_slug["keynote"]
    for user in ("eve", "mallory"):
        await services.reminders.subscribe(UserRef("discord", user), keynote, 15)
    messenger.refuse.add("mallory")
    clock = services.clock
    assert isinstance(clock, ManualClock)
    clock.at = at("09:45")
    report = await services.reminders.fire("subscriber", "keynote", 15)
    assert (report.sent, report.failed) == (1, 1)
    clock.at = at("09:58")
    late = await services.reminders.fire("announce", "keynote", 10)  # due 09:50: too late
    assert late.dropped == 1

    samples = await scrape(services)
    answers = "workshop_bot_answers_total"
    assert [r.kind for r in replies[1:] if r is not None] == [
        "answer", "answer", "help", "not_found"]
    assert value(samples, answers, intent="qa", kind="answer") == 2  # setup, hide
    assert value(samples, answers, intent="when", kind="answer") == 1
    assert value(samples, answers, intent="next", kind="answer") == 1
    assert value(samples, answers, intent="help", kind="help") == 1
    assert value(samples, answers, intent="person", kind="not_found") == 1
    assert value(samples, answers, intent="qa_ask", kind="answer") == 1
    assert total(samples, answers) == 7
    assert value(samples, "workshop_bot_answer_seconds_count") == 7
    assert 0 < value(samples, "workshop_bot_answer_seconds_sum") < 7
    assert value(samples, "workshop_bot_answer_seconds_bucket", le="+Inf") == 7
    assert value(samples, "workshop_bot_questions_total", platform="discord") == 1
    votes = "workshop_bot_votes_total"
    assert value(samples, votes, platform="discord", change="added") == 2
    assert value(samples, votes, platform="discord", change="removed") == 1
    assert value(samples, "workshop_bot_question_status_changes_total",
                 platform="discord") == 1
    reminders = "workshop_bot_reminders_total"
    assert value(samples, reminders, outcome="sent", platform="discord") == 1
    assert value(samples, reminders, outcome="failed", platform="discord") == 1
    assert value(samples, reminders, outcome="skipped", platform="discord") == 1
    assert total(samples, reminders) == 3
    assert value(samples, "workshop_bot_database_errors_total") == 0
    assert total(samples, "workshop_bot_platform_errors_total") == 0


async def test_a_locked_database_is_counted_once_per_failed_call(services: Services,
                                                                 sqlite_url: str) -> None:
    other = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process in the middle of a long write
    try:
        for _ in range(2):  # the second failure is only a DEBUG line, and still counted
            reply = await services.core.receive(Command(ALICE, "remind", "keynote", CHANNEL))
            assert reply is not None and "cannot reach my database" in render(reply)
    finally:
        other.execute("ROLLBACK")
        other.close()
    samples = await scrape(services)
    assert value(samples, "workshop_bot_database_errors_total") == 2
    assert value(samples, "workshop_bot_answers_total", intent="remind", kind="help") == 2


async def test_slack_api_failures_and_429s_are_counted_by_the_client(
        services: Services, sqlite_url: str, tmp_path: Path) -> None:
    async with FakeSlack(check_tokens=False) as fake, aiohttp.ClientSession() as session:
        services.core.settings = make_settings(
            sqlite_url, tmp_path / "program.yaml", slack_bot_token="xoxb-test",
            slack_api_url=fake.api_url)
        client = build_client(services.core, session)
        fake.rate_limit("chat.postMessage", times=2, retry_after=0)
        await client.chat_postMessage(channel="C1", text="hello")  # third time lucky
        fake.fail("chat.postMessage", "channel_not_found")
        with pytest.raises(SlackApiError):
            await client.chat_postMessage(channel="C404", text="hello")
        fake.fail("reactions.remove", "no_reaction")  # asked for knowingly: no failure
        with pytest.raises(SlackApiError):
            await client.reactions_remove(channel="C1", timestamp="1.2", name="white_check_mark")
    samples = await scrape(services)
    errors = "workshop_bot_platform_errors_total"
    assert value(samples, errors, platform="slack", kind="rate_limited") == 2
    assert value(samples, errors, platform="slack", kind="error") == 1
    assert total(samples, errors) == 3


async def test_discord_failures_and_429s_are_seen_on_the_http_session(services: Services
                                                                      ) -> None:
    async def answer(request: web.Request) -> web.Response:
        return web.Response(status=int(request.match_info["status"]))

    app = web.Application()
    app.router.add_get("/{status}", answer)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    trace = http_trace(lambda kind: services.core.platform_error("discord", kind))
    try:
        async with aiohttp.ClientSession(trace_configs=[trace]) as session:
            for status in (200, 429, 429, 403, 502, 204):
                async with session.get(f"http://127.0.0.1:{port}/{status}") as response:
                    assert response.status == status
        await runner.cleanup()  # nothing listens there now: a request that gets no answer
        async with aiohttp.ClientSession(trace_configs=[trace]) as session:
            with pytest.raises(aiohttp.ClientConnectionError):
                await session.get(f"http://127.0.0.1:{port}/200")
    finally:
        await runner.cleanup()
    samples = await scrape(services)
    errors = "workshop_bot_platform_errors_total"
    assert value(samples, errors, platform="discord", kind="rate_limited") == 2
    assert value(samples, errors, platform="discord", kind="error") == 3  # 403, 502, refused


async def test_every_outage_log_of_the_core_counts_into_its_own_registry(
        services: Services) -> None:
    parts = (services.router, services.preferences, services.qa, services.direct_channels,
             services.receipts, services.reminders)
    logs = [v for part in parts for v in vars(part).values() if isinstance(v, OutageLog)]
    assert len(logs) == len(parts)  # each service's one log, all counted
    assert all(log.counted == services.metrics.database_error for log in logs)
    # a platform name from anywhere else cannot add a series of its own
    services.core.platform_error("myspace", "error")
    samples = await scrape(services)
    assert value(samples, "workshop_bot_platform_errors_total", platform="other",
                 kind="error") == 1
    # nothing is counted in prometheus_client's global registry: each core has its own
    assert prometheus_client.REGISTRY.get_sample_value(
        "workshop_bot_platform_errors_total", {"platform": "other", "kind": "error"}) is None
    other = Metrics(lambda: 0.0)
    assert other.registry is not services.metrics.registry
    assert other.registry.get_sample_value(
        "workshop_bot_platform_errors_total", {"platform": "other", "kind": "error"}) is None
