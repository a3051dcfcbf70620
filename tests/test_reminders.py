"""Reminders in the core: every kind at its offset, once, in order; subscriptions; the grace
window; recovery of interrupted sends; fan-out order and isolation of failures; pacing.

Platform delivery is a recording messenger here; the adapters' own delivery (Discord's
nonce, Slack's metadata, 429s) is tested end to end with their fake servers.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.adapter import DeliveryError, PlatformInfo
from bot.app import open_core
from bot.clock import SimulatedClock, SystemClock
from bot.messages import Outgoing, UserRef
from bot.reminders.pacing import Pacer
from bot.reminders.scheduler import ReminderScheduler
from bot.render_text import render
from bot.services import Services
from bot.store import ledger
from tests.conftest import make_settings
from tests.support import Conversation, ManualClock, wait_until

PROGRAM = """
version: 1
workshop: {id: remind-demo, name: Reminder Demo, date: 2024-05-06, timezone: Europe/Berlin}
people:
  - {name: Ada Lovelace, discord_id: "111111111111111111"}
  - {name: Alan Turing, discord_id: "222222222222222222"}
channels:
  discord: {announcements: "900000000000000001"}
reminders: {announce: [10, 0], speakers: [20, 5], subscriber_default: 15}
schedule:
  - {id: keynote, kind: keynote, title: Engines, start: "2024-05-06T10:00:00+02:00",
     end: "2024-05-06T10:30:00+02:00", speakers: [Ada Lovelace]}
  - {id: coffee, kind: break, title: Coffee, start: "2024-05-06T10:30:00+02:00",
     end: "2024-05-06T10:45:00+02:00"}
  - {id: turing, kind: talk, title: Machines, start: "2024-05-06T10:45:00+02:00",
     end: "2024-05-06T11:15:00+02:00", speakers: [Alan Turing]}
papers:
  - {id: notes, title: Notes on the engine, authors: [Ada Lovelace]}
