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

from bot.app import open_core
from bot.messages import Button, IncomingMessage, QuestionView, Reply, ThreadRef, UserRef
from bot.render_text import render
from bot.store import qa as store
from tests.conftest import make_settings
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

    platform = "discord"

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
        ref = ThreadRef(self.platform, channel_id, f"thread-{slug}-{len(self.threads)}",
                        url=f"https://chat.example/{slug}")
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
    router = chat.core.router
    reply = await router.handle_thread_message(
        chat.message("How fast is it?", user="bob", thread=thread), "m-100")
    assert reply is not None and render(reply) == "Thanks! Your question is #1 for “Engines”."
    again = await router.handle_thread_message(
        chat.message("How fast is it?", user="bob", thread=thread), "m-100")
    assert again is None  # the same message delivered twice is one question
    elsewhere = await router.handle_thread_message(
        chat.message("hello", thread="some-other-thread"), "m-101")
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
    await chat.core.router.handle_thread_message(
        chat.message("Q?", user="bob", thread=thread), "m-1")
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
    assert "Questions for the speakers" not in before
    await chat.ask("qa setup", **MOD)
    answer = await chat.ask("about engines")
    assert answer.endswith("Questions for the speakers: https://chat.example/keynote")
    elsewhere = await chat.ask("about engines", platform="slack")
    assert "Questions for the speakers" not in elsewhere  # no Slack thread was made


async def test_only_qa_commands_need_the_askers_roles(chat: Chat) -> None:
    """Adapters read roles from the platform only when the core says they matter."""
    needs = chat.core.router.needs_roles
    assert needs(chat.message("qa pending")) and needs(chat.message("/qa hide 3 spam"))
    assert needs(chat.message("pending", command="qa"))
    for text in ("what's next?", "ask engines: Does it run on steam?", "when is kraska"):
        assert not needs(chat.message(text)), text
