"""Hostile text through the router and the real Discord renderer, as properties: whatever
people type or call themselves, as questions, search terms, options, display names, hide
reasons, answers, timezone names, the bot's Discord messages stay within Discord's
limits and nothing from that text is live in them.

"Live" is what ``discord_markdown`` finds reading a message as Discord's client does:
mentions and pills, channel and command links, timestamps, emoji, masked, bare and
angle-bracket links, invites, markdown, headings, quotes, lists, direction overrides.
The only live forms a message may carry are the bot's own: timestamps of real instants
(hostile text only has small ones), bold program titles and day headings in lists, and
the Q&A thread links. Rendering is unit-level (no network): the same ``Formatter`` the
client uses, on the replies the router gives and the Q&A posts it hands the platform.
Hypothesis runs derandomized, 200 examples a property: CI sees the same examples.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.discord.escape import escape
from adapters.discord.render import (
    MAX_AUTHOR,
    MAX_CONTENT,
    MAX_DESCRIPTION,
    MAX_EMBEDS,
    MAX_FIELD_NAME,
    MAX_FIELD_VALUE,
    MAX_TITLE,
    MAX_TOTAL,
    Formatter,
    Rendered,
)
from bot import timefmt
from bot.adapter import PlatformInfo
from bot.answers.context import Ask
from bot.app import open_core
from bot.messages import Button, IncomingMessage, QuestionView, Reply, ThreadRef, UserRef
from bot.qa.service import ANSWERED, HIDDEN, OPEN, _listed, question_text
from bot.reminders import notices
from bot.services import Services
from tests.conftest import make_settings
from tests.discord.discord_markdown import Live, live_forms, shown
from tests.support import ManualClock
from tests.test_hostile_router import COMMAND_NAMES, FREE_TEXT_HEADS, HOSTILE, PIECES, PROPERTY
from tests.test_qa import QA_PROGRAM
from tests.test_reminders import at

MODERATOR_ROLE = "Program committee"  # QA_PROGRAM's moderators
THREAD_LINK = "https://discord.com/channels/1/"
REAL_INSTANTS = 10**9  # Unix time of 2001: the program's times are later, hostile ones not
DIRECTION = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
FORMATTERS = (Formatter(live=False), Formatter(live=True))


class Threads:
    """The Q&A publisher the core sees: keeps every reply it is asked to post or show."""

    info = PlatformInfo("discord")

    def __init__(self) -> None:
        self.replies: list[Reply] = []
        self.count = 0

    async def open_thread(self, channel_id: str, slug: str, title: str, intro: Reply,
                          existing: ThreadRef | None) -> ThreadRef:
        if existing is not None:
            return existing
        self.count += 1
        self.replies.append(intro)
        return ThreadRef("discord", channel_id, str(self.count), url=f"{THREAD_LINK}{self.count}")

    async def publish_question(self, thread: ThreadRef, question: QuestionView,
                               text: Reply, buttons: tuple[Button, ...]) -> str | None:
        self.replies.append(text)
        return f"m{question.id}"

    async def question_changed(self, thread: ThreadRef, question: QuestionView,
                               text: Reply, buttons: tuple[Button, ...]) -> None:
        self.replies.append(text)

    async def publish_answer(self, thread: ThreadRef, question: QuestionView,
                             text: Reply) -> None:
        self.replies.append(text)

    async def votes_on(self, thread: ThreadRef, question: QuestionView) -> set[str] | None:
        return set()


@dataclass
class World:
    core: Services
    threads: Threads
    own_bold: frozenset[str]  # what the bot itself makes bold: titles, names, day headings

    def ask(self) -> Ask:
        snapshot = self.core.catalog.current
        return Ask(snapshot.program, snapshot.index, self.core.clock.now(),
                   snapshot.program.workshop.timezone)


@pytest.fixture
async def world(sqlite_url: str, tmp_path: Path) -> AsyncIterator[World]:
    path = tmp_path / "program.yaml"
    path.write_text(QA_PROGRAM)
    async with open_core(make_settings(sqlite_url, path), ManualClock(at("09:50"))) as core:
        threads = Threads()
        core.qa.attach(threads)
        await core.router.handle(message("setup", name="Chair", command="qa", moderator=True))
        program = core.catalog.current.program
        bold = {item.display_title for item in program.items}
        bold |= {person.name for person in program.people}
        bold |= {timefmt.long_date(day) for day in program.program_days()}
        yield World(core, threads, frozenset(bold))


def message(text: str, *, name: str, command: str | None = None, moderator: bool = False,
            user: str = "u1") -> IncomingMessage:
    return IncomingMessage(UserRef("discord", user, name), text, command=command,
                           roles=(MODERATOR_ROLE,) if moderator else ())


# ---------------------------------------------------------------------- the checks


def texts(rendered: Rendered) -> list[str]:
    """What Discord reads as markdown in a message: content, embed titles, descriptions
    and fields (author names and footers are plain text on Discord)."""
    out = [rendered.content or ""]
    for embed in rendered.embeds:
        out += [embed.title or "", embed.description or ""]
        out += [f"{field.name}" for field in embed.fields]
        out += [f"{field.value}" for field in embed.fields]
    return out


def assert_within_limits(rendered: Rendered) -> None:
    """Discord's limits (a message over any is refused with a 400)."""
    assert rendered.content or rendered.embeds or rendered.attachment, "an empty message"
    assert rendered.content is None or 0 < len(rendered.content) <= MAX_CONTENT
    assert len(rendered.embeds) <= MAX_EMBEDS
    assert sum(len(embed) for embed in rendered.embeds) <= MAX_TOTAL
    for embed in rendered.embeds:
        assert embed.title or embed.description or embed.fields, "an empty embed"
        assert len(embed.title or "") <= MAX_TITLE
        assert len(embed.description or "") <= MAX_DESCRIPTION
        assert len(embed.author.name or "") <= MAX_AUTHOR
        assert len(embed.fields) <= 25
        for field in embed.fields:
            assert 0 < len(field.name or "") <= MAX_FIELD_NAME
            assert 0 < len(field.value or "") <= MAX_FIELD_VALUE


