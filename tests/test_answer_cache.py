"""The answer cache: the same question in the same second is answered (and rendered) once,
and nothing a person changed, no new second and no new program is ever answered from it.

The router tests use the bundled program at a manual clock (see ``test_conversation``);
the last ones drive the caches alone with a fake real-time clock.
"""

from __future__ import annotations

from datetime import UTC, datetime

from bot.answer_cache import AnswerCache, RenderCache
from bot.app import open_core
from bot.messages import Reply
from bot.render_text import render
from bot.store import qa as store
from bot.store.database import Database
from bot.store.program_sync import load_program
from tests.conftest import make_settings
from tests.support import Conversation, ManualClock

MORNING = "2021-12-13T10:15:00-08:00"


async def test_the_same_question_in_the_same_second_gets_the_same_reply(chat: Conversation
                                                                        ) -> None:
    first = await chat.reply("what's next?", at=MORNING, user="alice")
    again = await chat.reply("what's next?", user="bob")
    assert again is first
    assert "Michael Carbin" in render(again)
    other = await chat.reply("when is kraska", user="bob")
    assert other is not first and "Tim Kraska" in render(other)


async def test_a_new_second_works_the_answer_out_again(chat: Conversation) -> None:
    first = await chat.reply("what's next?", at=MORNING)
    later = await chat.reply("what's next?", at="2021-12-13T10:16:00-08:00")
    assert later is not first
    assert "(in 30 min)" in render(first) and "(in 29 min)" in render(later)
    one_second_on = await chat.reply("what's next?", at="2021-12-13T10:16:01-08:00")
    assert one_second_on is not later


async def test_a_zone_saved_in_the_same_second_is_used_at_once(chat: Conversation) -> None:
    assert "10:45 AM" in await chat.ask("what's next?", at=MORNING, user="bob")
    assert "Europe/Berlin" in await chat.ask("tz Europe/Berlin", user="bob")
    assert "19:45 – 20:20 CET" in await chat.ask("what's next?", user="bob")
    assert "10:45 AM" in await chat.ask("what's next?", user="alice")  # others keep theirs
    # An explicit zone for one message (the CLI's --tz) is part of the question too.
    assert "18:45 – 19:20 GMT" in await chat.ask("what's next?", user="alice",
                                                 tz="Europe/London")


async def test_personal_answers_are_never_kept(chat: Conversation) -> None:
    assert "You have no reminders" in await chat.ask("my reminders", at=MORNING)
    assert "remind you" in await chat.ask("remind me about carbin")
    assert "Carbin" in await chat.ask("my reminders")  # the same second: read again


async def test_each_platform_has_its_own_answers(chat: Conversation) -> None:
    on_test = await chat.reply("about compilergym", at=MORNING)
    on_slack = await chat.reply("about compilergym", platform="slack")
    assert on_slack is not on_test  # each may link a Q&A thread of its own platform


async def test_a_reloaded_program_is_answered_from_at_once(chat: Conversation) -> None:
    first = await chat.reply("what's next?", at=MORNING)
    slug = chat.core.catalog.current.program.workshop.slug
    chat.core.catalog.replace(await load_program(chat.core.db, slug))
    assert await chat.reply("what's next?") is not first


async def test_with_the_cache_off_every_answer_is_worked_out(sqlite_url: str) -> None:
    clock = ManualClock(datetime.fromisoformat(MORNING))
    async with open_core(make_settings(sqlite_url, bot_answer_cache=False), clock) as core:
        chat = Conversation(core, clock)
        first = await chat.reply("what's next?")
        again = await chat.reply("what's next?")
    assert again is not first and render(again) == render(first)


# -- the caches alone ------------------------------------------------------------------


class Ticker:
    """Real seconds, moved by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def reply(text: str) -> Reply:
    return Reply(lines=((text,),), zone=UTC, now=datetime(2021, 12, 13, tzinfo=UTC), text=text)


def test_the_answer_cache_forgets_at_every_new_epoch_and_real_second() -> None:
    ticker = Ticker()
    cache = AnswerCache(real_seconds=ticker)
    epoch = ("program", 1639419300, 0)
    assert cache.get(epoch, "next") is None
    kept = reply("next")
    cache.put(epoch, "next", kept)
    assert cache.get(epoch, "next") is kept
    assert cache.get(("program", 1639419301, 0), "next") is None  # the clock's next second
    assert cache.get(("program", 1639419301, 0), "next") is None  # nothing carried over
    cache.put(("program", 1639419301, 0), "next", kept)
    ticker.now += 1.0  # a standing (rehearsal) clock: real time still ends the second
    assert cache.get(("program", 1639419301, 0), "next") is None


def test_a_reply_worked_out_across_a_second_is_not_kept() -> None:
    ticker = Ticker()
    cache = AnswerCache(real_seconds=ticker)
    epoch = ("program", 1, 0)
    assert cache.get(epoch, "next") is None
    ticker.now += 1.0  # the answer took the second's end
    cache.put(epoch, "next", reply("late"))
    assert cache.get(epoch, "next") is None


def test_the_answer_cache_is_bounded() -> None:
    cache = AnswerCache(limit=3, real_seconds=Ticker())
    epoch = ("program", 1, 0)
    cache.get(epoch, "first")
    replies = {name: reply(name) for name in ("a", "b", "c", "d")}
    for name, value in replies.items():
        cache.put(epoch, name, value)
    assert cache.get(epoch, "d") is replies["d"]
    assert cache.get(epoch, "a") is None  # the fourth distinct question started over


def test_the_render_cache_renders_each_reply_object_once() -> None:
    rendered: list[str] = []

    def render_it(value: Reply) -> str:
        rendered.append(value.text)
        return value.text.upper()

    cache = RenderCache(render_it, limit=2)
    one, equal_twin, two, three = reply("one"), reply("one"), reply("two"), reply("three")
    assert cache(one) == "ONE" and cache(one) == "ONE"
    assert rendered == ["one"]
    assert cache(equal_twin) == "ONE" and rendered == ["one", "one"]  # by identity only
    cache(two)
    cache(three)  # over the limit: the oldest ("one") is dropped
    assert cache(three) == "THREE" and rendered == ["one", "one", "two", "three"]
    cache(one)
    assert rendered[-1] == "one"


async def test_threads_saved_by_another_process_end_the_epoch(chat: Conversation) -> None:
    """A thread saved elsewhere (``workshop-bot qa setup``, another instance) bumps the
    database's Q&A revision; once the bot has read it (its poll), no answer from before is
    given again, though the bot's clock and the real second stand still."""
    chat.core.router.answers = AnswerCache(real_seconds=lambda: 0.0)
    first = await chat.reply("about compilergym", at=MORNING)
    assert "Questions for the speakers" not in render(first)
    assert await chat.reply("about compilergym") is first
    item = chat.core.catalog.current.program.by_slug["compilergym"]
    other = Database(chat.core.settings.database_url)  # the other process's connection
    try:
        await store.save_thread(other, item.id, "test", "C1", "T1", None,
                                "https://chat.example/T1", chat.clock.now())
    finally:
        await other.dispose()
    await chat.core.qa.poll_threads()
    linked = await chat.reply("about compilergym")
    assert linked is not first
    assert render(linked).endswith("Questions for the speakers: https://chat.example/T1")
    assert await chat.reply("about compilergym") is linked  # cached again, at the new revision
