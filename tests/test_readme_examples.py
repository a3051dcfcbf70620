"""Every example in README's "What the bot understands" table works: asked as written,
it gets an answer, not "did not understand", "Nothing matches" or an error. Examples
that name 31C3's rooms ("agenda saal 1") are asked on that program; follow-ups are asked
after a question about one talk, as the table says."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import pytest

from bot.app import open_core
from bot.settings import BUNDLED_PROGRAM
from tests.conftest import make_settings
from tests.support import ROOT, Conversation, ManualClock

README = ROOT / "README.md"
CCC = ROOT / "tests" / "data" / "schedules" / "frab-31c3-2014.xml"
FAILED = ("did not understand", "Nothing matches", "not on the program", "No room or track matches",
          "I could not read")


def table_examples() -> list[tuple[str, str]]:
    """(row, example) for every `command` and "sentence" in the table."""
    text = README.read_text(encoding="utf-8")
    section = text.split("### What the bot understands", 1)[1].split("\n### ", 1)[0]
    table = section.split("\n| ask |", 1)[1].split("\n\n", 1)[0]
    found: list[tuple[str, str]] = []
    for line in table.splitlines():
        if not line.startswith("| ") or line.startswith(("| ask", "| ---")):
            continue
        row, examples = line.strip("| ").split(" | ", 1)
        for example in re.findall(r"`([^`]+)`|\"([^\"]+)\"", examples):
            said = example[0] or example[1]
            if "…" not in said and not said.startswith("There is no"):
                found.append((row, said))
    return found


EXAMPLES = table_examples()


def test_the_table_is_read() -> None:
    rows = {row for row, _ in EXAMPLES}
    assert len(EXAMPLES) > 60
    assert {"the workshop itself", "before and after", "follow-ups", "kinds of things"} <= rows


async def _conversation(database: str, program: Path, at: str) -> AsyncIterator[Conversation]:
    clock = ManualClock(datetime.fromisoformat(at))
    async with open_core(make_settings(database, program), clock) as core:
        yield Conversation(core, clock)


@pytest.fixture
async def bundled(tmp_path: Path) -> AsyncIterator[Conversation]:
    async for chat in _conversation(f"sqlite:///{tmp_path / 'a.db'}", BUNDLED_PROGRAM,
                                    "2021-12-13T08:40:00-08:00"):
        yield chat


@pytest.fixture
async def ccc(tmp_path: Path) -> AsyncIterator[Conversation]:
    async for chat in _conversation(f"sqlite:///{tmp_path / 'b.db'}", CCC,
                                    "2014-12-27T10:00:00+01:00"):
        yield chat


async def test_every_example_is_answered(bundled: Conversation, ccc: Conversation) -> None:
    assert EXAMPLES
    failures = []
    for number, (row, example) in enumerate(EXAMPLES):
        chat = ccc if re.search(r"saal|security track", example, re.IGNORECASE) else bundled
        user = f"reader-{number}"
        if row == "follow-ups":
            await chat.ask("when is the XLA autotuner talk?", user=user)
        answer = await chat.ask(example, user=user)
        if any(marker in answer for marker in FAILED):
            failures.append(f"{row}: {example!r} -> {answer[:160]!r}")
    assert not failures, "\n".join(failures)