def assert_nothing_live_but_our_own(rendered: Rendered, own_bold: frozenset[str]) -> None:
    for text in texts(rendered):
        for form in live_forms(text):
            assert ours(form, own_bold), f"{form} live in {text!r}"


def ours(form: Live, own_bold: frozenset[str]) -> bool:
    if form.kind == "timestamp":
        return int(form.text[3:].split(":")[0].rstrip(">")) >= REAL_INSTANTS
    if form.kind == "bold":
        return shown(form.text) in own_bold
    if form.kind == "link":
        return form.text.startswith(THREAD_LINK)
    return False


def assert_fit_for_discord(reply: Reply, world: World) -> None:
    for formatter in FORMATTERS:
        rendered = formatter.render(reply)
        assert_within_limits(rendered)
        assert_nothing_live_but_our_own(rendered, world.own_bold)


# ---------------------------------------------------------------------- the properties


@PROPERTY
@given(command=st.sampled_from(COMMAND_NAMES), text=HOSTILE, name=HOSTILE,
       moderator=st.booleans())
async def test_every_command_answer_to_hostile_text_is_fit_for_discord(
        world: World, command: str, text: str, name: str, moderator: bool) -> None:
    """A slash command's option, hostile; what the router answers and posts."""
    world.threads.replies.clear()
    reply = await world.core.router.handle(message(text, name=name, command=command,
                                                   moderator=moderator))
    for shown_reply in (reply, *world.threads.replies):
        assert_fit_for_discord(shown_reply, world)


@PROPERTY
@given(head=st.sampled_from(FREE_TEXT_HEADS), text=HOSTILE, name=HOSTILE,
       moderator=st.booleans())
async def test_every_answer_to_hostile_free_text_is_fit_for_discord(
        world: World, head: str, text: str, name: str, moderator: bool) -> None:
    """A mention or a DM, hostile after a word that picks the answer (search, tz, ask…)."""
    world.threads.replies.clear()
    reply = await world.core.router.handle(message(head + text, name=name,
                                                   moderator=moderator))
    for shown_reply in (reply, *world.threads.replies):
        assert_fit_for_discord(shown_reply, world)


