"""What the core expects of a platform adapter, and how the installed ones are found.

An adapter is small: ``run()`` serves its platform until cancelled (or returns when its
user asks to quit, as the console does). Adapters are registered as entry points in
pyproject.toml (group ``workshop_bot.adapters``), each a function ``create(core)`` that
returns an adapter, or None when its credentials are not configured. That keeps this
package free of any import from ``adapters/``.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from bot.core import Core

ENTRY_POINT_GROUP = "workshop_bot.adapters"


class Adapter(Protocol):
    name: str
    fallback: bool  # True for the console: started only when no platform is configured

    async def run(self) -> None:
        """Serve until cancelled; returning asks the whole bot to stop."""


AdapterFactory = Callable[["Core"], "Adapter | None"]


def installed_factories() -> dict[str, AdapterFactory]:
    """The adapter factories declared by installed packages, by name."""
    return {ep.name: ep.load() for ep in entry_points(group=ENTRY_POINT_GROUP)}
