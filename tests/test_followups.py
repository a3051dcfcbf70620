"""Follow-ups refer to the asker's last subject: per platform user, for 10 minutes, in
memory only, and only to a program item, person or instant."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.followups import RecentSubjects
from bot.messages import Card, Reply, UserRef
from tests.support import Conversation

MORNING = "2021-12-13T09:40:00-08:00"


async def test_and_after_that_follows_the_last_answer(chat: Conversation) -> None:
    await chat.ask("when is the XLA autotuner talk?", at=MORNING, user="ana")
    after = await chat.ask("and after that?", user="ana")
    assert after.startswith("After Autotuning a production ML compiler")
    assert "5:00 PM – 5:30 PM PST" in after and "Yuandong Tian" in after
    where = await chat.ask("where?", user="ana")  # now about Tian's talk, the last answer
    assert where.startswith("Learned iterative refinement")
    length = await chat.ask("how long is it?", user="ana")
    assert "30 minutes" in length
    reminder = await chat.ask("remind me", user="ana")
    assert "Learned iterative refinement" in reminder and "remind you" in reminder


async def test_each_asker_has_their_own_subject(chat: Conversation) -> None:
    await chat.ask("when is kraska", at=MORNING, user="ana")
    await chat.ask("when is ceze", user="bob")
    assert "Anima Anandkumar" in await chat.ask("and after that?", user="ana")
    assert "Phitchaya Phothilimtha" in await chat.ask("and after that?", user="bob")
    # the same id on another platform is another person
    other = await chat.ask("who wrote it?", user="ana", platform="slack")
    assert "Kraska" not in other and "ML for Systems" in other


async def test_the_subject_is_forgotten_after_ten_minutes(chat: Conversation) -> None:
    await chat.ask("tell me about compilergym", at=MORNING, user="ana")
    assert "CompilerGym" in await chat.ask("who wrote it?", at="2021-12-13T09:49:00-08:00",
                                           user="ana")
    later = await chat.ask("who wrote it?", at="2021-12-13T10:00:00-08:00", user="ana")
    assert "CompilerGym" not in later  # 11 minutes on: "it" is the workshop again
    assert "ML for Systems" in later


async def test_with_nothing_asked_before_it_means_the_workshop(chat: Conversation) -> None:
    start = await chat.ask("when does it start?", at=MORNING, user="new")
    assert start.startswith("ML for Systems (NeurIPS 2021) starts 9:00 AM PST")
    assert (await chat.ask("where is it held?", user="new2")).startswith(
        "ML for Systems (NeurIPS 2021) is held at NeurIPS 2021")
    nxt = await chat.ask("and after that?", user="new3")  # nothing to follow: what's next
    assert nxt.startswith("Next up:") and "Anima Anandkumar" in nxt


def test_only_references_are_kept_and_the_oldest_go_first() -> None:
    now = datetime(2021, 12, 13, 18, tzinfo=UTC)
    memory = RecentSubjects(capacity=2)
    reply = Reply(lines=(), zone=ZoneInfo("UTC"), now=now,
                  cards=(Card(slug="kraska-talk", kind_label="Talk", title="t"),))
    for name in ("a", "b", "c"):
        memory.remember(UserRef("slack", name), reply, now)
    assert memory.get(UserRef("slack", "a"), now) is None  # over capacity: forgotten
    assert memory.get(UserRef("slack", "c"), now) == "#kraska-talk"
    assert memory.get(UserRef("slack", "c"), now + timedelta(minutes=11)) is None