@settings(PROPERTY, max_examples=100)  # five answers and posts an example
@given(question=HOSTILE, asker=HOSTILE, moderator=HOSTILE, answer=HOSTILE, reason=HOSTILE)
async def test_q_and_a_posts_with_hostile_names_answers_and_reasons_are_fit_for_discord(
        world: World, question: str, asker: str, moderator: str, answer: str, reason: str
) -> None:
    """A question asked by someone with a hostile display name, answered and hidden by a
    moderator with one, with a hostile answer and reason: every post, edit and reply."""
    world.threads.replies.clear()
    router = world.core.router
    acknowledged = await router.handle(message(f"keynote: {question}", name=asker,
                                               command="ask", user="asker"))
    replies = [acknowledged]
    number = acknowledged.text.partition("#")[2].partition(" ")[0]
    if number.isdigit():  # recorded (not refused as empty or too long)
        for words in (f"answered {number} {answer}", f"hide {number} {reason}",
                      f"restore {number}", f"answer {number} {answer}"):
            replies.append(await router.handle(message(words, name=moderator, command="qa",
                                                       moderator=True, user="mod")))
        assert world.threads.replies, "the question was posted and its changes shown"
    for shown_reply in (*replies, *world.threads.replies):
        assert_fit_for_discord(shown_reply, world)


@PROPERTY
@given(texts_=st.lists(HOSTILE, min_size=1, max_size=25), asker=HOSTILE, answer=HOSTILE,
       reason=HOSTILE, votes=st.integers(0, 10**6))
def test_question_messages_reminders_and_digests_are_fit_for_discord(
        world: World, texts_: list[str], asker: str, answer: str, reason: str, votes: int
) -> None:
    """The core's builders on their own, with any text where the store could hold it:
    a question's message in each status, a speaker's reminder, a digest."""
    ask = world.ask()
    keynote = ask.program.by_slug["keynote"]
    views = [QuestionView(id=n, item_slug="keynote", item_title=keynote.display_title,
                          text=text, asked_by=asker, status=OPEN, votes=votes,
                          platform="discord", answer=answer, answered_by=asker, reason=reason)
             for n, text in enumerate(texts_, 1)]
    replies = [question_text(ask, replace(view, status=status))
               for view in views[:3] for status in (OPEN, ANSWERED, HIDDEN)]
    listed = [_listed(view) for view in views]
    replies.append(notices.speaker_reminder(ask, keynote, listed[:3]))
    replies.append(notices.digest(ask, keynote, listed))
    for reply in replies:
        assert_fit_for_discord(reply, world)


# ---------------------------------------------------------------------- the escaping itself


@PROPERTY
@given(text=HOSTILE, before=st.sampled_from(("", "x", "• ", "  ", "a\n")))
def test_user_text_escaped_reads_as_typed_and_nothing_in_it_is_live(text: str,
                                                                     before: str) -> None:
    escaped = escape(text, line_start=not before.strip(" ") or before.endswith("\n"))
    assert live_forms(before + escaped) == []
    assert shown(escaped) == text.translate(dict.fromkeys(map(ord, DIRECTION)))


@PROPERTY
@given(text=HOSTILE)
def test_program_text_escaped_keeps_only_its_own_links_live(text: str) -> None:
    escaped = escape(text, links=True)
    assert shown(escaped) == text.translate(dict.fromkeys(map(ord, DIRECTION)))
    for form in live_forms(escaped):
        assert form.kind in ("link", "emoji"), form  # the program's to use
        assert form.text in text


LIVE_PIECES = [piece for piece in PIECES if live_forms(piece)]


def test_the_checker_sees_every_live_piece_the_hostile_text_is_made_of() -> None:
    """The properties above mean something only if the checker finds these raw."""
    assert {"<@1>", "<@!1>", "<@&1>", "<#1>", "</cmd:1>", "<t:1:R>", "<:e:1>", "<a:e:1>",
            "@everyone", "@here", "[x](http://evil.example)", "http://evil.example",
            "discord.gg/evil", ":smile:", "*", "_", "~~", "||", "`", "# ", "-# ", "> ",
            ">>> ", "- ", "1. ", "\u202e", "<http://evil.example|y>"} <= set(LIVE_PIECES)
    for piece in LIVE_PIECES:
        assert live_forms(escape(piece)) == [], piece


def test_a_user_timestamp_of_a_real_instant_is_caught_too() -> None:
    """Hostile text has small timestamps only; a real-looking one is text all the same."""
    stamp = f"<t:{int(datetime(2021, 12, 13, tzinfo=UTC).timestamp())}:R>"
    assert live_forms(stamp) == [Live("timestamp", stamp)]
    assert live_forms(escape(stamp)) == []
