"""Planning and sending reminders, exactly once, through whichever platforms are connected.

For each moment (a :class:`~bot.reminders.plan.Slot`) the service plans every message
(announcement per channel, DM per speaker, DM per subscriber, oldest subscription
first), then works through them in chunks: claim the chunk in the ledger, send what this
process won at the platform's pace, record the outcomes. A crash leaves claims behind;
:meth:`ReminderService.recover` finds them once their lease has expired and finishes the
job, asking the platform first whether the message already arrived.

A moment that comes due while the database is not answering fails before any claim is
written, so nothing else would ever pick it up: :meth:`ReminderService.fire_job` keeps it
(in memory: a restart's catch-up covers the same ground) and :meth:`ReminderService.maintain`,
every few seconds, tries again once the database answers. The grace window then decides,
as for any late reminder: still worth sending, or dropped with a log line.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.adapter import DeliveryError, Messenger
from bot.answers.context import Ask
from bot.catalog import Catalog
from bot.clock import Clock
from bot.messages import Line, Outgoing, Reply, UserRef
from bot.preferences import Preferences, reading_zone
from bot.program import Item, Program
from bot.reminders import notices
from bot.reminders.pacing import Pacer
from bot.reminders.plan import (
    ANNOUNCE,
    CHANGE,
    DIGEST,
    SPEAKER,
    SUBSCRIBER,
    Slot,
    change_key,
    delivery_key,
    find_slot,
    slots,
)
from bot.store import ledger
from bot.store import subscriptions as subs
from bot.store.database import Database
from bot.store.outage import OutageLog, is_database_down
from bot.store.program_sync import SessionChange, changes_since

if TYPE_CHECKING:
    from bot.metrics import Metrics

log = logging.getLogger(__name__)

QuestionSource = Callable[[Item, int], Awaitable[list[Line]]]  # "#12 (3 👍): " and the text
EARLY = timedelta(minutes=1)  # a job may wake slightly early on a fast simulated clock


@dataclass(frozen=True, slots=True)
class ReminderConfig:
    grace: timedelta = timedelta(minutes=5)  # how late a missed reminder may still go out
    lease: timedelta = timedelta(seconds=30)  # real time before a silent claim is taken over
    concurrency: int = 8  # sends in flight per platform
    chunk: int = 100  # messages claimed at once
    instance: str = "bot"  # this process's name in the ledger
    namespace: str = ""  # prefixed to keys: a rehearsal keeps a record apart from the live day


@dataclass(slots=True)
class Planned:
    entry: ledger.Entry
    message: Outgoing


@dataclass(slots=True)
class FanoutReport:
    planned: int = 0
    sent: int = 0
    failed: int = 0
    skipped: int = 0  # decided before: sent by another process, or earlier
    found: int = 0  # resumed after a crash and found already on the platform
    dropped: int = 0  # too late to send
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)


class ReminderService:
    def __init__(
        self,
        db: Database,
        catalog: Catalog,
        clock: Clock,
        real_clock: Clock,
        preferences: Preferences,
        config: ReminderConfig,
        default_zone: ZoneInfo | None = None,
        *,
        metrics: Metrics,
    ) -> None:
        """``metrics`` counts each message's outcome on its platform (sent, failed, or
        skipped as too late) and the database failures met here."""
        self.db = db
        self.catalog = catalog
        self.clock = clock
        self.real_clock = real_clock
        self.preferences = preferences
        self.config = config
        self.default_zone = default_zone
        self.messengers: dict[str, Messenger] = {}
        self._pacers: dict[str, Pacer] = {}
        self.questions: QuestionSource | None = None  # top open questions, for speakers
        self.unanswered: Callable[[Item], Awaitable[list[Line]]] | None = None  # for digests
        self.on_subscriptions_changed: Callable[[], Awaitable[None]] | None = None
        # moments and change notices that failed because the database was away
        self._missed: dict[tuple[str, str, int], None] = {}
        self._changes_missed = False
        self._metrics = metrics
        self.outage = OutageLog(log, "reminders due now are kept and sent when it is back",
                                 counted=metrics.database_error)

    # -- wiring ----------------------------------------------------------------------

    def attach(self, messenger: Messenger) -> None:
        self.messengers[messenger.info.name] = messenger
        self._pacers[messenger.info.name] = Pacer(messenger.info.send_rate)

    # -- attendees' own reminders ----------------------------------------------------------

    async def subscribe(self, user: UserRef, item: Item, offset: int) -> bool:
        created = await subs.subscribe(self.db, item.id, user.platform, user.id, offset,
                                       self.clock.now())
        await self._subscriptions_changed()
        return created

    async def unsubscribe(self, user: UserRef, item: Item | None) -> int:
        removed = await subs.unsubscribe(self.db, user.platform, user.id,
                                         item.id if item else None)
        if removed:
            await self._subscriptions_changed()
        return removed

    async def subscriptions(self, user: UserRef) -> list[tuple[Item, int]]:
        program = self.catalog.current.program
        by_id = {item.id: item for item in program.scheduled}
        rows = await subs.of_user(self.db, user.platform, user.id)
        found = [(by_id[r.item_id], r.offset_minutes) for r in rows if r.item_id in by_id]
        return sorted(found, key=lambda pair: (pair[0].span[0], -pair[1]))

    async def _subscriptions_changed(self) -> None:
        if self.on_subscriptions_changed is not None:
            await self.on_subscriptions_changed()

    # -- what exists -------------------------------------------------------------------

    async def slots(self) -> list[Slot]:
        program = self.catalog.current.program
        offsets = await subs.offsets_by_item(self.db, [i.id for i in program.scheduled])
        return slots(program, offsets)

    # -- firing ------------------------------------------------------------------------

    async def fire(
        self, kind: str, slug: str, offset: int, *, resume: bool = False, quiet: bool = False
    ) -> FanoutReport:
        """Send one moment's reminders (a scheduler job calls this at the due time)."""
        program = self.catalog.current.program
        slot = find_slot(program, kind, slug, offset)
        if slot is None:
            log.debug("No session %r any more; %s reminder skipped", slug, kind)
            return FanoutReport()
        now = self.clock.now()
        if now < slot.due - EARLY:
            log.debug("%s fired early (due %s); its rescheduled job will send it",
                      slot.job_id, slot.due)
            return FanoutReport()
        planned = await self._plan(program, slot)
        if not planned:
            return FanoutReport()
        late = now - slot.due > self.config.grace
        ended = kind != DIGEST and slot.item.end is not None and now >= slot.item.end
        if late or ended:
            dropped = await ledger.drop(self.db, [p.entry for p in planned],
                                        self.real_clock.now())
            self._skipped(planned, dropped)
            if resume:
                await self._give_up(planned, "stopped mid-send and too late to resend")
            if dropped and not quiet:
                reason = "its session has ended" if ended else (
                    f"more than {self.config.grace} late")
                log.info("Dropped %d %s reminder(s) for %s (T-%d): %s", len(dropped), kind,
                         slug, offset, reason)
            return FanoutReport(planned=len(planned), dropped=len(dropped))
        report = await self._send(planned, slot.item, resume=resume)
        log.info(
            "%s reminders for %s (T-%d min): %d sent, %d failed, %d already decided, in %.1f s%s",
            kind.capitalize(), slug, offset, report.sent, report.failed, report.skipped,
            report.seconds,
            f" ({report.found} of the sent had arrived before a crash)" if report.found else "",
        )
        return report

    async def fire_job(self, kind: str, slug: str, offset: int) -> None:
        """The scheduler's job: :meth:`fire`, kept for :meth:`maintain` if the database is
        away (APScheduler would only log the error, and the moment would be lost)."""
        try:
            await self.fire(kind, slug, offset)
        except Exception as exc:
            if not is_database_down(exc):
                raise
            self._missed[(kind, slug, offset)] = None
            self.outage.failed(exc)
        else:
            self.outage.worked()

    async def announce_pending_changes(self, since: datetime) -> None:
        """:meth:`process_changes`, or, if the database is away, a note to retry it."""
        try:
            await self.process_changes(since=since)
        except Exception as exc:
            if not is_database_down(exc):
                raise
            self._changes_missed = True
            self.outage.failed(exc)

    @property
    def waiting(self) -> int:
        """How many moments wait for the database (diagnostics and tests)."""
        return len(self._missed) + int(self._changes_missed)

    async def maintain(self) -> None:
        """The periodic sweep: retry what failed while the database was away (each moment
        once: the ledger skips whatever was decided meanwhile, the grace window drops what
        is too late now), then finish what stopped processes left."""
        try:
            for moment in list(self._missed):
                kind, slug, offset = moment
                await self.fire(kind, slug, offset)
                del self._missed[moment]
            if self._changes_missed:
                await self.process_changes(since=self.clock.now() - timedelta(days=1),
                                           late_after=self.config.grace)
                self._changes_missed = False
            await self.recover()
        except Exception as exc:
            if not is_database_down(exc):
                raise
            self.outage.failed(exc)
        else:
            self.outage.worked()

    async def catch_up(self) -> int:
        """At start: send what came due while the bot was down, within the grace window;
        drop (and record) what is older, with one log line. Returns how many dropped."""
        now = self.clock.now()
        recent = [s for s in await self.slots()
                  if now - timedelta(days=1) < s.due <= now]
        dropped = 0
        for slot in recent:
            report = await self.fire(slot.kind, slot.item.slug, slot.offset, quiet=True)
            dropped += report.dropped
        if dropped:
            log.info("Dropped %d reminder(s) that came due while the bot was away or the "
                     "database was not answering: more than %s late, or their session "
                     "ended", dropped, self.config.grace)
        return dropped

    async def recover(self) -> int:
        """Finish sends whose process stopped between claiming and recording them."""
        real_now = self.real_clock.now()
        cutoff = real_now - self.config.lease
        stale = await ledger.stale_claims(self.db, cutoff)
        groups: dict[tuple[str, int | None, int | None, int | None], list[str]] = {}
        for row in stale:
            if row.platform not in self.messengers:
                continue
            if await ledger.take_over(self.db, row.key, self.config.instance, real_now, cutoff):
                groups.setdefault((row.kind, row.item_id, row.offset_minutes, row.revision),
                                  []).append(row.key)
        program = self.catalog.current.program
        by_id = {item.id: item for item in program.items}
        for (kind, item_id, offset, revision), keys in groups.items():
            log.info("Recovering %d unfinished %s message(s) left by a stopped process",
                     len(keys), kind)
            if kind == CHANGE and revision is not None:
                await self.process_changes(resume_revision=revision)
            elif item_id in by_id and offset is not None:
                await self.fire(kind, by_id[item_id].slug, offset, resume=True)
            else:
                await ledger.finish_many(self.db, [(k, False, None, "session gone") for k in keys],
                                         real_now)
        return sum(len(keys) for keys in groups.values())

    # -- planning ------------------------------------------------------------------------

    def _ask(self, program: Program, zone: ZoneInfo | None) -> Ask:
        snapshot = self.catalog.current
        return Ask(program, snapshot.index, self.clock.now(),
                   reading_zone(program, zone, self.default_zone))

    async def _zones(self, platform: str, users: list[str]) -> dict[str, ZoneInfo | None]:
        return await self.preferences.timezones(platform, users)

    async def _plan(self, program: Program, slot: Slot) -> list[Planned]:
        item, kind, offset = slot.item, slot.kind, slot.offset
        planned: list[Planned] = []
        replies: dict[tuple[str, ZoneInfo | None], Reply] = {}

        def add(platform: str, target: str, direct: bool, reply: Reply, label: str,
                buttons: tuple = ()) -> None:
            key = self.config.namespace + delivery_key(kind, item, platform, target, offset)
            entry = ledger.Entry(key, kind, item.id, platform, target, slot.due, offset)
            planned.append(Planned(entry, Outgoing(key, platform, target, direct, reply,
                                                   buttons, label)))

        for platform, messenger in self.messengers.items():
            rehearsal = messenger.info.rehearsal
            if kind == ANNOUNCE:
                channel = "announcements" if rehearsal else (
                    program.workshop.channel(platform, "announcements"))
                if channel:
                    buttons = (notices.remind_button(item),) if offset > 0 else ()
                    add(platform, channel, False,
                        notices.announcement(self._ask(program, None), item, offset),
                        "announcements", buttons)
            elif kind in (SPEAKER, DIGEST):
                # a rehearsal DMs the console by name; live, only speakers with an account
                accounts = {account: p for p in item.people
                            if (account := p.name if rehearsal else p.account(platform))}
                if kind == SPEAKER:
                    questions = await self._questions(item, offset)
                else:
                    questions = await self.unanswered(item) if self.unanswered else []
                    if not questions:
                        continue  # no digest when every question was answered
                zones = await self._zones(platform, list(accounts))
                for account, person in accounts.items():
                    ask = self._ask(program, zones.get(account))
                    reply = (notices.speaker_reminder(ask, item, questions) if kind == SPEAKER
                             else notices.digest(ask, item, questions))
                    add(platform, account, True, reply, f"speaker {person.name}")
            elif kind == SUBSCRIBER:
                users = await subs.for_item(self.db, item.id, offset, [platform])
                zones = await self._zones(platform, users)
                for user in users:
                    zone = zones.get(user)
                    if (platform, zone) not in replies:
                        replies[(platform, zone)] = notices.subscriber_reminder(
                            self._ask(program, zone), item)
                    add(platform, user, True, replies[(platform, zone)], f"subscriber {user}")
        planned.sort(key=lambda p: 0 if not p.message.direct else 1)  # channels first
        return planned

    async def _questions(self, item: Item, offset: int) -> list[Line]:
        if self.questions is None:
            return []
        return await self.questions(item, offset)

    # -- program changes -----------------------------------------------------------------

    async def announce_changes(
        self, revision: int, changes: Sequence[SessionChange], *, resume: bool = False,
        late: bool = False,
    ) -> FanoutReport:
        """Tell subscribers of moved or removed sessions, and each channel once; with
        ``late``, drop (and record) the notices instead, as too late to be news."""
        program = self.catalog.current.program
        planned: list[Planned] = []
        now = self.clock.now()

        def add(platform: str, target: str, direct: bool, reply: Reply, slug: str,
                item_id: int | None, label: str) -> None:
            key = self.config.namespace + change_key(revision, slug, platform, target)
            entry = ledger.Entry(key, CHANGE, item_id, platform, target, now, None, revision)
            planned.append(Planned(entry, Outgoing(key, platform, target, direct, reply, (),
                                                   label)))

        for platform, messenger in self.messengers.items():
            rehearsal = messenger.info.rehearsal
            channel = "announcements" if rehearsal else (
                program.workshop.channel(platform, "announcements"))
            if channel and changes:
                add(platform, channel, False,
                    notices.change_for_channel(self._ask(program, None), changes), "channel",
                    None, "announcements")
            for change in changes:
                if change.change == "added" or change.item_id is None:
                    continue
                users = list(dict.fromkeys(
                    await subs.for_item(self.db, change.item_id, None, [platform])))
                zones = await self._zones(platform, users)
                for user in users:
                    reply = notices.change_for_subscriber(self._ask(program, zones.get(user)),
                                                          change)
                    add(platform, user, True, reply, change.slug, change.item_id,
                        f"subscriber {user}")
        if not planned:
            return FanoutReport()
        if late:
            dropped = await ledger.drop(self.db, [p.entry for p in planned],
                                        self.real_clock.now())
            self._skipped(planned, dropped)
            if dropped:
                log.info("Dropped %d notice(s) of program change r%d: more than %s late",
                         len(dropped), revision, self.config.grace)
            return FanoutReport(planned=len(planned), dropped=len(dropped))
        report = await self._send(planned, None, resume=resume)
        # Every instance looks at each change; only the one that sent something says so.
        level = logging.INFO if report.sent or report.failed else logging.DEBUG
        log.log(level, "Program change r%d: %d notice(s) sent, %d failed, %d already decided",
                revision, report.sent, report.failed, report.skipped)
        return report

    async def process_changes(
        self, since: datetime | None = None, resume_revision: int | None = None,
        late_after: timedelta | None = None,
    ) -> None:
        """Send notices for recorded program changes (each once, whoever gets there first);
        with ``late_after``, those recorded longer ago than that are dropped instead."""
        program = self.catalog.current.program
        after = resume_revision - 1 if resume_revision is not None else 0
        found = await changes_since(self.db, program.workshop.slug, after)
        recorded = [(r, c, at) for r, c, at in found
                    if (resume_revision is None or r == resume_revision)
                    and (since is None or at >= since)]
        now = self.clock.now()
        for revision, changes, at in recorded:
            await self.announce_changes(
                revision, changes, resume=resume_revision is not None,
                late=late_after is not None and now - at > late_after,
            )

    # -- sending -----------------------------------------------------------------------

    async def _send(self, planned: list[Planned], item: Item | None, *, resume: bool
                    ) -> FanoutReport:
        if planned and planned[0].entry.kind == DIGEST:
            item = None  # a digest goes out as its session ends: no cut-off at the end
        report = FanoutReport(planned=len(planned))
        began = time.perf_counter()
        limits = {p: asyncio.Semaphore(self.config.concurrency) for p in self.messengers}
        for start in range(0, len(planned), self.config.chunk):
            chunk = planned[start:start + self.config.chunk]
            if item is not None and item.end is not None and self.clock.now() >= item.end:
                dropped = await ledger.drop(self.db, [p.entry for p in planned[start:]],
                                            self.real_clock.now())
                self._skipped(planned[start:], dropped)
                report.dropped += len(dropped)
                log.info("Stopped sending for %s: the session has ended (%d not sent)",
                         item.slug, len(dropped))
                break
            keys = [p.entry.key for p in chunk]
            won = await ledger.claim(self.db, [p.entry for p in chunk], self.config.instance,
                                     self.real_clock.now())
            resumed = await ledger.mine(self.db, set(keys) - won, self.config.instance) \
                if resume else set()
            todo = [p for p in chunk if p.entry.key in won or p.entry.key in resumed]
            report.skipped += len(chunk) - len(todo)
            results: list[tuple[str, bool, str | None, str | None]] = []
            async with asyncio.TaskGroup() as group:
                for plan in todo:
                    platform = plan.entry.platform
                    # A free slot first, then the pace: sends leave evenly spaced even
                    # when slow answers made several slots free up at once.
                    await limits[platform].acquire()
                    await self._pacers[platform].wait()
                    group.create_task(self._deliver(plan, plan.entry.key in resumed, results,
                                                    limits[platform], report))
            await ledger.finish_many(self.db, results, self.real_clock.now())
        report.seconds = time.perf_counter() - began
        return report

    async def _deliver(
        self,
        plan: Planned,
        resumed: bool,
        results: list[tuple[str, bool, str | None, str | None]],
        limit: asyncio.Semaphore,
        report: FanoutReport,
    ) -> None:
        messenger = self.messengers[plan.entry.platform]
        try:
            ref = await messenger.find_delivered(plan.message) if resumed else None
            if ref is None:
                ref = await messenger.deliver(plan.message)
            else:
                report.found += 1
            results.append((plan.entry.key, True, ref, None))
            report.sent += 1
            self._metrics.reminder("sent", plan.entry.platform)
        except DeliveryError as exc:
            results.append((plan.entry.key, False, None, str(exc)))
            report.failed += 1
            self._metrics.reminder("failed", plan.entry.platform)
            log.warning("Could not send %s to %s on %s: %s", plan.entry.kind,
                        plan.message.label or plan.entry.target, plan.entry.platform, exc)
        except Exception as exc:  # one recipient's failure must not stop the rest
            results.append((plan.entry.key, False, None, f"{type(exc).__name__}: {exc}"))
            report.failed += 1
            self._metrics.reminder("failed", plan.entry.platform)
            log.warning("Could not send %s to %s on %s: %s: %s", plan.entry.kind,
                        plan.message.label or plan.entry.target, plan.entry.platform,
                        type(exc).__name__, exc)
        finally:
            limit.release()

    async def _give_up(self, planned: list[Planned], reason: str) -> None:
        keys = await ledger.mine(self.db, [p.entry.key for p in planned], self.config.instance)
        await ledger.finish_many(self.db, [(k, False, None, reason) for k in keys],
                                 self.real_clock.now())
        self._skipped(planned, keys)

    def _skipped(self, planned: Sequence[Planned], keys: set[str]) -> None:
        """Count the messages of ``planned`` recorded as never to be sent (``keys``:
        too late, or their session ended), each on its platform. Those another process
        decided are its to count."""
        if not keys:
            return
        by_platform: dict[str, int] = {}
        for plan in planned:
            if plan.entry.key in keys:
                by_platform[plan.entry.platform] = by_platform.get(plan.entry.platform, 0) + 1
        for platform, count in by_platform.items():
            self._metrics.reminder("skipped", platform, count)

