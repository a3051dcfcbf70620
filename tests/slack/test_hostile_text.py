"""Hostile text through the router and the real Slack renderer, as properties: whatever
people type or call themselves, as questions, search terms, command options, Q&A
questions, display names, hide reasons, answers and timezone names, every message the
bot makes for Slack stays within the core's 2,000-character budget and Block Kit's
limits, and nothing from that text is live in it.

"Live" is what ``slack_mrkdwn`` finds reading the mrkdwn as Slack's client does:
mentions (``<@U…>``, ``<!here>``, ``<!subteam^…>``, "@channel"), channel links, links,
date tokens, bold, italics, strikes, code, quotes and direction overrides. The only live
forms a message may carry are the bot's own, made from program data: date tokens of the
reply's own times, a card's link and the Q&A thread link, a card's title in bold and its
note in italics, a day's heading in bold. Text comes in as Slack sends it (its markup,
``&amp;`` and all, read by ``inbound.typed_text``) and is drawn from the router's hostile
pieces plus Slack's own forms. Rendering is unit-level (no network): ``render.to_message``
on the replies the router gives and on the Q&A posts it hands the platform. Hypothesis
runs derandomized with a moderate number of examples, so CI sees the same ones.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.slack import inbound, render
from bot import timefmt
from bot.adapter import PlatformInfo
from bot.answers.context import Ask
from bot.app import open_core
from bot.events import Message, Place
from bot.messages import (
    Button,
    IncomingMessage,
    Moment,
    QuestionView,
    Reply,
    ThreadRef,
    UserRef,
)
from bot.qa.service import ANSWERED, HIDDEN, OPEN, _listed, question_text
from bot.reminders import notices
from bot.services import Services
from bot.store import qa as store
from tests.conftest import WORKSHOP_MORNING, make_settings
from tests.fakes.slack_server import block_kit_problems
from tests.slack.slack_mrkdwn import DIRECTION, WORD_JOINER, Live, live_forms, shown
from tests.slack.test_qa import QA, SLACK_QA_PROGRAM
from tests.support import ManualClock
from tests.test_hostile_router import COMMAND_NAMES, FREE_TEXT_HEADS, PIECES, PROPERTY
from tests.test_reminders import at

BOT_USER = "U0BOT"
MODERATOR = "U0MOD"  # SLACK_QA_PROGRAM's moderator by id
THREAD_LINK = f"https://fake.slack.com/archives/{QA}/p"
SLACK_PIECES = (
    "<@U123>", "<@U123|alice>", "<@W9>", f"<@{BOT_USER}>", "<!channel>", "<!here>",
    "<!here|here>", "<!everyone>", "<!subteam^S1>", "<!subteam^S1|@team>", "<#C1>",
    "<#C1|general>", "<http://x|y>", "<http://evil.example/login|Log in>",
    "<mailto:a@b.org|a@b.org>", "<!date^1639421100^{time}|now>", "*bold*", "_it_", "~s~",
    "`code`", "```", "```block```", ">quote", "> ", "&gt; ", "&lt;!channel&gt;", "&amp;",
    "&lt;", "&gt;", "&", "<", ">", "#general", "@channel", "@here", "@everyone", ":tada:",
    "\u200b", "\u2060", "\u202e", "\u2067", "🎉", "\n", "public", "agenda", "kraska",
)
LETTERS = "aeiou xyz.,!?-_*~`#@:<>/|&"


def hostile_text(max_pieces: int = 24) -> st.SearchStrategy[str]:
    """Short hostile strings, mostly; now and then a long run of one piece."""
    piece = st.sampled_from(PIECES + SLACK_PIECES)
    short = st.lists(st.one_of(piece, st.text(LETTERS, max_size=3)),
                     max_size=max_pieces).map("".join)
    long = st.tuples(piece, st.integers(50, 600)).map(lambda pair: pair[0] * pair[1])
    return st.one_of(short, short, short, long)


HOSTILE = hostile_text()


class Threads:
    """The Q&A publisher the core sees: renders every post and edit it is handed, with
    its buttons, as the Slack adapter does."""

    info = PlatformInfo("slack")

    def __init__(self) -> None:
        self.posted: list[tuple[Reply, tuple[Button, ...]]] = []
        self.count = 0

    async def open_thread(self, channel_id: str, slug: str, title: str, intro: Reply,
                          existing: ThreadRef | None) -> ThreadRef:
        if existing is not None:
            return existing
        self.count += 1
        self.posted.append((intro, ()))
        ts = f"1715000000.{self.count:06d}"
        return ThreadRef("slack", channel_id, ts, ts,
                         url=f"{THREAD_LINK}{ts.replace('.', '')}")

    async def publish_question(self, thread: ThreadRef, question: QuestionView,
                               text: Reply, buttons: tuple[Button, ...]) -> str | None:
        self.posted.append((text, buttons))
        return f"1715000001.{question.id:06d}"

    async def question_changed(self, thread: ThreadRef, question: QuestionView,
                               text: Reply, buttons: tuple[Button, ...]) -> None:
        self.posted.append((text, buttons))

    async def publish_answer(self, thread: ThreadRef, question: QuestionView,
                             text: Reply) -> None:
        self.posted.append((text, ()))

    async def votes_on(self, thread: ThreadRef, question: QuestionView) -> set[str] | None:
        return set()


@dataclass
class World:
    core: Services
    threads: Threads
    keynote_thread: str

    def ask(self) -> Ask:
        snapshot = self.core.catalog.current
        return Ask(snapshot.program, snapshot.index, self.core.clock.now(),
                   snapshot.program.workshop.timezone)


@pytest.fixture
async def world(sqlite_url: str, tmp_path: Path) -> AsyncIterator[World]:
    """The Slack Q&A program, its threads set up; hostile people ask and moderate there."""
    path = tmp_path / "program.yaml"
    path.write_text(SLACK_QA_PROGRAM)
    async with open_core(make_settings(sqlite_url, path), ManualClock(at("09:50"))) as core:
        threads = Threads()
        core.qa.attach(threads)
        await core.router.handle(message("setup", name="Chair", command="qa",
                                         user=MODERATOR))
        keynote = core.catalog.current.program.by_slug["keynote"]
        [thread] = [t for t in await store.threads(core.db, "slack") if t.item_id == keynote.id]
        yield World(core, threads, thread.thread_id)


@pytest.fixture
async def bundled(sqlite_url: str) -> AsyncIterator[Services]:
    """The bundled program (many talks, people and papers): long answers, many times."""
    clock = ManualClock(datetime.fromisoformat(WORKSHOP_MORNING))
    async with open_core(make_settings(sqlite_url), clock) as core:
        yield core


def message(raw: str, *, name: str, command: str | None = None, user: str = "U0ALICE",
            thread: str | None = None) -> IncomingMessage:
    """What the adapter makes of a Slack message or command: the typed words read from
    Slack's markup, the sender's name as Slack gives it."""
    return IncomingMessage(UserRef("slack", user, name), inbound.typed_text(raw, BOT_USER),
                           command=command, channel_id=QA if thread else "C0GENERAL",
                           thread_id=thread)


# ---------------------------------------------------------------------- the checks


def texts(message_: render.SlackMessage) -> Iterator[str]:
    yield message_.text
    for block in message_.blocks:
        yield from render.block_texts(block)


def assert_within_limits(message_: render.SlackMessage) -> None:
    """The core's budget, and what Slack refuses (``invalid_blocks``, ``no_text``)."""
    assert message_.text, "a message without text"
    assert message_.blocks, "a message without blocks (its text would be read unverbatim)"
    assert len(message_.text) <= render.MESSAGE_CHARS
    assert render.message_chars(message_.blocks) <= render.MESSAGE_CHARS
    assert block_kit_problems(message_.blocks) == []
    for block in message_.blocks:
        objects = [block["text"]] if block["type"] == "section" else block["elements"]
        for obj in objects:
            if obj.get("type") == "mrkdwn":
                assert obj["verbatim"] is True  # Slack links no bare URL or #channel