"""
CHANNEL = "900000000000000001"
ADA, ALAN = "111111111111111111", "222222222222222222"


def at(clock: str) -> datetime:
    return datetime.fromisoformat(f"2024-05-06T{clock}:00+02:00")


class RecordingMessenger:
    """Stands in for a platform: records what it is asked to send, can be told to fail."""

    info = PlatformInfo("discord")

    def __init__(self, clock: object) -> None:
        self.clock = clock
        self.sent: list[tuple[datetime, Outgoing]] = []
        self.refuse: set[str] = set()  # targets whose DMs are closed
        self.already: dict[str, str] = {}  # keys the "platform" already has

    async def deliver(self, message: Outgoing) -> str | None:
        if message.target in self.refuse:
            raise DeliveryError("Cannot send messages to this user (50007)", permanent=True)
        self.sent.append((self.clock.now(), message))  # type: ignore[attr-defined]
        return f"m{len(self.sent)}"

    async def find_delivered(self, message: Outgoing) -> str | None:
        return self.already.get(message.key)

    def summary(self) -> list[tuple[str, str]]:
        return [(m.key.split("|")[0], m.target) for _, m in self.sent]


@pytest.fixture
def program_file(tmp_path: Path) -> Path:
    path = tmp_path / "program.yaml"
    path.write_text(PROGRAM)
    return path


@pytest.fixture
async def core(sqlite_url: str, program_file: Path) -> AsyncIterator[Services]:
    async with open_core(make_settings(sqlite_url, program_file), ManualClock(at("09:30"))) as c:
        yield c


# Simulated minutes a send may come after its due time: 1 s of real time at the test's
# 600x, so that a stall of a busy CI machine (one of 300 ms failed it at 5 minutes and
# 1200x) does not fail a test of order and offsets; reminders are 5 minutes apart.
LATE = 10


async def test_every_kind_fires_at_its_offset_in_order_once(
    sqlite_url: str, program_file: Path
) -> None:
    clock = SimulatedClock(at("09:30"), speed=600)  # one simulated minute = 100 ms
    # At this speed the default grace (5 simulated minutes) is 500 ms of real time: a busy
    # CI machine's stall would drop a reminder as missed. An hour of grace keeps them all;
    # how late each may be is checked below, in simulated minutes.
    settings = make_settings(sqlite_url, program_file, bot_reminder_grace=3600)
    async with open_core(settings, clock) as core:
        messenger = RecordingMessenger(clock)
        core.reminders.attach(messenger)
        chat = Conversation(core, clock)  # type: ignore[arg-type]
        assert "I'll remind you 15 min before “Engines”" in await chat.ask(
            "remind keynote", user="eve", platform="discord")
        assert "30 min before “Machines”" in await chat.ask(
            "remind turing 30m", user="bob", platform="discord")
        scheduler = ReminderScheduler(core.reminders, clock, SystemClock())
        await scheduler.start()
        try:
            await wait_until(lambda: len(messenger.sent) >= 12, seconds=30)
            await asyncio.sleep(1.0)  # nothing more may arrive (10 simulated minutes)
        finally:
            scheduler.shutdown()
    expected = [
        ("speaker", ADA),  # 09:40 keynote T-20
        ("subscriber", "eve"),  # 09:45 keynote T-15
        ("announce", CHANNEL),  # 09:50 keynote T-10
        ("speaker", ADA),  # 09:55 keynote T-5
        ("announce", CHANNEL),  # 10:00 keynote starts
        ("subscriber", "bob"),  # 10:15 turing T-30
        ("announce", CHANNEL),  # 10:20 coffee T-10
        ("speaker", ALAN),  # 10:25 turing T-20
        ("announce", CHANNEL),  # 10:30 coffee starts
        ("announce", CHANNEL),  # 10:35 turing T-10
        ("speaker", ALAN),  # 10:40 turing T-5
        ("announce", CHANNEL),  # 10:45 turing starts
    ]
    assert messenger.summary()[:12] == expected
    assert len(messenger.sent) == 12
    keys = [m.key for _, m in messenger.sent]
    assert len(set(keys)) == len(keys)
    for when, message in messenger.sent:
        due = datetime.fromisoformat(message.key.split("|")[2].replace("Z", "+00:00")) - \
            timedelta(minutes=int(message.key.split("|")[-1]))
        assert timedelta(0) <= when - due < timedelta(minutes=LATE), message.key
    first = render(messenger.sent[2][1].reply)
    assert re.match(r"📣 Starting soon: Engines, at 10:00 CEST \(in (?:[5-9]|10) min\)\.", first)
    assert messenger.sent[2][1].buttons[0].value == "keynote"
    assert not messenger.sent[4][1].buttons  # "starting now" needs no Remind me button


async def test_subscriptions_list_cancel_and_resubscribe(core: Services) -> None:
    clock = core.clock
    chat = Conversation(core, clock)  # type: ignore[arg-type]
    ask = chat.ask
    assert "You have no reminders" in await ask("remind list", platform="discord")
    await ask("remind keynote", platform="discord")
    await ask("remind me about the turing talk 1h", platform="discord")
    listing = await ask("my reminders", platform="discord")
    assert "• 10:00 – 10:30 CEST · Engines — Ada Lovelace (15 min before)" in listing
    assert "• 10:45 – 11:15 CEST · Machines — Alan Turing (1 h before)" in listing
    assert "already have that reminder" in await ask("remind keynote 15m", platform="discord")
    assert "Cancelled your reminder for “Engines”" in await ask(
        "remind cancel keynote", platform="discord")
    assert "You had no reminder for “Engines”" in await ask(
        "remind cancel keynote", platform="discord")
    await ask("remind keynote 5m", platform="discord")
    assert "Cancelled all 2 of your reminders." in await ask(
        "remind cancel all", platform="discord")
    assert "You have no reminders" in await ask("remind list", platform="discord")


async def test_subscriptions_that_cannot_be_kept_are_refused_clearly(core: Services) -> None:
    chat = Conversation(core, core.clock)  # type: ignore[arg-type]
    past = await chat.ask("remind keynote 45m", at="2024-05-06T09:30:00+02:00")
    assert past.startswith("“Engines” starts at 10:00 CEST (in 30 min): 45 min before that is "
                           "already past, so I set no reminder.")
    started = await chat.ask("remind keynote", at="2024-05-06T10:05:00+02:00")
    assert started.startswith("“Engines” has already started")
    soon = await chat.ask("remind keynote", at="2024-05-06T09:52:00+02:00")
    assert "I'll remind you 5 min before “Engines”, at 09:55 CEST" in soon  # 15 is past
    last_minute = await chat.ask("remind turing", at="2024-05-06T10:42:00+02:00")
    assert "I'll remind you when “Machines” starts, at 10:45 CEST" in last_minute
    paper = await chat.ask("remind notes", at="2024-05-06T09:30:00+02:00")
    assert "has no time slot on the program" in paper
    unknown = await chat.ask("remind quantum stuff")
    assert unknown.startswith("Nothing matches")
    kept = await core.reminders.subscriptions(UserRef("test", "alice"))
    assert [(item.slug, offset) for item, offset in kept] == [("keynote", 5), ("turing", 0)]


async def test_missed_reminders_inside_the_grace_window_are_sent_at_start(
    core: Services, caplog: pytest.LogCaptureFixture
) -> None:
    messenger = RecordingMessenger(core.clock)
    core.reminders.attach(messenger)
    core.clock.at = at("09:53")  # type: ignore[attr-defined]
    caplog.set_level(logging.INFO)
    dropped = await core.reminders.catch_up()
    # 09:50 announcement (3 min late) goes out; the 09:40 speaker DM (13 min late) does not.
    assert messenger.summary() == [("announce", CHANNEL)]
    assert dropped == 1
    assert sum("Dropped 1 reminder(s)" in r.message for r in caplog.records) == 1
    # A second start sends nothing again and logs no new drop.
    caplog.clear()
    assert await core.reminders.catch_up() == 0
    assert len(messenger.sent) == 1


async def test_nothing_is_sent_after_its_session_ended(
    sqlite_url: str, program_file: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # A grace window of an hour: the keynote's start announcement (due 10:00) is not too
    # late at 10:31, so only the session's end (10:30) can keep it back.
    settings = make_settings(sqlite_url, program_file, bot_reminder_grace=3600)
    async with open_core(settings, ManualClock(at("10:31"))) as core:
        messenger = RecordingMessenger(core.clock)
        core.reminders.attach(messenger)
        caplog.set_level(logging.INFO)
        report = await core.reminders.fire("announce", "keynote", 0)
    assert report.sent == 0 and messenger.sent == []
    assert report.dropped == 1
    assert "Dropped 1 announce reminder(s) for keynote (T-0): its session has ended" in (
        caplog.messages)


async def test_an_interrupted_send_is_recovered_once(core: Services) -> None:
    """A claim left by a dead process is taken over; the platform is asked first."""
    messenger = RecordingMessenger(core.clock)
    core.reminders.attach(messenger)
    program = core.catalog.current.program
    keynote = program.by_slug["keynote"]
    core.clock.at = at("09:50")  # type: ignore[attr-defined]
    key_channel = f"announce|keynote|{keynote.start:%Y%m%dT%H%M%SZ}|discord|{CHANNEL}|10"
    long_ago = SystemClock().now() - timedelta(minutes=5)
    entry = ledger.Entry(key_channel, "announce", keynote.id, "discord", CHANNEL,
                         at("09:50"), 10)
    assert await ledger.claim(core.db, [entry], "dead-process", long_ago) == {key_channel}
    messenger.already[key_channel] = "m-existing"  # the platform got it before the crash
    assert await core.reminders.recover() == 1
    assert messenger.sent == []  # found on the platform: not sent again
    assert (await ledger.statuses(core.db, [key_channel])) == {key_channel: "sent"}
    assert await core.reminders.recover() == 0


async def test_an_interrupted_send_the_platform_never_got_is_sent(core: Services) -> None:
    messenger = RecordingMessenger(core.clock)
    core.reminders.attach(messenger)
    keynote = core.catalog.current.program.by_slug["keynote"]
    core.clock.at = at("09:41")  # type: ignore[attr-defined]
    key = f"speaker|keynote|{keynote.start:%Y%m%dT%H%M%SZ}|discord|{ADA}|20"
    entry = ledger.Entry(key, "speaker", keynote.id, "discord", ADA, at("09:40"), 20)
    await ledger.claim(core.db, [entry], "dead-process",
                       SystemClock().now() - timedelta(minutes=5))
    await core.reminders.recover()
    assert messenger.summary() == [("speaker", ADA)]
    # A fresh claim by a live process is left alone.
    fresh = ledger.Entry(key + "x", "speaker", keynote.id, "discord", ADA, at("09:40"), 20)
    await ledger.claim(core.db, [fresh], "alive", SystemClock().now())
    assert await core.reminders.recover() == 0


async def test_fan_out_goes_in_subscription_order_and_survives_a_closed_dm(core: Services) -> None:
    messenger = RecordingMessenger(core.clock)
    messenger.refuse.add("user-3")
    core.reminders.attach(messenger)
    keynote = core.catalog.current.program.by_slug["keynote"]
    for n in range(6):
        core.clock.at = at("09:00") + timedelta(seconds=n)  # type: ignore[attr-defined]
        await core.reminders.subscribe(UserRef("discord", f"user-{5 - n}"), keynote, 15)
    core.clock.at = at("09:45")  # type: ignore[attr-defined]
    report = await core.reminders.fire("subscriber", "keynote", 15)
    assert [t for _, t in messenger.summary()] == ["user-5", "user-4", "user-2", "user-1",
                                                   "user-0"]
    assert (report.sent, report.failed) == (5, 1)
    again = await core.reminders.fire("subscriber", "keynote", 15)
    assert (again.sent, again.skipped) == (0, 6)


async def test_dms_render_in_each_recipients_timezone(core: Services) -> None:
    messenger = RecordingMessenger(core.clock)
    core.reminders.attach(messenger)
    chat = Conversation(core, core.clock)  # type: ignore[arg-type]
    await chat.ask("tz Asia/Tokyo", user="kenji", platform="discord")
    await chat.ask("remind keynote", user="kenji", platform="discord")
    await chat.ask("remind keynote", user="erik", platform="discord")
    core.clock.at = at("09:45")  # type: ignore[attr-defined]
    await core.reminders.fire("subscriber", "keynote", 15)
    texts = {m.target: render(m.reply) for _, m in messenger.sent}
    assert "“Engines” starts at 17:00 JST (in 15 min)" in texts["kenji"]
    assert "“Engines” starts at 10:00 CEST (in 15 min)" in texts["erik"]


async def test_pacer_spaces_sends_evenly() -> None:
    now = [0.0]
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    pacer = Pacer(50, monotonic=lambda: now[0], sleep=sleep)
    for _ in range(5):
        await pacer.wait()
    assert waits == pytest.approx([0.02, 0.02, 0.02, 0.02])
    assert now[0] == pytest.approx(0.08)


def test_rehearsals_keep_their_own_ledger() -> None:
    from bot.app import reminder_config

    live = reminder_config(make_settings("sqlite:///x.db"))
    rehearsal = reminder_config(make_settings("sqlite:///x.db",
                                              bot_now=datetime(2021, 12, 13, 16, 45, tzinfo=UTC)))
    assert live.namespace == ""
    assert rehearsal.namespace == "rehearsal@2021-12-13T16:45:00+00:00|"
    assert live.instance != reminder_config(make_settings("sqlite:///x.db")).instance


async def test_help_examples_come_from_the_program_being_served(core: Services) -> None:
    chat = Conversation(core, core.clock)  # type: ignore[arg-type]
    answer = await chat.ask("asdfgh qwerty")
    assert "when is Ada Lovelace's talk? · tell me about Notes on the engine" in answer
    assert "remind lovelace 30m" in await chat.ask("remind")
