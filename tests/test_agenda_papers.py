"""A program file written out of time order, with papers presented in a session
("session: posters"): the agenda shows those papers with their session, not among the
ones without a time slot, and a person's items read in time order wherever listed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import pytest

from bot.app import open_core
from tests.conftest import make_settings
from tests.support import Conversation, ManualClock

# The schedule is not in time order (closing first); Ada's papers come last in the file.
PROGRAM = """
workshop:
  id: demo
  name: Demo Workshop
  date: 2024-05-06
  timezone: Europe/Berlin
schedule:
  - id: closing
    kind: remarks
    title: Closing words
    start: 2024-05-06T17:00:00+02:00
    end: 2024-05-06T17:15:00+02:00
    speakers: [Ada Lovelace]
  - id: keynote
    kind: keynote
    title: Engines of thought
    start: 2024-05-06T09:15:00+02:00
    end: 2024-05-06T10:00:00+02:00
    speakers: [Ada Lovelace]
  - id: posters
    kind: poster
    title: Poster session
    start: 2024-05-06T11:00:00+02:00
    end: 2024-05-06T12:00:00+02:00
papers:
  - id: notes
    title: Notes on the difference engine
    authors: [Ada Lovelace]
  - id: engine
    title: The analytical engine
    authors: [Ada Lovelace, Charles Babbage]
    session: posters
  - id: looms
    title: Punched cards for looms
    authors: [Charles Babbage]
    session: posters
"""


@pytest.fixture
async def chat(tmp_path: Path, sqlite_url: str) -> AsyncIterator[Conversation]:
    program = tmp_path / "demo.yaml"
    program.write_text(PROGRAM)
    clock = ManualClock(datetime.fromisoformat("2024-05-06T08:00:00+02:00"))
    async with open_core(make_settings(sqlite_url, program), clock) as core:
        yield Conversation(core, clock)


def bullets(answer: str) -> list[str]:
    return [line for line in answer.splitlines() if line.startswith("• ")]


async def test_the_agenda_shows_papers_with_their_session(chat: Conversation) -> None:
    answer = await chat.ask("agenda")
    assert bullets(answer) == [
        "• 09:15 – 10:00 CEST · Engines of thought — Ada Lovelace",
        "• 11:00 – 12:00 CEST · Poster session (2 papers)",
        "• 17:00 – 17:15 CEST · Closing words — Ada Lovelace",
    ]
    # Only the paper with no session is without a time slot.
    assert "Plus 1 paper without a time slot: say “papers” to list them." in answer
    assert "Say “when Poster session” for the papers presented in it." in answer
    told = await chat.ask("when Poster session")
    assert "Papers presented here: The analytical engine; Punched cards for looms." in told


async def test_an_agenda_with_every_paper_in_a_session_has_none_without_a_slot(
    tmp_path: Path, sqlite_url: str
) -> None:
    program = tmp_path / "all.yaml"
    program.write_text(PROGRAM.replace("    authors: [Ada Lovelace]\n",
                                       "    authors: [Ada Lovelace]\n    session: posters\n"))
    clock = ManualClock(datetime.fromisoformat("2024-05-06T08:00:00+02:00"))
    async with open_core(make_settings(sqlite_url, program), clock) as core:
        answer = await Conversation(core, clock).ask("agenda")
    assert "without a time slot" not in answer
    assert "• 11:00 – 12:00 CEST · Poster session (3 papers)" in answer


async def test_a_persons_items_are_in_time_order(chat: Conversation) -> None:
    program = chat.core.catalog.current.program
    ada = next(p for p in program.people if p.name == "Ada Lovelace")
    assert [i.slug for i in program.items_of(ada)] == ["keynote", "engine", "closing", "notes"]
    assert [i.slug for i in program.items_of(ada, "author")] == ["engine", "notes"]

    when = await chat.ask("when is Ada Lovelace")
    assert bullets(when) == ["• Engines of thought", "• The analytical engine", "• Closing words"]
    assert "Also an author of: Notes on the difference engine (no time slot)." in when

    who = bullets(await chat.ask("who is Ada Lovelace"))
    assert [line.removeprefix("• ").split(" · ")[-1].split(" — ")[0] for line in who] == [
        "Engines of thought", "The analytical engine", "Closing words",
        "Notes on the difference engine"]

    papers = bullets(await chat.ask("papers by Lovelace"))
    assert papers[0].startswith("• 11:00 – 12:00 CEST · The analytical engine")
    assert papers[1].startswith("• Notes on the difference engine")
