"""The composition root: settings -> clock -> database -> program -> services -> adapters.

Everything is built here, in this order, and torn down here in reverse; nothing else
reaches for a global. ``open_core`` is shared by every command (``ask`` answers one
question with it, ``run`` serves platforms with it).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import signal
import socket
import threading
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy.exc import DBAPIError, OperationalError

from bot.adapter import Adapter, AdapterFactory, Messenger, QaPublisher, installed_factories
from bot.answer_cache import AnswerCache
from bot.catalog import Catalog
from bot.clock import Clock, RehearsalClock, SystemClock, build_clock, rehearsal_clock
from bot.direct_channels import DirectChannels
from bot.metrics import Metrics
from bot.preferences import Preferences
from bot.program_file import ProgramSpec
from bot.program_loader import LoadedProgram, read_program
from bot.program_watch import NOTICE_WINDOW, ProgramWatcher
from bot.qa.service import QaService
from bot.receipts import PRUNE_EVERY, Receipts
from bot.reminders.scheduler import ReminderScheduler
from bot.reminders.service import ReminderConfig, ReminderService
from bot.router import Router
from bot.services import Services
from bot.settings import Settings, program_zone
from bot.store.changes import (
    PROGRAM,
    QA_QUEUE,
    QA_THREADS,
    TIMEZONE,
    Change,
    ChangeListener,
)
from bot.store.database import Database
from bot.store.migrations import NewerDatabaseError
from bot.store.outage import is_database_down, reason
from bot.store.program_sync import SyncReport, load_program, save_program
from bot.store.sqlite_lock import SqliteRunLock
from bot.timezones import parse_timezone
from bot.web.keys import WebKeys
from bot.web.links import WebLinks
from bot.web.server import HttpServer

log = logging.getLogger(__name__)
T = TypeVar("T")


class StartupError(Exception):
    """The bot cannot start for a reason outside the program file and settings."""


@asynccontextmanager
async def open_core(
    settings: Settings, clock: Clock | None = None, *, rehearse_if_over: bool = False,
    web: bool = False,
) -> AsyncIterator[Services]:
    """Build the core services; the database is closed again on exit.

    ``web``: the web pages will be served (``run`` with BOT_WEB, ``web``), so the bot
    hands out links to them; BOT_WEB_SECRET is checked first (a SettingsError).

    ``rehearse_if_over`` is for a console on its own (``run`` with no platform): when no
    clock is set (no BOT_NOW, not even "now") and the whole program is over, the clock is
    a :class:`RehearsalClock` from shortly before its first session. Platforms are never
    given one: their attendees live in real time.
    """
    secret = settings.web_secret() if web else None  # one line, exit 2, before anything
    # any format; ProgramError before any write
    loaded = read_program(settings.bot_program, program_zone(settings))
    if clock is None and rehearse_if_over:
        clock = _rehearsal(settings, loaded.spec)
    clock = clock or build_clock(settings.bot_now, settings.bot_speed)
    db = Database(settings.database_url, timeout=settings.bot_db_timeout)
    try:
        try:
            await db.create_schema()
            report = await _save_unless_older(db, loaded, clock)
            program = await load_program(db, loaded.spec.workshop.id)
        except (OSError, OperationalError, DBAPIError) as exc:
            raise StartupError(f"cannot use the database {db.describe()}: {reason(exc)}"
                               ) from None
        except NewerDatabaseError as exc:
            raise StartupError(f"cannot use the database {db.describe()}: {exc}") from None
        log.info(
            "Program %r from %s: %s, %s, %s (%s); database %s",
            program.workshop.full_name, loaded.source,
            _count(len(program.scheduled), "session"), _count(len(program.papers), "paper"),
            _count(len(program.people), "person", "people"), report.summary(), db.describe(),
        )
        default_zone = parse_timezone(settings.bot_timezone) if settings.bot_timezone else None
        catalog = Catalog(program)
        preferences = Preferences(db)
        await preferences.load()
        metrics = Metrics(time.perf_counter)  # answer latency: a clock that never jumps
        reminders = ReminderService(
            db, catalog, clock, SystemClock(), preferences, reminder_config(settings, clock),
            default_zone, metrics=metrics,
        )
        qa = QaService(db, catalog, clock)
        await qa.threads.current()  # read at start, as the program is: answers link them
        reminders.questions = qa.top_for_speaker
        reminders.unanswered = qa.unanswered_texts
        answers = AnswerCache() if settings.bot_answer_cache else None
        http = HttpServer(settings.bot_http_host, settings.bot_http_port)
        links = None
        if secret is not None:  # login links expire in real time, rehearsal or not
            keys = WebKeys(secret, SystemClock(), timedelta(hours=settings.bot_web_link_hours))
            links = WebLinks(settings.bot_web_url, http, keys)
        router = Router(catalog, preferences, clock, reminders, qa, default_zone, answers,
                        links=links)
        direct_channels = DirectChannels(db)
        # Several processes can share the work only on PostgreSQL (README "Scaling out").
        receipts = Receipts(db, SystemClock(), shared=db.backend == "postgresql")
        try:
            yield Services(settings, clock, db, catalog, preferences, reminders, qa, router,
                           direct_channels, receipts, http, loaded.inputs, metrics=metrics)
        finally:
            await direct_channels.written()  # DM channels noted in the last moments
            await receipts.close()
    finally:
        await db.dispose()


async def _save_unless_older(db: Database, loaded: LoadedProgram, clock: Clock) -> SyncReport:
    """Save the program file, unless it differs from the program the database holds and
    was last changed before that one was saved: then another process (on another host,
    with its own copy) loaded a newer one since, and starting with this copy would roll
    every instance back. The database's is served instead, with a warning; ``workshop-bot
    reload`` loads a file anyway."""
    report = await save_program(db, loaded.spec, clock.now(), saved_at=SystemClock().now(),
                                written_at=_changed_at(loaded.inputs))
    if report.kept is not None:
        log.warning("%s differs from the program in the database and was last changed "
                    "before that was saved (%s, by a reload or another instance): serving "
                    "the database's; run `workshop-bot reload` to load this file anyway",
                    loaded.source, f"{report.kept:%Y-%m-%d %H:%M:%S} UTC")
    return report


def _changed_at(paths: tuple[Path, ...]) -> datetime | None:
    """When the newest of the files a program was read from was last changed."""
    stamps = []
    for path in paths:
        try:
            stamps.append(path.stat().st_mtime)
        except OSError:
            continue
    return datetime.fromtimestamp(max(stamps), UTC) if stamps else None


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


async def reload_program(settings: Settings, clock: Clock | None = None) -> SyncReport:
    """Validate the program file and write it to the database (``workshop-bot reload``).

    Running bots notice the new revision within BOT_RELOAD_POLL seconds, reschedule, and
    send the change notices (once, whichever instance gets there first).
    """
    loaded = read_program(settings.bot_program, program_zone(settings))
    clock = clock or build_clock(settings.bot_now, settings.bot_speed)
    db = Database(settings.database_url, timeout=settings.bot_db_timeout)
    try:
        await db.create_schema()
        return await save_program(db, loaded.spec, clock.now(), saved_at=SystemClock().now())
    except (OSError, OperationalError, DBAPIError) as exc:
        raise StartupError(f"cannot use the database {db.describe()}: {reason(exc)}") from None
    except NewerDatabaseError as exc:
        raise StartupError(f"cannot use the database {db.describe()}: {exc}") from None
    finally:
        await db.dispose()


def _rehearsal(settings: Settings, spec: ProgramSpec) -> RehearsalClock | None:
    """The console's own rehearsal clock, when nothing set the clock and the program is
    over (see :func:`open_core`)."""
    if settings.bot_now is not None or settings.real_time_asked or not spec.schedule:
        return None
    span = (min(s.start for s in spec.schedule), max(s.end for s in spec.schedule))
    return rehearsal_clock(span, SystemClock().now(), settings.bot_speed)


def reminder_config(settings: Settings, clock: Clock | None = None) -> ReminderConfig:
    """This process's reminder settings. Its ledger name is unique per run; a rehearsal
    (a simulated clock) records its sends apart from the live day, under its start time,
    so rehearsing never uses up a real reminder and a restarted rehearsal carries on. The
    console's own rehearsal of a past program (a :class:`RehearsalClock`) is a fresh one
    every run: each ``make run`` shows the day's announcements again."""
    instance = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
    namespace = ""
    if isinstance(clock, RehearsalClock):
        namespace = f"rehearsal@{clock.start.isoformat()}#{instance}|"
    elif settings.bot_now is not None:
        namespace = f"rehearsal@{settings.bot_now.isoformat()}|"
    elif settings.bot_speed != 1.0:
        namespace = f"rehearsal x{settings.bot_speed:g}|"
    return ReminderConfig(
        grace=timedelta(seconds=settings.bot_reminder_grace),
        lease=timedelta(seconds=settings.bot_claim_lease),
        instance=instance,
        namespace=namespace,
    )


