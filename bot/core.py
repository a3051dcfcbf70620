"""The core services, built once by the composition root and handed to every adapter."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.catalog import Catalog
from bot.clock import Clock
from bot.direct_channels import DirectChannels
from bot.preferences import Preferences
from bot.qa.service import QaService
from bot.reminders.service import ReminderService
from bot.router import Router
from bot.settings import Settings
from bot.store.database import Database


@dataclass(slots=True)
class Core:
    """What an adapter may use: the router to answer, the catalog for names, the clock."""

    settings: Settings
    clock: Clock
    db: Database
    catalog: Catalog
    preferences: Preferences
    reminders: ReminderService
    qa: QaService
    router: Router
    direct_channels: DirectChannels
    program_files: tuple[Path, ...] = ()  # what the program was read from (watched)
