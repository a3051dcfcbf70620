"""The Q&A queue: one per paper and talk, fed by every platform, curated by moderators.

Platforms report what happens in their threads (a message is a question, a 👍 is a vote)
and the service decides: it numbers and stores questions, counts votes, applies
moderation, and tells the platforms what to show (a question posted from elsewhere, a
new status, an answer). The database holds everything, so a restart loses nothing; votes
cast while the bot was offline are reconciled from the platforms at start. Which thread
belongs to which item is kept by :mod:`bot.qa.threads`, which follows the threads that
other processes make.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from bot.adapter import QaPublisher
from bot.answers.context import Ask
from bot.catalog import Catalog
from bot.clock import Clock
from bot.messages import Button, Line, QuestionView, Quote, Reply, ThreadRef, UserRef
from bot.program import Item
from bot.qa import export
from bot.qa.blank import is_blank, without_controls
from bot.qa.threads import QaThreads
from bot.store import qa as store
from bot.store.database import Database
from bot.store.outage import DATABASE_DOWN, OutageLog
from bot.store.tables import Question

log = logging.getLogger(__name__)

MAX_CHARS = 1000
MAX_REASON = 500  # a moderator's reason for hiding a question: its column's size
MAX_NAME = 200  # the columns of askers' and answerers' names
REACTION, COMMAND = "reaction", "command"  # how a vote was cast
PENDING, OPEN, ANSWERED, HIDDEN = "pending", "open", "answered", "hidden"
ANONYMOUS = "anonymous"
PUBLIC = (OPEN, ANSWERED)  # what an attendee's export holds: not what waits or was hidden


@dataclass(frozen=True, slots=True)
class Asked:
    """The outcome of asking: the question, or why there is none."""

    question: Question | None
    error: str | None = None
    created: bool = True


@dataclass(frozen=True, slots=True)
class QaChange:
    """Something changed in an item's queue: a question came, a vote was cast or taken
    back, a status changed. Told to every watcher (the live pages, the metrics)."""

    kind: Literal["question", "vote", "status", "elsewhere"]  # elsewhere: another process
    item_id: int
    question_id: int
    platform: str
    added: bool = True  # a vote cast (False: withdrawn)


QaWatcher = Callable[[QaChange], None]


@dataclass(slots=True)
class SetupReport:
    created: int = 0
    reused: int = 0
    recreated: int = 0
    failed: int = 0
    platforms: tuple[str, ...] = ()


def view(question: Question, item: Item, votes: int) -> QuestionView:
    assert question.id is not None
    return QuestionView(
        id=question.id, item_slug=item.slug, item_title=item.display_title, text=question.text,
        asked_by=ANONYMOUS if question.anonymous else (question.author_name or "someone"),
        status=question.status, votes=votes, platform=question.platform,
        message_ref=question.message_ref, answer=question.answer,
        answered_by=question.answered_by, reason=question.reason,
    )


class QaService:
    def __init__(self, db: Database, catalog: Catalog, clock: Clock) -> None:
        self.db = db
        self.catalog = catalog
        self.clock = clock
        self.publishers: dict[str, QaPublisher] = {}
        self.watchers: list[QaWatcher] = []
        self._items_of: dict[int, int] = {}  # question id -> its item's (never changes)
        self.threads = QaThreads(db, lambda: catalog.current.program.workshop.slug)
        self.outage = OutageLog(log, "Q&A links come from the threads known before; 👍 "
                                      "reactions are counted once it is back")

    def attach(self, publisher: QaPublisher) -> None:
        self.publishers[publisher.info.name] = publisher

    def watch(self, watcher: QaWatcher) -> None:
        """Tell ``watcher`` of every change made through this process."""
        self.watchers.append(watcher)

    async def _item_of(self, question_id: int) -> int | None:
        """The item a question belongs to, for watchers: remembered, since a question
        never moves (so the memory holds across processes)."""
        if question_id not in self._items_of:
            found = await store.question(self.db, question_id)
            if found is None:
                return None
            self._items_of[question_id] = found.item_id
        return self._items_of[question_id]

    async def changed_elsewhere(self, question_id: int) -> None:
        """Another process changed a question (bot.store.changes): the live pages here
        follow it. It was counted where it happened, so it is no question or vote here."""
        item_id = await self._item_of(question_id)
        if item_id is not None:
            self._tell(QaChange("elsewhere", item_id, question_id, ""))

    def _tell(self, change: QaChange) -> None:
        for watcher in self.watchers:
            try:
                watcher(change)
            except Exception:  # a watcher's bug must not undo what was saved
                log.exception("A Q&A watcher failed on %s", change)

    # -- items and threads ---------------------------------------------------------------

    def items(self) -> list[Item]:
        return [i for i in self.catalog.current.program.items if i.has_qa]

    def item(self, item_id: int) -> Item | None:
        return next((i for i in self.catalog.current.program.items if i.id == item_id), None)

    @property
    def threads_revision(self) -> int | None:
        """The Q&A revision of the threads this process knows: answers that link threads
        are kept by the router's answer cache under it, so none outlives a change."""
        return self.threads.revision

    async def poll_threads(self) -> None:
        """The periodic check for threads made elsewhere (``workshop-bot qa setup``,
        another instance). The database being away is logged once and waited out: links
        keep coming from the map in memory. The first poll after an outage counts the 👍
        reactions that could not be stored meanwhile (see ``vote_by_message``)."""
        try:
            await self.threads.refresh()
            if self.outage.down:
                await self.reconcile_votes()
        except DATABASE_DOWN as exc:
            self.outage.failed(exc)
        else:
            self.outage.worked()

    async def thread_of(self, item: Item, platform: str) -> ThreadRef | None:
        """The item's thread as the database has it now: for posting into it."""
        return (await self.threads.fresh()).by_item.get((platform, item.id))

    async def thread_url(self, slug: str, platform: str) -> str | None:
        """The link an answer about ``slug`` shows, from memory (no query once the map is
        read): None while the map cannot be read, since a missing link misleads nobody."""
        item = self.catalog.current.program.by_slug.get(slug)
        if item is None:
            return None
        try:
            threads = await self.threads.current()
        except DATABASE_DOWN as exc:
            self.outage.failed(exc)
            return None
        thread = threads.by_item.get((platform, item.id))
        return thread.url if thread is not None else None

    async def item_of_thread(self, platform: str, thread_id: str) -> Item | None:
        """The item whose Q&A thread ``thread_id`` is, or None for any other thread. A
        thread the map does not know is checked against the database's revision first:
        another process may have made it a moment ago."""
        item_id = (await self.threads.current()).by_thread.get((platform, thread_id))
        if item_id is None:
            try:
                refreshed = await self.threads.refresh()
            except DATABASE_DOWN as exc:
                # No thread is made while the database is away (setup must save it), so
                # an unknown thread is no Q&A thread: ignored, with one line for the outage.
                self.outage.failed(exc)
                return None
            if refreshed:
                item_id = (await self.threads.current()).by_thread.get((platform, thread_id))
        return self.item(item_id) if item_id is not None else None

    async def setup(self, ask: Ask) -> SetupReport:
        """One thread per paper and talk in each platform's Q&A channel; idempotent."""
        report = SetupReport()
        workshop = self.catalog.current.program.workshop
        stored = (await self.threads.fresh()).by_item
        for platform, publisher in self.publishers.items():
            channel = workshop.channel(platform, "qa")
            if not channel:
                continue
            report.platforms += (platform,)
            for item in self.items():
                existing = stored.get((platform, item.id))
                intro = ask.reply(cards=(ask.card(item),),
                                  after=(("Ask your questions here: one message each. "
                                          "👍 the ones you want answered.",),))
                try:
                    ref = await publisher.open_thread(channel, item.slug, item.display_title,
                                                      intro, existing)
                except Exception as exc:  # one item's failure must not stop the rest
                    report.failed += 1
                    log.warning("Q&A thread for %s on %s failed: %s: %s", item.slug, platform,
                                type(exc).__name__, exc)
                    continue
                if existing is None:
                    report.created += 1
                elif ref.thread_id == existing.thread_id:
                    report.reused += 1
                else:
                    report.recreated += 1
                if ref != existing:
                    await store.save_thread(self.db, item.id, platform, ref.channel_id,
                                            ref.thread_id, ref.starter_id, ref.url,
                                            self.clock.now())
        await self.threads.refresh()  # what was saved, at its new revision
        log.info("Q&A setup on %s: %d created, %d reused, %d recreated, %d failed",
                 ", ".join(report.platforms) or "no platform", report.created, report.reused,
                 report.recreated, report.failed)
        return report

    # -- asking --------------------------------------------------------------------------

    async def ask(
        self, item: Item, user: UserRef, text: str, *, anonymous: bool = False,
        message_ref: str | None = None,
    ) -> Asked:
        text = " ".join(without_controls(text).split())
        if is_blank(text):  # also zero-width or direction characters and nothing else
            return Asked(None, "your question is empty")
        if len(text) > MAX_CHARS:
            return Asked(None, f"your question has {len(text)} characters; the limit is "
                               f"{MAX_CHARS}")
        now = self.clock.now()
        status = PENDING if self.catalog.current.program.workshop.qa.premoderation else OPEN
        row = Question(item_id=item.id, platform=user.platform, author_id=user.id,
                       author_name=_name(user.name), anonymous=anonymous, text=text,
                       status=status,
                       message_ref=message_ref, created_at=now, updated_at=now)
        stored, created = await store.add_question(self.db, row)
        if created and stored.id is not None:
            self._items_of[stored.id] = item.id
            self._tell(QaChange("question", item.id, stored.id, user.platform))
        return Asked(stored, created=created)

    async def publish(self, question: Question, item: Item, ask: Ask) -> None:
        """Post a question asked with "ask <paper> …" into the asker's platform's thread."""
        publisher = self.publishers.get(question.platform)
        thread = await self.thread_of(item, question.platform) if publisher else None
        if publisher is None or thread is None or question.status != OPEN:
            return
        shown = view(question, item, 0)
        ref = await publisher.publish_question(thread, shown, question_text(ask, shown),
                                               question_buttons(shown))
        if ref is not None:
            await store.set_message_ref(self.db, shown.id, ref)

    # -- votes ---------------------------------------------------------------------------

    async def vote(self, question_id: int, user: UserRef, *, add: bool = True,
                   source: str = COMMAND, moderator: bool = False) -> str:
        outcome = await self._vote(question_id, user, add=add, source=source,
                                   moderator=moderator)
        if outcome in ("added", "removed"):
            item_id = await self._item_of(question_id)
            if item_id is not None:
                self._tell(QaChange("vote", item_id, question_id, user.platform,
                                    added=outcome == "added"))
        return outcome

    async def _vote(self, question_id: int, user: UserRef, *, add: bool, source: str,
                    moderator: bool) -> str:
        """ "added", "removed", "unchanged", "own", "closed", "pending" or "unknown".

        ``source`` says how it was cast (a 👍 reaction, or a button or command), so that
        reconciling with the platforms' reactions never undoes a button vote.

        A vote by number (a command; buttons are only on open questions) counts on open
        questions only. On a question the voter may not know of (see :func:`shown_to`:
        a pending one, unless they asked it or moderate) it changes nothing and the
        outcome is "unknown", as for a number nobody has, so that trying numbers tells
        nothing; moderators hear "pending". A 👍 reaction is cast on a message the
        reactor sees in the thread and gets no reply, so it counts on a pending question
        too: the question then starts with its votes once approved.
        """
        votable = (OPEN, PENDING) if source == REACTION else (OPEN,)
        if add and await store.cast_vote(self.db, question_id, user.platform, user.id,
                                         self.clock.now(), votable, source):
            return "added"  # one statement in the common case; the rest explains a refusal
        question = await store.question(self.db, question_id)
        if question is None or (source != REACTION
                                and not shown_to(question, user, moderator=moderator)):
            return "unknown"
        if question.platform == user.platform and question.author_id == user.id:
            return "own"
        if question.status == PENDING and source != REACTION:
            return "pending"
        if question.status not in votable:
            return "closed"
        now = self.clock.now()
        if add:
            changed = await store.add_vote(self.db, question_id, user.platform, user.id, now,
                                           source)
            return "added" if changed else "unchanged"
        changed = await store.remove_vote(self.db, question_id, user.platform, user.id)
        return "removed" if changed else "unchanged"

    async def votes(self, question_id: int) -> int:
        return await store.vote_count(self.db, question_id)

    async def vote_by_message(self, platform: str, message_ref: str, user_id: str, *,
                              add: bool) -> str:
        """A 👍 on a message: the message's own question is in plain view of the reactor,
        whatever its status. While the database is away the outcome is "deferred": the
        reaction stays on the platform, and the first poll after the outage counts it."""
        try:
            question = await store.question_by_message(self.db, platform, message_ref)
            if question is None or question.id is None:
                log.debug("A reaction on %s message %s, which is no question", platform,
                          message_ref)
                return "unknown"
            return await self.vote(question.id, UserRef(platform, user_id), add=add,
                                   source=REACTION)
        except DATABASE_DOWN as exc:
            self.outage.failed(exc)
            return "deferred"

    async def reconcile_votes(self) -> int:
        """Make stored votes match the platforms' 👍 reactions (cast while we were away)."""
        changed = 0
        threads = await self.threads.fresh()
        for question, _votes in await store.questions(self.db, None, (OPEN, PENDING)):
            publisher = self.publishers.get(question.platform)
            item = self.item(question.item_id)
            if publisher is None or item is None or question.message_ref is None:
                continue
            thread = threads.by_item.get((question.platform, item.id))
            if thread is None or question.id is None:
                continue
            try:
                users = await publisher.votes_on(thread, view(question, item, 0))
            except Exception as exc:
                log.warning("Could not read reactions of question #%s on %s: %s: %s",
                            question.id, question.platform, type(exc).__name__, exc)
                continue
            if users is None:
                continue
            users.discard(question.author_id)
            voted = await store.voters(self.db, question.id, question.platform)
            by_reaction = await store.voters(self.db, question.id, question.platform, REACTION)
            now = self.clock.now()
            for user_id in users - voted:
                if await store.add_vote(self.db, question.id, question.platform, user_id, now,
                                        REACTION):
                    changed += 1
                    self._tell(QaChange("vote", item.id, question.id, question.platform))
            for user_id in by_reaction - users:
                if await store.remove_vote(self.db, question.id, question.platform, user_id):
                    changed += 1
                    self._tell(QaChange("vote", item.id, question.id, question.platform,
                                        added=False))
        if changed:
            log.info("Reconciled %d vote(s) cast or withdrawn while the bot was offline",
                     changed)
        return changed

    # -- reading -------------------------------------------------------------------------

    async def top(self, item: Item, limit: int = 10, statuses: Sequence[str] = (OPEN,)
                  ) -> list[QuestionView]:
        """By votes, then by age: the order speakers should take questions in."""
        rows = await store.questions(self.db, [item.id], list(statuses))
        rows.sort(key=lambda pair: (-pair[1], pair[0].id))
        return [view(q, item, n) for q, n in rows[:limit]]

    async def questions_of(self, item_ids: Sequence[int]) -> list[tuple[Question, int]]:
        """Every question of these items with its votes, in the order asked (the pages
        sort and group them themselves)."""
        return await store.questions(self.db, item_ids)

    async def pending(self, item: Item | None) -> list[QuestionView]:
        items = {i.id: i for i in self.items()}
        ids = [item.id] if item is not None else list(items)
        rows = await store.questions(self.db, ids, [PENDING])
        return [view(q, items[q.item_id], n) for q, n in rows if q.item_id in items]

    async def get(self, question_id: int) -> tuple[Question, Item] | None:
        question = await store.question(self.db, question_id)
        if question is None:
            return None
        item = self.item(question.item_id)
        return (question, item) if item is not None else None

    # -- moderation and answers ---------------------------------------------------------

    async def set_status(self, question_id: int, status: str, ask: Ask, *,
                         reason: str | None = None, answer: str | None = None,
                         by: str | None = None) -> QuestionView | None:
        found = await self.get(question_id)
        if found is None:
            return None
        _old, item = found
        values: dict[str, object] = {"status": status}
        if status == HIDDEN:
            values["reason"] = _said(reason)
        if status == ANSWERED:
            values.update(answer=_said(answer), answered_by=_name(by))
        if status == OPEN:
            values["reason"] = None
        updated = await store.update_question(self.db, question_id, self.clock.now(), **values)
        assert updated is not None
        shown = view(updated, item, await store.vote_count(self.db, question_id))
        self._tell(QaChange("status", item.id, question_id, shown.platform))
        await self._show(item, shown, ask)
        return shown

    async def _show(self, item: Item, shown: QuestionView, ask: Ask) -> None:
        publisher = self.publishers.get(shown.platform)
        if publisher is None or shown.message_ref is None:
            return
        thread = await self.thread_of(item, shown.platform)
        if thread is None:
            return
        try:
            await publisher.question_changed(thread, shown, question_text(ask, shown),
                                             question_buttons(shown))
        except Exception as exc:
            log.warning("Could not show the new status of question #%s on %s: %s: %s",
                        shown.id, shown.platform, type(exc).__name__, exc)

    async def post_answer(self, shown: QuestionView, item: Item, text: Reply) -> None:
        publisher = self.publishers.get(shown.platform)
        thread = await self.thread_of(item, shown.platform) if publisher else None
        if publisher is None or thread is None:
            return
        try:
            await publisher.publish_answer(thread, shown, text)
        except Exception as exc:
            log.warning("Could not post the answer to question #%s on %s: %s: %s",
                        shown.id, shown.platform, type(exc).__name__, exc)

    # -- speakers and exports -------------------------------------------------------------

    async def top_for_speaker(self, item: Item, offset: int) -> list[Line]:
        """The top three open questions, for the speaker reminder closest to the talk."""
        if offset > 15:
            return []
        return [_listed(q) for q in await self.top(item, 3)]

    async def unanswered_texts(self, item: Item) -> list[Line]:
        """The open questions, for the speakers' digest when the session ends."""
        return [_listed(q) for q in await self.top(item, 50)]

    async def export(self, item: Item | None, fmt: str, *, moderator: bool) -> tuple[str, bytes]:
        """A file of the questions: a moderator's holds them all, with their authors; an
        attendee's only what the threads show (open and answered questions), never one
        waiting for approval or a hidden one's text."""
        items = {i.id: i for i in self.items()}
        order = {i.id: n for n, i in enumerate(self.catalog.current.program.items)}
        ids = [item.id] if item is not None else list(items)
        rows = [export.Row(items[q.item_id], q, n)
                for q, n in await store.questions(self.db, ids)
                if q.item_id in items and (moderator or q.status in PUBLIC)]
        rows.sort(key=lambda r: (order.get(r.item.id, 0), r.question.id))
        program = self.catalog.current.program
        title = item.display_title if item else program.workshop.full_name
        name = f"questions-{item.slug if item else program.workshop.slug}.{fmt}"
        return name, export.render(rows, fmt, moderator=moderator, title=title)