def moments(reply: Reply) -> set[int]:
    """The instants of the reply's own times: the only dates a token may show."""
    found: list[Moment] = [s for line in (*reply.lines, *reply.after) for s in line
                           if isinstance(s, Moment)]
    found += [card.when for card in reply.cards if card.when is not None]
    return {int(t.timestamp()) for m in found for t in (m.start, m.end) if t is not None}


_OUR_DATE = re.compile(r"<!date\^(\d+)\^\{(?:date_short_pretty\} \{time|time)\}\|[^<>|]*>")


def ours(form: Live, reply: Reply) -> bool:
    """Whether a live form is the bot's own, made from program data for this reply."""
    if form.kind == "date":
        match = _OUR_DATE.fullmatch(form.text)
        return match is not None and int(match[1]) in moments(reply)
    if form.kind == "link":
        urls = {f"<{card.url.replace('&', '&amp;')}>" for card in reply.cards if card.url}
        return form.text in urls or (form.text.startswith(f"<{THREAD_LINK}")
                                     and form.text[1:-1].removeprefix(THREAD_LINK).isdigit())
    inner = shown(form.text[1:-1])
    if form.kind == "bold":
        days = {timefmt.long_date(card.day) for card in reply.cards if card.day}
        return inner in {card.title for card in reply.cards} | days
    if form.kind == "italic":
        return inner in {card.note for card in reply.cards if card.note}
    return False