def choose_adapters(
    services: Services, factories: Mapping[str, AdapterFactory] | None = None
) -> list[Adapter]:
    """Every configured platform; the console when there is none (or when asked for).
    Each adapter is given the narrow core, never the services themselves."""
    factories = installed_factories() if factories is None else factories
    built = [adapter for create in factories.values()
             if (adapter := create(services.core)) is not None]
    platforms = [a for a in built if not a.fallback]
    if platforms and not services.settings.bot_console:
        return platforms
    return built


def attach(services: Services, adapters: list[Adapter]) -> None:
    """Give the core the adapters that can send reminders and host Q&A threads."""
    for adapter in adapters:
        if isinstance(adapter, Messenger):
            services.reminders.attach(adapter)
        if isinstance(adapter, QaPublisher):
            services.qa.attach(adapter)


async def run_alongside(services: Services, adapters: list[Adapter], work: Awaitable[T]) -> T:
    """Run the adapters just long enough to do ``work`` (``workshop-bot qa setup``)."""
    attach(services, adapters)
    tasks = [asyncio.create_task(a.run(), name=f"adapter:{a.name}") for a in adapters]
    try:
        return await work
    finally:
        for task in tasks:
            task.cancel()
        results = await asyncio.gather(*tasks, return_exceptions=True)
        for adapter, result in zip(adapters, results, strict=True):
            if isinstance(result, Exception):
                log.error("%s adapter failed: %s: %s", adapter.name, type(result).__name__,
                          result)