def _name(name: str | None) -> str | None:
    """A display name as stored: controls out, no longer than its column."""
    return without_controls(name)[:MAX_NAME] if name else name


def _said(text: str | None) -> str | None:
    """An answer or a reason as stored: controls out (see ``without_controls``)."""
    return without_controls(text).strip() or None if text else None


def shown_to(question: Question, user: UserRef, *, moderator: bool) -> bool:
    """Whether ``user`` may know that ``question`` exists, so that a reply may say so.

    Moderators and the asker always may. Anyone else may once it was shown: open and
    answered questions are in the threads, the top lists and the exports; a hidden one
    was shown if it has a message on a platform (which now says it is hidden). A pending
    question is the asker's and the moderators' business until it is approved, and a
    question hidden before anyone saw it stays unseen; for them every reply is the one a
    number nobody has gets.
    """
    if moderator or (question.platform == user.platform and question.author_id == user.id):
        return True
    if question.status == HIDDEN:
        return question.message_ref is not None
    return question.status != PENDING


def _listed(shown: QuestionView) -> Line:
    """ "#12 (3 👍): the question", for speakers' reminders and digests."""
    return (f"#{shown.id} ({shown.votes} 👍): ", Quote(shown.text, limit=MAX_CHARS, marks=False))


def question_text(ask: Ask, shown: QuestionView) -> Reply:
    """A question as its message in the thread shows it, in each status. Names are the
    asker's and answerer's display names: user text, quoted as such."""
    text = Quote(shown.text, limit=MAX_CHARS)
    asker = Quote(shown.asked_by, marks=False)
    if shown.status == HIDDEN:
        reason: Line = (": ", Quote(shown.reason, limit=MAX_CHARS)) if shown.reason else ()
        return ask.reply((f"🚫 #{shown.id} hidden by a moderator", *reason))
    if shown.status == ANSWERED:
        lines: list[Line] = [(f"✅ #{shown.id} from ", asker, ": ", text)]
        if shown.answer:
            by: Line = (" from ", Quote(shown.answered_by, marks=False)) if (
                shown.answered_by) else ()
            lines.append(("Answer", *by, ": ", Quote(shown.answer, limit=MAX_CHARS)))
        return ask.reply(*lines)
    return ask.reply((f"❓ #{shown.id} from ", asker, ": ", text))


def question_buttons(shown: QuestionView) -> tuple[Button, ...]:
    """An open question can be upvoted with a button, where the platform has buttons."""
    return (Button("👍 Upvote", "upvote", str(shown.id)),) if shown.status == OPEN else ()


def question_line(shown: QuestionView) -> Line:
    status = "" if shown.status == OPEN else f" [{shown.status}]"
    return (f"#{shown.id} · {shown.votes} 👍 · {shown.platform}{status} · ", Quote(shown.text))