def assert_fit_for_slack(reply: Reply, buttons: tuple[Button, ...] = ()) -> None:
    rendered = render.to_message(reply, buttons)
    assert_within_limits(rendered)
    for text in texts(rendered):
        for form in live_forms(text):
            assert ours(form, reply), f"{form} live in {text!r}"


# ---------------------------------------------------------------------- the properties


@PROPERTY
@given(command=st.sampled_from(COMMAND_NAMES), raw=HOSTILE, name=HOSTILE,
       moderator=st.booleans())
async def test_every_command_answer_to_hostile_text_is_fit_for_slack(
        world: World, command: str, raw: str, name: str, moderator: bool) -> None:
    """A command with a hostile option (as a button or a parsed command sends it); what
    the router answers, and what it posts or edits in the Q&A threads."""
    world.threads.posted.clear()
    reply = await world.core.router.handle(message(
        raw, name=name, command=command, user=MODERATOR if moderator else "U0ALICE"))
    assert_fit_for_slack(reply)
    for posted, buttons in world.threads.posted:
        assert_fit_for_slack(posted, buttons)


@PROPERTY
@given(head=st.sampled_from(FREE_TEXT_HEADS), raw=HOSTILE, name=HOSTILE,
       moderator=st.booleans())
async def test_every_answer_to_hostile_free_text_is_fit_for_slack(
        world: World, head: str, raw: str, name: str, moderator: bool) -> None:
    """A mention, a DM or the slash command, hostile after a word that picks the answer
    (search, tz, ask, qa hide 1, …)."""
    world.threads.posted.clear()
    reply = await world.core.router.handle(message(
        head + raw, name=name, user=MODERATOR if moderator else "U0ALICE"))
    assert_fit_for_slack(reply)
    for posted, buttons in world.threads.posted:
        assert_fit_for_slack(posted, buttons)


@PROPERTY
@given(question=HOSTILE, asker=HOSTILE, moderator=HOSTILE, answer=HOSTILE, reason=HOSTILE,
       in_thread=st.booleans())
async def test_q_and_a_with_hostile_questions_names_answers_and_reasons_is_fit_for_slack(
        world: World, question: str, asker: str, moderator: str, answer: str, reason: str,
        in_thread: bool) -> None:
    """A question (asked with "ask", or as a reply in the item's thread) by someone with a
    hostile name, answered, hidden with a reason, restored and answered by a moderator
    with one: every acknowledgement, post, edit and reply."""
    world.threads.posted.clear()
    router = world.core.router
    if in_thread:
        asked = message(question, name=asker, user="U0ASKER", thread=world.keynote_thread)
        acknowledged = await world.core.core.receive(Message(
            asked.user, asked.text, Place(asked.channel_id, asked.thread_id), addressed=False,
            ref=f"1715000002.{len(question):06d}"))
    else:
        acknowledged = await router.handle(message(f"keynote: {question}", name=asker,
                                                   command="ask", user="U0ASKER"))
    replies = [acknowledged] if acknowledged is not None else []
    number = acknowledged.text.partition("#")[2].partition(" ")[0] if acknowledged else ""
    if number.isdigit():  # recorded (not refused as empty, invisible or too long)
        for words in (f"answered {number} {answer}", f"hide {number} {reason}",
                      f"restore {number}", f"answer {number} {answer}"):
            replies.append(await router.handle(message(words, name=moderator, command="qa",
                                                       user=MODERATOR)))
    for reply in replies:
        assert_fit_for_slack(reply)
    for posted, buttons in world.threads.posted:
        assert_fit_for_slack(posted, buttons)


