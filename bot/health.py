"""Whether this process can do its work, for a load balancer's or supervisor's health
check (``GET /healthz`` on the bot's HTTP server).

The database is the one part whose loss makes a process unhealthy: without it nothing
can be saved, and a process that cannot reach it should be taken out of rotation while
another one can. Other parts (the reminder scheduler, the change notifications) are
reported by name with their state; a change listener that is reconnecting leaves the
process healthy, since the polls follow other processes meanwhile.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import text

from bot.store.database import Database
from bot.store.outage import reason

if TYPE_CHECKING:
    from aiohttp import web

HEALTH_PATH = "/healthz"
PROBE_TIMEOUT = 3.0  # seconds: a health check must answer before the checker gives up

# A part's state: (healthy, what to show), asked at every check.
Probe = Callable[[], tuple[bool, str]]


@dataclass(frozen=True, slots=True)
class HealthReport:
    healthy: bool
    parts: dict[str, str]  # each part's state: "ok", or what is wrong with it


class Health:
    """The parts of this process, each with a probe; the database is always one."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._probes: dict[str, Probe] = {}

    def watch(self, name: str, probe: Probe) -> None:
        """Report ``name`` from now on (the composition root adds what it starts)."""
        self._probes[name] = probe

    def forget(self, name: str) -> None:
        self._probes.pop(name, None)

    async def check(self) -> HealthReport:
        healthy = True
        parts: dict[str, str] = {}
        try:
            async with asyncio.timeout(min(PROBE_TIMEOUT, self._db.timeout)):
                async with self._db.engine.connect() as connection:
                    await connection.execute(text("SELECT 1"))
            parts["database"] = "ok"
        except Exception as exc:  # any failure to answer is the answer
            healthy = False
            parts["database"] = f"unreachable: {reason(exc)}"
        for name, probe in self._probes.items():
            fine, state = probe()
            healthy = healthy and fine
            parts[name] = state
        return HealthReport(healthy, parts)


def health_page(health: Health) -> Callable[[web.Request], Awaitable[web.Response]]:
    """``GET /healthz``: 200 with each part's state, or 503 naming what failed."""

    async def page(_request: web.Request) -> web.Response:
        from aiohttp import web  # loaded already: this runs in its server

        report = await health.check()
        return web.json_response({"healthy": report.healthy, **report.parts},
                                 status=200 if report.healthy else 503)

    return page
