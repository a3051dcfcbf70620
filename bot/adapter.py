"""What the core expects of a platform adapter, and how the installed ones are found.

An adapter is small: ``run()`` serves its platform until cancelled (or returns when its
user asks to quit, as the console does). Adapters are registered as entry points in
pyproject.toml (group ``workshop_bot.adapters``), each a function ``create(core)`` that
returns an adapter, or None when its credentials are not configured. That keeps this
package free of any import from ``adapters/``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from bot.messages import Button, Outgoing, QuestionView, Reply, ThreadRef

if TYPE_CHECKING:
    from bot.core import Core

ENTRY_POINT_GROUP = "workshop_bot.adapters"


@dataclass(frozen=True, slots=True)
class PlatformInfo:
    """What the core reads of a platform it sends to: its name (as in ``UserRef``), how
    many messages a second it may send (reminders are paced to it), and whether it is a
    rehearsal screen that shows every announcement and speaker reminder (the console)."""

    name: str
    send_rate: float = float("inf")
    rehearsal: bool = False


class Adapter(Protocol):
    name: str
    fallback: bool  # True for the console: started only when no platform is configured

    @property
    def connected(self) -> bool:
        """Whether the platform can reach the bot now (``/healthz`` shows it)."""
        ...

    async def run(self) -> None:
        """Serve until cancelled; returning asks the whole bot to stop."""


class DeliveryError(Exception):
    """A platform refused a message. ``permanent`` (DMs closed, user gone) means trying
    again cannot help; otherwise the failure was transient and was already retried."""

    def __init__(self, reason: str, *, permanent: bool) -> None:
        super().__init__(reason)
        self.permanent = permanent


@runtime_checkable
class Messenger(Protocol):
    """An adapter that can send messages on its own (reminders, notices)."""

    info: PlatformInfo

    async def deliver(self, message: Outgoing) -> str | None:
        """Send ``message``; return the platform's id for it. Raise DeliveryError."""

    async def find_delivered(self, message: Outgoing) -> str | None:
        """After a crash: the id of ``message`` if the platform already has it, else None.

        Platforms that refuse duplicates themselves (Discord's enforce_nonce) may return
        None and rely on :meth:`deliver` being idempotent for the same key.
        """


@runtime_checkable
class QaPublisher(Protocol):
    """An adapter that hosts Q&A threads on its platform."""

    info: PlatformInfo

    async def open_thread(self, channel_id: str, slug: str, title: str, intro: Reply,
                          existing: ThreadRef | None) -> ThreadRef:
        """The item's thread in ``channel_id``: ``existing`` if it is still there, else a
        new one (a forum post, a thread on a starter message, a Slack parent message)."""
        ...

    async def publish_question(self, thread: ThreadRef, question: QuestionView,
                               text: Reply, buttons: tuple[Button, ...]) -> str | None:
        """Post a question asked elsewhere ("ask <paper> …") into the thread, with its
        buttons (Upvote); return the new message's id."""

    async def question_changed(self, thread: ThreadRef, question: QuestionView,
                               text: Reply, buttons: tuple[Button, ...]) -> None:
        """Show a new status (answered, hidden, restored) on the question's message: a
        message the bot posted shows ``text`` and ``buttons`` instead; a person's own
        message, which the bot cannot edit, gets a reaction for the status."""

    async def publish_answer(self, thread: ThreadRef, question: QuestionView,
                             text: Reply) -> None:
        """Post a speaker's or moderator's answer into the thread."""

    async def votes_on(self, thread: ThreadRef, question: QuestionView) -> set[str] | None:
        """Who has 👍-reacted to the question's message now (None: cannot tell)."""


AdapterFactory = Callable[["Core"], "Adapter | None"]


def installed_factories() -> dict[str, AdapterFactory]:
    """The adapter factories declared by installed packages, by name."""
    return {ep.name: ep.load() for ep in entry_points(group=ENTRY_POINT_GROUP)}