@PROPERTY
@given(texts_=st.lists(HOSTILE, min_size=1, max_size=25), asker=HOSTILE, answer=HOSTILE,
       reason=HOSTILE, votes=st.integers(0, 10**6))
def test_question_messages_reminders_and_digests_are_fit_for_slack(
        world: World, texts_: list[str], asker: str, answer: str, reason: str, votes: int
) -> None:
    """The core's builders on their own, with any text where the store could hold it: a
    question's message in each status, a speaker's reminder, a digest."""
    ask = world.ask()
    keynote = ask.program.by_slug["keynote"]
    views = [QuestionView(id=n, item_slug="keynote", item_title=keynote.display_title,
                          text=text, asked_by=asker, status=OPEN, votes=votes,
                          platform="slack", answer=answer, answered_by=asker, reason=reason)
             for n, text in enumerate(texts_, 1)]
    for view in views[:3]:
        for status in (OPEN, ANSWERED, HIDDEN):
            assert_fit_for_slack(question_text(ask, replace(view, status=status)),
                                 (Button("Upvote", "qa", f"upvote {view.id}"),))
    listed = [_listed(view) for view in views]
    assert_fit_for_slack(notices.speaker_reminder(ask, keynote, listed[:3]))
    assert_fit_for_slack(notices.digest(ask, keynote, listed))


@PROPERTY
@given(head=st.sampled_from(FREE_TEXT_HEADS[:10]), raw=HOSTILE)
async def test_the_bundled_programs_long_answers_to_hostile_text_are_fit_for_slack(
        bundled: Services, head: str, raw: str) -> None:
    """Many cards with many date tokens: held to the budget by Slack's own cut."""
    reply = await bundled.router.handle(message(head + raw, name="x"))
    assert_fit_for_slack(reply)


# ---------------------------------------------------------------------- the escaping itself


def _typed(text: str) -> str:
    """What escaping must keep readable: the text, without direction overrides (dropped)
    and word joiners (which the bot adds after "@" and before a line's ">")."""
    return text.translate(dict.fromkeys(map(ord, DIRECTION + WORD_JOINER)))


@PROPERTY
@given(text=HOSTILE, before=st.sampled_from(("", "x", "• ", "  ", "a\n", "*")))
def test_escaped_text_reads_as_typed_and_nothing_in_it_is_live(text: str, before: str
                                                               ) -> None:
    escaped = render.escape(text)
    assert live_forms(before + escaped) == []
    assert _typed(shown(escaped)) == _typed(text)


@PROPERTY
@given(text=HOSTILE, limit=st.integers(0, 300))
def test_a_cut_keeps_entities_tokens_and_neutralised_marks_whole(text: str, limit: int
                                                                 ) -> None:
    escaped = render.escape(text) + " <!date^1639421100^{time}|9:45 AM>" + render.escape(text)
    shortened = render.cut(escaped, limit)
    assert len(shortened) <= limit
    assert escaped.startswith(shortened.removesuffix("…"))
    assert [f for f in live_forms(shortened) if f.kind != "date"] == []
    assert "&" not in re.sub(r"&(?:amp|lt|gt);", "", shortened)


@PROPERTY
@given(url=st.one_of(HOSTILE, HOSTILE.map(lambda t: "https://x.org/" + t)))
def test_a_link_is_a_plain_address_or_text(url: str) -> None:
    made = render.link(url)
    forms = live_forms(made)
    if made.startswith("<"):
        assert forms == [Live("link", made)]
        assert made[1:-1].replace("&amp;", "&") == url
    else:
        assert forms == []


SLACK_LIVE = [piece for piece in SLACK_PIECES if live_forms(piece)]


def test_the_checker_sees_every_live_piece_the_hostile_text_is_made_of() -> None:
    """The properties above mean something only if the checker finds these raw."""
    assert {"<@U123>", "<!channel>", "<!here>", "<!everyone>", "<!subteam^S1>", "<#C1>",
            "<http://x|y>", "<mailto:a@b.org|a@b.org>", "<!date^1639421100^{time}|now>",
            "*bold*", "_it_", "~s~", "`code`", "```", ">quote", "&gt; ", "@channel",
            "@here", "@everyone", "\u202e"} <= set(SLACK_LIVE)
    for piece in SLACK_LIVE + [p for p in PIECES if live_forms(p)]:
        assert live_forms(render.escape(piece)) == [], piece