async def serve(services: Services, adapters: list[Adapter]) -> int:
    """Run the adapters side by side with the reminder scheduler until one adapter asks to
    stop, a signal arrives, or all fail. SIGHUP reloads the program file."""
    if not adapters:
        raise StartupError("no adapter is installed; reinstall the package (pip install -e .)")
    attach(services, adapters)
    run_lock = _one_process_on_sqlite(services.db)
    real_clock = SystemClock()
    scheduler = ReminderScheduler(services.reminders, services.clock, real_clock)
    watcher = ProgramWatcher(services, scheduler, services.settings.bot_program,
                             services.program_files)
    services.metrics.count_outages(scheduler.outage, watcher.outage)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    background: set[asyncio.Task[Any]] = set()

    def reload_on_signal() -> None:
        task = asyncio.create_task(watcher.reload_file(), name="reload")
        background.add(task)
        task.add_done_callback(background.discard)

    handlers = {signal.SIGINT: stop.set, signal.SIGTERM: stop.set, signal.SIGHUP: reload_on_signal}
    _listen_for_signals(loop, handlers)
    started = False  # the scheduler, which starts beside the adapters
    services.health.watch("reminders", lambda: (
        not started or scheduler.scheduler.running,
        "starting" if not started else "ok" if scheduler.scheduler.running else "stopped"))
    if services.db.backend == "postgresql":
        # Listening before the adapters start: once a platform can reach this process,
        # what other processes change reaches it too.
        listener = _follow_changes(services, watcher)
        feed = asyncio.create_task(listener.run(), name="change-notifications")
        background.add(feed)
        feed.add_done_callback(background.discard)
        services.health.watch("change notifications", lambda: (True, (
            "ok" if listener.connected.is_set() else
            f"reconnecting (polls every {services.settings.bot_reload_poll:g} s meanwhile)")))
        with contextlib.suppress(TimeoutError):  # else the polls follow until it connects
            await asyncio.wait_for(listener.connected.wait(), services.db.timeout)
    pages = contextlib.AsyncExitStack()
    await pages.enter_async_context(web_pages(services))  # before any adapter can answer
    tasks = {asyncio.create_task(a.run(), name=f"adapter:{a.name}"): a for a in adapters}
    for task, adapter in tasks.items():
        log.info("%s adapter starting", adapter.name)
        services.health.watch(adapter.name, _adapter_probe(adapter, task))
    stopper = asyncio.create_task(_wait(stop), name="stop-signal")
    failures = 0
    pending = set(tasks)
    _settle_heap()
    try:
        await scheduler.start()
        started = True
        await services.reminders.announce_pending_changes(
            since=services.clock.now() - NOTICE_WINDOW)
        reconcile = asyncio.create_task(_reconcile_votes(services), name="qa-reconcile")
        background.add(reconcile)
        reconcile.add_done_callback(background.discard)
        scheduler.scheduler.add_job(
            watcher.poll, "interval", seconds=services.settings.bot_reload_poll,
            id="maintenance:program", replace_existing=True,
        )
        scheduler.scheduler.add_job(  # zones saved through another process
            services.preferences.refresh, "interval", seconds=services.settings.bot_reload_poll,
            id="maintenance:timezones", replace_existing=True,
        )
        scheduler.scheduler.add_job(  # Q&A threads made by another process, as the program
            services.qa.poll_threads, "interval", seconds=services.settings.bot_reload_poll,
            id="maintenance:qa-threads", replace_existing=True,
        )
        scheduler.scheduler.add_job(  # events acted on, kept while platforms may retry them
            services.receipts.prune, "interval", seconds=PRUNE_EVERY,
            id="maintenance:receipts", replace_existing=True,
        )
        while pending:
            done, _ = await asyncio.wait([*pending, stopper],
                                         return_when=asyncio.FIRST_COMPLETED)
            if stopper in done:
                log.info("Stopping on signal")
                break
            for task in pending & done:
                pending.discard(task)
                name = tasks[task].name
                if task.cancelled():
                    continue
                if (error := task.exception()) is not None:
                    failures += 1
                    log.error("%s adapter failed: %s: %s", name, type(error).__name__, error)
                else:
                    log.info("%s adapter finished; stopping", name)
                    pending.clear()
                    break
    finally:
        if (answers := services.router.answers) is not None and answers.lookups:
            log.info("Stopping; %s", answers.summary())  # what the cache is worth here
        services.health.forget("reminders")
        for adapter in adapters:
            services.health.forget(adapter.name)
        services.health.forget("change notifications")
        scheduler.shutdown()
        stopper.cancel()
        for task in [*tasks, *background]:
            task.cancel()
        await asyncio.gather(*tasks, *background, stopper, return_exceptions=True)
        await pages.aclose()
        _listen_for_signals(loop, dict.fromkeys(handlers))
        gc.unfreeze()  # what start-up built may be garbage now (a test serving again)
        if run_lock is not None:
            run_lock.release()
    return 1 if failures == len(adapters) else 0


