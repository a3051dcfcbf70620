"""Every service the composition root builds, held together for its lifetime.

``bot.app.open_core`` builds these once, in order, and closes them in reverse. The CLI,
the program watcher, the benchmarks and the tests use them directly; adapters never do:
they get :attr:`Services.core`, the narrow :class:`bot.core.Core`, which takes their
events in and lends them nothing of the database or the stores.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bot.catalog import Catalog
from bot.clock import Clock
from bot.core import Core
from bot.direct_channels import DirectChannels
from bot.health import HEALTH_PATH, Health, health_page
from bot.metrics import METRICS_PATH, Metrics
from bot.preferences import Preferences
from bot.qa.service import QaService
from bot.receipts import Receipts
from bot.reminders.service import ReminderService
from bot.router import Router
from bot.settings import Settings
from bot.store.database import Database
from bot.web.server import HttpServer


@dataclass(slots=True)
class Services:
    """The bot's services; ``core`` is the adapters' whole view of them."""

    settings: Settings
    clock: Clock
    db: Database
    catalog: Catalog
    preferences: Preferences
    reminders: ReminderService
    qa: QaService
    router: Router
    direct_channels: DirectChannels
    receipts: Receipts
    http: HttpServer  # Slack's HTTP mode and the web pages share it
    program_files: tuple[Path, ...] = ()  # what the program was read from (watched)
    metrics: Metrics = field(kw_only=True)  # what GET /metrics serves; the root made it
    core: Core = field(init=False)
    health: Health = field(init=False)

    def __post_init__(self) -> None:
        self.health = Health(self.db)
        self.http.route("GET", HEALTH_PATH, health_page(self.health))  # load balancers'
        self.http.route("GET", METRICS_PATH, self.metrics.handler())  # Prometheus'
        self.qa.watch(self.metrics.qa_changed)  # questions, votes and status changes
        # Database errors, wherever met (the reminder service counts its own).
        self.metrics.count_outages(self.router.outage, self.preferences.outage,
                                   self.qa.outage, self.direct_channels.outage,
                                   self.receipts.outage)
        self.core = Core(self.settings, self.clock, self.catalog, self.preferences, self.qa,
                         self.router, self.direct_channels, self.receipts, self.health,
                         self.http, self.metrics)
