"""Answers on a real multi-room, multi-day program: 31C3's 138 events in four rooms over
four days, read from frab's XML and shown in Berlin time."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import datetime

import pytest

from bot.app import open_core
from bot.render_text import MAX_CHARS
from tests.conftest import make_settings
from tests.support import Conversation, ManualClock
from tests.test_importers import DATA

BUSY = "2014-12-28T14:10:00+01:00"  # day 2: four talks at once
ROOMS = ("Saal 1", "Saal 2", "Saal 6", "Saal G")


@pytest.fixture
async def congress(sqlite_url: str) -> AsyncIterator[Conversation]:
    clock = ManualClock(datetime.fromisoformat(BUSY))
    settings = make_settings(sqlite_url, DATA / "frab-31c3-2014.xml",
                             bot_program_timezone="Europe/Berlin")
    async with open_core(settings, clock) as core:
        yield Conversation(core, clock)


def bullets(answer: str) -> list[str]:
    return [line for line in answer.splitlines() if line.startswith("• ")]


async def test_whats_on_now_lists_every_room(congress: Conversation) -> None:
    answer = await congress.ask("what's on now?")
    assert answer.splitlines()[0] == "On now, in 4 rooms:"
    lines = bullets(answer)
    assert len(lines) == 4
    assert sorted(re.search(r" · (Saal \w) · ", line)[1] for line in lines) == list(ROOMS)  # type: ignore[index]
    assert "• 14:00 – 15:00 CET (now, ends in 50 min) · Saal 2 · Cyber Necromancy — Joseph " \
           "Tartaro, Matthew Halchyshak" in lines


async def test_whats_next_gives_the_next_start_in_each_room(congress: Conversation) -> None:
    answer = await congress.ask("what's next?", at="2014-12-28T15:10:00+01:00")
    assert answer.splitlines()[0] == "Next in each room:"
    lines = bullets(answer)
    assert len(lines) == 4
    assert all(line.startswith("• 16:00 – ") for line in lines)
    assert sorted(re.search(r" · (Saal \w) · ", line)[1] for line in lines) == list(ROOMS)  # type: ignore[index]


async def test_who_is_speaking_at_a_time_lists_the_rooms(congress: Conversation) -> None:
    answer = await congress.ask("who is speaking at 14:15?")
    assert answer.startswith("At 14:15 CET, in 4 rooms:")
    assert len(bullets(answer)) == 4
    gap = await congress.ask("who is speaking at 11:00")  # day 2 starts at 11:30: a gap
    assert gap.startswith("Nothing is on at 11:00 CET.")


async def test_agenda_is_the_current_conference_day_late_night_included(
        congress: Conversation) -> None:
    night = await congress.ask("agenda", at="2014-12-28T00:30:00+01:00")  # still day 1
    assert "(day 1 of 4)" in night.splitlines()[0]
    day = await congress.ask("agenda", at="2014-12-28T10:00:00+01:00")
    assert "(day 2 of 4)" in day.splitlines()[0]
    assert await congress.ask("agenda tomorrow", at="2014-12-28T00:30:00+01:00") == \
        await congress.ask("agenda day 2", at="2014-12-28T00:30:00+01:00")
    everything = await congress.ask("agenda all")
    assert "…and " in everything and "agenda day 2" in everything
    grouped = (await congress.ask("agenda all entertainment track")).splitlines()
    # grouped by conference day: the film at midnight belongs to the first evening
    assert grouped[1:3] == ["Saturday 27 December 2014:",
                            "• 00:00 – 02:15 CET · Saal 1 · Citizenfour — Laura Poitras"]
    assert grouped[3] == "Sunday 28 December 2014:"


async def test_agenda_for_a_room_or_a_track(congress: Conversation) -> None:
    room = await congress.ask("agenda saal g")
    lines = bullets(room)
    assert lines and all(" · Saal G · " in line for line in lines)
    assert "· Saal G (day 2 of 4)" in room.splitlines()[0]
    track = await congress.ask("what's on the security track today?")
    assert "Security & Hacking" in track.splitlines()[0]
    assert "• 23:00 – 23:30 CET · Saal 1 · The Matter of Heartbleed — Zakir Durumeric" in track
    nowhere = await congress.ask("agenda basement")
    assert "No room or track matches “basement”; rooms: Saal 1" in nowhere
    assert (await congress.ask("agenda day 9")).startswith(
        "The program has 4 days (Sat 27 Dec, Sun 28 Dec, Mon 29 Dec, Tue 30 Dec), so there is "
        "no day 9")


QUESTIONS = (
    "agenda all", "agenda", "agenda tomorrow", "agenda day 3", "what's on now", "what's next",
    "search the", "search security", "papers", "help", "who is speaking at 16:00",
    "when is Richard Stallman's talk", "tell me about heartbleed", "who is erdgeist",
    "agenda all saal 1", "agenda ethics track", "search a", "lightning talks",
)


@pytest.mark.parametrize("question", QUESTIONS)
async def test_every_answer_fits_one_message(congress: Conversation, question: str) -> None:
    reply = await congress.reply(question)
    assert len(reply.text) <= MAX_CHARS
    if reply.more:
        assert f"…and {reply.more} more." in reply.text


async def test_search_ranks_title_matches_first(congress: Conversation) -> None:
    answer = await congress.ask("search heartbleed")
    lines = bullets(answer)
    assert len(lines) >= 2
    titled = [("heartbleed" in line.casefold().split(" — ")[0]) for line in lines]
    assert titled[:2] == [True, True]
    assert titled == sorted(titled, reverse=True)  # every title match before the others


async def test_a_time_means_the_nearest_such_time(congress: Conversation) -> None:
    tonight = await congress.ask("what's on at 00:30", at="2014-12-28T22:00:00+01:00")
    assert tonight.startswith("At Mon 29 Dec, 00:30 CET, in 2 rooms:")
    assert "Fnord News Show" in tonight and "Citizenfour" not in tonight


async def test_names_that_are_whole_titles_or_kinds(congress: Conversation) -> None:
    exact = await congress.ask("about Fnord News Show")
    assert exact.startswith("• Fnord News Show\n")  # not also "(Stream)": it was asked for
    assert (await congress.ask("when is the keynote?")).startswith("• 31C3 Keynote\n")


async def test_now_and_next_in_one_room_or_track(congress: Conversation) -> None:
    room = await congress.ask("what's on right now in saal 2")
    assert room.startswith("On now in Saal 2:\n• Cyber Necromancy")
    track = await congress.ask("what's next on the security track?")
    assert track.startswith("Next in Security & Hacking:\n• Finding the Weak Crypto Needle")


async def test_search_counts_every_result(congress: Conversation) -> None:
    reply = await congress.reply("search the")
    total = int(reply.text.split(" ", 1)[0])
    assert total == len(reply.cards) + reply.more > len(reply.cards)
    assert "Add a word to narrow the search." in reply.text
