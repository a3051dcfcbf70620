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
from bot.health import Health
from bot.preferences import Preferences
from bot.qa.service import QaService
from bot.receipts import Receipts
from bot.reminders.service import ReminderService
from bot.router import Router
from bot.settings import Settings
from bot.store.database import Database


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
    program_files: tuple[Path, ...] = ()  # what the program was read from (watched)
    core: Core = field(init=False)
    health: Health = field(init=False)

    def __post_init__(self) -> None:
        self.health = Health(self.db)
        self.core = Core(self.settings, self.clock, self.catalog, self.preferences, self.qa,
                         self.router, self.direct_channels, self.receipts, self.health)