@asynccontextmanager
async def web_pages(services: Services) -> AsyncIterator[None]:
    """Serve the web pages while inside (when the bot gives out links to them: BOT_WEB
    with BOT_WEB_SECRET); the HTTP server listens for as long as anyone needs it."""
    links = services.router.links
    if links is None:
        yield
        return
    from bot.web.feeds import add_feed_routes  # aiohttp and Jinja2: only when serving
    from bot.web.pages import add_pages

    add_pages(services.http, links.keys, services.catalog, services.qa, services.router,
              services.clock, secure=links.base.startswith("https://"))
    add_feed_routes(services.http, services.catalog, services.reminders, services.clock,
                    services.db)
    async with services.http.serving():
        log.info("Web pages on %s: the dashboard (/mod, links from “qa dashboard”), room "
                 "screens (/screen, links from “qa screen”), calendar feeds (/ics/...)",
                 links.base)
        yield


async def serve_pages(services: Services) -> int:
    """``workshop-bot web``: the pages, health and metrics, until a signal. No platform
    is connected and no reminder is sent from here; what other processes change reaches
    the pages through the database (their streams re-read it every half minute)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    handlers = {signal.SIGINT: stop.set, signal.SIGTERM: stop.set}
    _listen_for_signals(loop, handlers)
    follow: asyncio.Task[None] | None = None
    if services.db.backend == "postgresql":  # the pages follow what the bots change
        follow = asyncio.create_task(follow_queues(services).run(),
                                     name="change-notifications")
    try:
        async with web_pages(services):
            await stop.wait()
            log.info("Stopping on signal")
    finally:
        if follow is not None:
            follow.cancel()
            await asyncio.gather(follow, return_exceptions=True)
        _listen_for_signals(loop, dict.fromkeys(handlers))
    return 0


def follow_queues(services: Services) -> ChangeListener:
    """A listener for the Q&A changes other processes make (``workshop-bot web`` has no
    other state to follow; after a reconnection its streams' own re-reads catch up)."""
    async def queue(change: Change) -> None:
        if isinstance(question := change.get("question"), int):
            await services.qa.changed_elsewhere(question)

    async def nothing() -> None:
        return None

    return ChangeListener(services.db, {QA_QUEUE: queue}, nothing)


def _adapter_probe(adapter: Adapter, task: asyncio.Task[None]) -> Callable[[], tuple[bool, str]]:
    """An adapter's part of ``/healthz``: connecting is healthy (the start takes a few
    seconds), a stopped or failed adapter is not."""
    def probe() -> tuple[bool, str]:
        if task.done():
            return False, "stopped"
        return True, "connected" if adapter.connected else "connecting"

    return probe


def _one_process_on_sqlite(db: Database) -> SqliteRunLock | None:
    """On SQLite, say in one line when another bot serves from the same file."""
    if db.backend != "sqlite":
        return None
    lock = SqliteRunLock(Path(db.url.database or ""))
    if not lock.take():
        log.warning("Another workshop-bot process is serving from %s: on SQLite each one "
                    "works alone (a retried event may be answered twice, a timezone saved "
                    "there is seen here only after BOT_RELOAD_POLL); more than one process "
                    "needs PostgreSQL (README \"Scaling out\")", db.describe())
    return lock


def _follow_changes(services: Services, watcher: ProgramWatcher) -> ChangeListener:
    """What each kind of change another process announces updates here, within
    milliseconds; after a reconnection, everything is checked (see bot.store.changes)."""
    async def timezone(change: Change) -> None:
        await services.preferences.changed(change)

    async def threads(_change: Change) -> None:
        await services.qa.poll_threads()

    async def program(_change: Change) -> None:
        await watcher.poll()

    async def queue(change: Change) -> None:
        if isinstance(question := change.get("question"), int):
            await services.qa.changed_elsewhere(question)

    async def everything() -> None:
        await services.preferences.refresh()
        await services.qa.poll_threads()
        await watcher.poll()

    return ChangeListener(services.db, {TIMEZONE: timezone, QA_THREADS: threads,
                                        PROGRAM: program, QA_QUEUE: queue}, everything)


async def _wait(event: asyncio.Event) -> None:
    """``event.wait()`` as a coroutine of None, so its task sits with the adapters'."""
    await event.wait()


async def _reconcile_votes(services: Services, retry_every: float = 10.0) -> None:
    """Votes cast while the bot was away, counted once the database lets us (start-up may
    meet an outage: then this waits for the database instead of failing in the dark)."""
    told = False
    while True:
        try:
            await services.qa.reconcile_votes()
            return
        except Exception as exc:
            if not is_database_down(exc):
                raise
            if not told:
                log.info("Votes cast while the bot was away are counted once the database "
                         "answers")
                told = True
            await asyncio.sleep(retry_every)


def _settle_heap() -> None:
    """Keep what start-up built out of every later garbage collection.

    The imported libraries, the program and its fuzzy index, the ORM's metadata: some
    100,000 objects that live as long as the bot. Left in the collector's oldest
    generation, each full collection walks them all again, about 80 ms on a 2-core
    machine, which was the bot's slowest answer under load; frozen (``gc.freeze``),
    collections walk only what was made since. ``serve`` unfreezes them when it ends.
    """
    gc.collect()
    gc.freeze()


def _listen_for_signals(
    loop: asyncio.AbstractEventLoop, handlers: Mapping[signal.Signals, Callable[[], None] | None]
) -> None:
    """Install (or, with None, remove) signal handlers. Only the main thread of a POSIX
    process can: elsewhere (a test running the bot in a thread) the bot still stops when
    its adapters end, and Ctrl-C still works through KeyboardInterrupt."""
    if os.name != "posix" or threading.current_thread() is not threading.main_thread():
        return
    for sig, handler in handlers.items():
        if handler is None:
            loop.remove_signal_handler(sig)
        else:
            loop.add_signal_handler(sig, handler)
