"""The core's decisions on the typed events adapters hand it (``bot/core.py``), each made
once per event: whether a message is for the bot or a Q&A question, whether an answer is
private, which timezone applies, whether the asker's roles are needed (and then read
once), whether a reaction is a vote. Real core, real SQLite file; the platforms are the
events themselves (the adapters' own translation is tested in ``tests/*/test_inbound.py``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.app import open_core
from bot.events import (
    THUMBS_UP,
    ButtonPress,
    Command,
    Message,
    Place,
    Reaction,
    Standing,
)
from bot.messages import UserRef
from bot.render_text import render
from bot.router import Router
from bot.services import Services
from bot.store import qa as store
from bot.store import subscriptions
from tests.conftest import make_settings
from tests.support import ManualClock
from tests.test_qa import MOD, QA_PROGRAM, RecordingPublisher
from tests.test_reminders import at

ALICE = UserRef("discord", "alice", "Alice")
CHANNEL = Place("C-general")


class Lookups:
    """A standing lookup that counts its calls and what the core asked it for."""

    def __init__(self, standing: Standing | None = None) -> None:
        self.standing = standing or Standing()
        self.asked: list[tuple[str, ...]] = []

    async def __call__(self, groups: tuple[str, ...]) -> Standing:
        self.asked.append(groups)
        return self.standing


@pytest.fixture
async def services(sqlite_url: str, tmp_path: Path) -> AsyncIterator[Services]:
    path = tmp_path / "program.yaml"
    path.write_text(QA_PROGRAM)
    async with open_core(make_settings(sqlite_url, path), ManualClock(at("09:30"))) as opened:
        opened.qa.attach(RecordingPublisher())
        yield opened


async def qa_thread(services: Services) -> str:
    lookup = Lookups(Standing(MOD["roles"]))
    reply = await services.core.receive(Command(ALICE, "qa", "setup", CHANNEL, standing=lookup))
    assert reply is not None and "3 created" in render(reply)
    publisher = services.qa.publishers["discord"]
    assert isinstance(publisher, RecordingPublisher)
    return publisher.threads["keynote"].thread_id


async def test_a_message_in_a_qa_thread_is_a_question_mention_or_not(services: Services) -> None:
    thread = await qa_thread(services)
    core = services.core
    for addressed, ref in ((False, "m-1"), (True, "m-2")):
        reply = await core.receive(Message(ALICE, f"How fast? {ref}", Place("C-qa", thread),
                                           addressed=addressed, ref=ref))
        assert reply is not None and render(reply).startswith("Thanks! Your question is #")
    assert [q.message_ref for q, _ in await store.questions(services.db)] == ["m-1", "m-2"]
    again = await core.receive(Message(ALICE, "How fast? m-1", Place("C-qa", thread),
                                       addressed=False, ref="m-1"))
    assert again is None  # the platform sent the same message twice: one question
    discussion = await core.receive(Message(ALICE, "Good point", Place("C-qa", thread),
                                            addressed=False, ref="m-3", top_level=False))
    assert discussion is None
    assert len(await store.questions(services.db)) == 2


async def test_a_message_elsewhere_is_answered_only_when_addressed(services: Services) -> None:
    core = services.core
    for place in (CHANNEL, Place("C-general", "some-thread")):
        assert await core.receive(Message(ALICE, "when is turing", place, addressed=False,
                                          ref="m-9")) is None
        reply = await core.receive(Message(ALICE, "when is turing", place, addressed=True,
                                           ref="m-9"))
        assert reply is not None and "Alan Turing" in render(reply)
    assert await store.questions(services.db) == []


async def test_a_dm_remembers_its_channel_for_reminders(services: Services) -> None:
    await services.core.receive(Message(ALICE, "what's next?", Place("D-77", None, True),
                                        addressed=True, ref="m-1"))
    assert await services.core.direct_channel("discord", "alice") == "D-77"  # at once
    await services.direct_channels.written()  # the write did not hold the answer up
    assert await subscriptions.direct_channel(services.db, "discord", "alice") == "D-77"


async def test_an_answer_to_a_command_is_private_unless_asked_for_in_public(
        services: Services) -> None:
    core = services.core

    async def private(event: Command | ButtonPress) -> bool | None:
        reply = await core.receive(event)
        assert reply is not None
        return reply.private

    assert await private(Command(ALICE, "next", "", CHANNEL)) is True
    assert await private(Command(ALICE, "next", "", CHANNEL, public=True)) is False
    # an answer that is the asker's alone stays private even when asked in public
    assert await private(Command(ALICE, "agenda-ics", "", CHANNEL, public=True)) is True
    assert await private(ButtonPress(ALICE, "remind", "keynote", CHANNEL)) is True
    # Slack's one command: the text says what is asked
    assert await private(Command(ALICE, "", "when is turing", CHANNEL, public=True)) is False


async def test_roles_are_read_only_for_what_needs_them_and_once(
        services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    core = services.core
    readings: list[str] = []
    understand = Router.understand

    def counting(self: Router, message):  # type: ignore[no-untyped-def]
        readings.append(message.text)
        return understand(self, message)

    monkeypatch.setattr(Router, "understand", counting)
    for text in ("what's next?", "when is kraska", "ask engines: does it scale?"):
        lookup = Lookups()
        await core.receive(Message(ALICE, text, CHANNEL, addressed=True, ref="m",
                                   standing=lookup))
        assert lookup.asked == [], text
    moderator = Lookups(Standing(MOD["roles"]))
    reply = await core.receive(Message(ALICE, "qa pending", CHANNEL, addressed=True, ref="m",
                                       standing=moderator))
    assert reply is not None and "Only moderators" not in render(reply)
    assert moderator.asked == [("Program committee",)]  # the program's Discord moderators
    attendee = Lookups()
    refused = await core.receive(Command(ALICE, "qa", "pending", CHANNEL, standing=attendee))
    assert refused is not None and render(refused).startswith("Only moderators")
    assert len(attendee.asked) == 1
    assert readings == ["what's next?", "when is kraska", "ask engines: does it scale?",
                        "qa pending", "pending"]  # each message read once


async def test_the_zone_rule_is_one(services: Services) -> None:
    core = services.core
    assert await core.zone_of(ALICE) == core.program.workshop.timezone  # the program's
    await core.receive(Command(ALICE, "tz", "Asia/Tokyo", CHANNEL))
    assert await core.zone_of(ALICE) == ZoneInfo("Asia/Tokyo")
    reply = await core.receive(Message(ALICE, "what's next?", CHANNEL, addressed=True, ref="m"))
    assert reply is not None and reply.zone == ZoneInfo("Asia/Tokyo")
    given = await core.receive(Message(ALICE, "what's next?", CHANNEL, addressed=True, ref="m",
                                       zone=ZoneInfo("America/Lima")))
    assert given is not None and given.zone == ZoneInfo("America/Lima")  # "--tz" wins


async def test_a_thumbs_up_by_a_person_on_a_question_is_a_vote(services: Services) -> None:
    thread = await qa_thread(services)
    core = services.core
    await core.receive(Message(ALICE, "How fast?", Place("C-qa", thread), addressed=False,
                               ref="m-1"))
    bob = UserRef("discord", "bob")
    in_thread = Place(None, thread)
    for reaction in (Reaction(bob, "🎉", "m-1", in_thread, added=True),
                     Reaction(bob, THUMBS_UP, "m-1", in_thread, added=True, by_bot=True),
                     Reaction(bob, THUMBS_UP, "m-1", Place(None, "other-thread"), added=True)):
        assert await core.receive(reaction) is None
    assert await store.vote_count(services.db, 1) == 0
    await core.receive(Reaction(bob, THUMBS_UP, "m-1", in_thread, added=True))
    assert await store.vote_count(services.db, 1) == 1
    # a platform that does not say the thread (Slack): the message finds its question
    carol = UserRef("discord", "carol")
    await core.receive(Reaction(carol, THUMBS_UP, "m-1", Place("C-qa"), added=True))
    assert await store.vote_count(services.db, 1) == 2
    await core.receive(Reaction(bob, THUMBS_UP, "m-1", in_thread, added=False))
    assert await store.vote_count(services.db, 1) == 1


async def test_an_event_delivered_twice_is_acted_on_once_and_chatter_costs_no_check(
        services: Services) -> None:
    core, receipts = services.core, services.receipts
    chatter = Message(ALICE, "lunch anyone?", CHANNEL, addressed=False, delivery="Ev-1")
    assert await core.receive(chatter) is None
    assert receipts.checked == 0  # not for the bot: nothing to act on, nothing to check
    asked = Message(ALICE, "when is turing", CHANNEL, addressed=True, delivery="Ev-2")
    first = await core.receive(asked)
    assert first is not None and "Alan Turing" in render(first)
    assert await core.receive(asked) is None  # Slack's retry: answered already
    command = Command(ALICE, "", "when is turing", CHANNEL, delivery="trigger-1")
    assert await core.receive(command) is not None
    assert await core.receive(command) is None
    assert (receipts.checked, receipts.repeats) == (4, 2)
    assert not receipts.shared  # SQLite: one process, the memory is enough
