"""The composition root: settings -> clock -> database -> program -> services -> adapters.

Everything is built here, in this order, and torn down here in reverse; nothing else
reaches for a global. ``open_core`` is shared by every command (``ask`` answers one
question with it, ``run`` serves platforms with it).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager

from sqlalchemy.exc import DBAPIError, OperationalError

from bot.adapter import Adapter, AdapterFactory, installed_factories
from bot.catalog import Catalog
from bot.clock import Clock, build_clock
from bot.core import Core
from bot.preferences import Preferences
from bot.program_file import load_program_file
from bot.router import Router
from bot.settings import Settings
from bot.store.database import Database
from bot.store.program_sync import load_program, save_program
from bot.timezones import parse_timezone

log = logging.getLogger(__name__)


class StartupError(Exception):
    """The bot cannot start for a reason outside the program file and settings."""


@asynccontextmanager
async def open_core(settings: Settings, clock: Clock | None = None) -> AsyncIterator[Core]:
    """Build the core services; the database is closed again on exit."""
    loaded = load_program_file(settings.bot_program)  # ProgramError before any write
    clock = clock or build_clock(settings.bot_now, settings.bot_speed)
    db = Database(settings.database_url)
    try:
        try:
            await db.create_schema()
            report = await save_program(db, loaded.spec)
            program = await load_program(db, loaded.spec.workshop.id)
        except (OSError, OperationalError, DBAPIError) as exc:
            reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
            raise StartupError(f"cannot use the database {db.describe()}: {reason}") from None
        log.info(
            "Program %r from %s: %d sessions, %d papers, %d people (%s); database %s",
            program.workshop.full_name, loaded.source, len(program.scheduled),
            len(program.papers), len(program.people), report.summary(), db.describe(),
        )
        default_zone = parse_timezone(settings.bot_timezone) if settings.bot_timezone else None
        catalog = Catalog(program)
        preferences = Preferences(db)
        router = Router(catalog, preferences, clock, default_zone)
        yield Core(settings, clock, db, catalog, preferences, router)
    finally:
        await db.dispose()


def choose_adapters(
    core: Core, factories: Mapping[str, AdapterFactory] | None = None
) -> list[Adapter]:
    """Every configured platform; the console when there is none (or when asked for)."""
    factories = installed_factories() if factories is None else factories
    built = [adapter for create in factories.values() if (adapter := create(core)) is not None]
    platforms = [a for a in built if not a.fallback]
    if platforms and not core.settings.bot_console:
        return platforms
    return built


async def serve(adapters: list[Adapter]) -> int:
    """Run the adapters side by side until one asks to stop, a signal arrives, or all fail."""
    if not adapters:
        raise StartupError("no adapter is installed; reinstall the package (pip install -e .)")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    tasks = {asyncio.create_task(a.run(), name=f"adapter:{a.name}"): a for a in adapters}
    for adapter in adapters:
        log.info("%s adapter starting", adapter.name)
    stopper = asyncio.create_task(stop.wait(), name="stop-signal")
    failures = 0
    pending = set(tasks)
    try:
        while pending:
            done, _ = await asyncio.wait(pending | {stopper}, return_when=asyncio.FIRST_COMPLETED)
            if stopper in done:
                log.info("Stopping on signal")
                break
            for task in done:
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
        stopper.cancel()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, stopper, return_exceptions=True)
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(sig)
    return 1 if failures == len(adapters) else 0
