"""The router over hostile text, as a property: whatever is typed, as free text, as any
command's option or as a display name, the core answers without raising, and every
reply's text stays within the core's 2,000-character budget.

The text is drawn from pieces rich in what chat platforms read as more than text:
Discord's mentions, pills, timestamps, emoji, masked and bare links, markdown and line
markers, Slack's ``<!here>`` and ``<@U1|x>`` forms, zero-width and direction-override
characters, emoji, newlines, and long runs. The renderers' own property tests
(``tests/discord/test_hostile_text.py``) draw from the same pieces. Hypothesis runs
derandomized with a moderate number of examples, so CI sees the same examples every run.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.app import open_core
from bot.intents import COMMANDS
from bot.messages import IncomingMessage, Reply, UserRef
from bot.render_text import MAX_CHARS, render
from bot.services import Services
from tests.conftest import WORKSHOP_MORNING, make_settings
from tests.support import ManualClock

PIECES = (
    "[x](http://evil.example)", "[login](https://evil.example/login)", "[a](<http://y>)",
    "<@1>", "<@!1>", "<@&1>", "<#1>", "</cmd:1>", "</qa top:1>", "<t:1:R>", "<t:99>",
    "<:e:1>", "<a:e:1>", "<id:customize>", "<http://evil.example|y>", "<https://evil.example>",
    "@everyone", "@here", "<!here>", "<!channel>", "<@U1|x>", "<!subteam^S1>",
    "http://evil.example", "https://evil.example/a_b*c", "steam://x", "discord.gg/evil",
    ":smile:", ":+1:", "*", "**", "_", "__", "~~", "||", "`", "```", "\\", "&", "&amp;",
    "#", "# ", "## ", "### ", "-# ", "> ", ">>> ", "- ", "* ", "1. ", "+ ",
    "\n", "\n\n", " ", "\t", ";", "; ", ":", "/", "(", ")", "]", "[", "<", ">", "|",
    "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u202e", "\u202d", "\u2066", "\u2067",
    "\u2068", "\u2069", "\u200f", "\u061c", "🎉", "👍", "👨\u200d👩\u200d👧", "é", "ｅ",
    "kraska", "keynote", "engines", "Europe/Berlin", "today", "day 1", "12", "0",
)
LETTERS = "aeiou xyz.,!?-_*#@:<>/|`~"


def hostile_text(max_pieces: int = 24) -> st.SearchStrategy[str]:
    """Short hostile strings, mostly; now and then a long run of one piece."""
    short = st.lists(st.one_of(st.sampled_from(PIECES), st.text(LETTERS, max_size=3)),
                     max_size=max_pieces).map("".join)
    long = st.tuples(st.sampled_from(PIECES), st.integers(50, 600)).map(
        lambda piece_times: piece_times[0] * piece_times[1])
    return st.one_of(short, short, short, long)


HOSTILE = hostile_text()
# Where a person's text goes in: a command's option (as a slash command sends it) or
# free text after a word that picks an answer.
COMMAND_NAMES = sorted(COMMANDS)
FREE_TEXT_HEADS = ("", "when is ", "who is ", "about ", "search ", "tz ", "remind ",
                   "remind cancel ", "agenda ", "papers by ", "ask ", "ask anonymous ",
                   "qa top ", "qa pending ", "qa export ", "qa hide 1 ", "qa answer 1 ",
                   "qa answered 1 ", "qa upvote ")
PROPERTY = settings(max_examples=200, derandomize=True, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


def within_budget(reply: Reply) -> None:
    """The core's promise to every adapter: one text, fitted, within 2,000 characters."""
    assert reply.text, "every reply carries its fitted text"
    assert len(reply.text) <= MAX_CHARS
    assert render(reply) == reply.text


@pytest.fixture
async def core(sqlite_url: str, tmp_path: Path) -> AsyncIterator[Services]:
    """The Q&A program (threads, moderators) on SQLite; hostile users ask, moderate and
    name themselves there."""
    from tests.test_qa import QA_PROGRAM
    from tests.test_reminders import at

    path = tmp_path / "program.yaml"
    path.write_text(QA_PROGRAM)
    async with open_core(make_settings(sqlite_url, path), ManualClock(at("09:50"))) as opened:
        keynote = opened.catalog.current.program.by_slug["keynote"]
        asked = await opened.qa.ask(keynote, UserRef("discord", "u0", "Ada"), "Steam?")
        assert asked.question is not None and asked.question.id == 1  # for "qa hide 1 …"
        yield opened


@pytest.fixture
async def bundled(sqlite_url: str) -> AsyncIterator[Services]:
    """The bundled program (many items, people and papers) on SQLite."""
    clock = ManualClock(datetime.fromisoformat(WORKSHOP_MORNING))
    async with open_core(make_settings(sqlite_url), clock) as opened:
        yield opened


def message(text: str, *, name: str, command: str | None = None,
            moderator: bool = False) -> IncomingMessage:
    return IncomingMessage(UserRef("discord", "u1", name), text, command=command,
                           roles=("Program committee",) if moderator else ())


@PROPERTY
@given(command=st.sampled_from(COMMAND_NAMES), text=HOSTILE, name=HOSTILE,
       moderator=st.booleans())
async def test_any_command_with_any_option_is_answered_within_the_budget(
        core: Services, command: str, text: str, name: str, moderator: bool) -> None:
    reply = await core.router.handle(message(text, name=name, command=command,
                                             moderator=moderator))
    within_budget(reply)


@PROPERTY
@given(head=st.sampled_from(FREE_TEXT_HEADS), text=HOSTILE, name=HOSTILE,
       moderator=st.booleans())
async def test_any_free_text_is_answered_within_the_budget(
        core: Services, head: str, text: str, name: str, moderator: bool) -> None:
    reply = await core.router.handle(message(head + text, name=name, moderator=moderator))
    within_budget(reply)


@PROPERTY
@given(head=st.sampled_from(FREE_TEXT_HEADS[:10]), text=HOSTILE)
async def test_the_bundled_program_answers_any_text_within_the_budget(
        bundled: Services, head: str, text: str) -> None:
    reply = await bundled.router.handle(message(head + text, name="x"))
    within_budget(reply)
