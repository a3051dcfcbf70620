"""The slash commands: what Discord shows people, and how each one reaches the core.

Every command is thin: its options become ``IncomingMessage(command=..., text=...)`` and
the core answers exactly as it answers "/when kraska" typed anywhere else. Answers are
ephemeral (only the asker sees them) unless they set ``public``, so a channel is not
filled with everyone's lookups. Autocomplete comes from the core's own index of names
and titles, and from its list of timezone names.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine, Iterable
from dataclasses import dataclass
from typing import Any, Literal, Protocol

import discord
from discord import app_commands

from adapters.discord import transport
from adapters.discord.render import clip
from bot.core import Core
from bot.matching import ANYTHING, EntryKind

log = logging.getLogger(__name__)

MAX_CHOICES = 25  # Discord's limits for autocomplete
MAX_CHOICE_CHARS = 100
MAX_OPTION_CHARS = 200
PUBLIC = "Show the answer to everyone in the channel (default: only you see it)"
ITEMS: frozenset[EntryKind] = frozenset({"item"})
RESET = "reset"

Text = app_commands.Range[str, 1, MAX_OPTION_CHARS]
Scope = Literal["today", "tomorrow", "all"]
Choices = list[app_commands.Choice[str]]
# An autocomplete callback as discord.py calls it: it answers through ``transport.suggest``
# itself (a late answer is logged, not raised) and returns no choices of its own.
Autocomplete = Callable[[discord.Interaction, str], Coroutine[Any, Any, Choices]]


class AnswerCommand(Protocol):
    """How a command is answered: the client hands it to the core and responds."""

    async def __call__(self, interaction: discord.Interaction, command: str, text: str, *,
                       public: bool, slow: bool = False) -> None: ...


@dataclass(frozen=True, slots=True)
class CommandContext:
    """What the command modules may use: the core's reads (autocomplete) and the way to
    answer. They never call back into the client itself."""

    core: Core
    answer: AnswerCommand


def choices(names: Iterable[str]) -> Choices:
    """Autocomplete choices, each within Discord's 100 characters, values unique.

    A long title is shortened with "…" for display; its value is the title's first 100
    characters, which the core still matches to the title.
    """
    out: Choices = []
    seen: set[str] = set()
    for name in names:
        value = name[:MAX_CHOICE_CHARS].rstrip()
        if not value or value in seen:
            continue
        seen.add(value)
        out.append(app_commands.Choice(name=clip(name, MAX_CHOICE_CHARS), value=value))
        if len(out) == MAX_CHOICES:
            break
    return out


class WorkshopTree(app_commands.CommandTree[discord.Client]):
    """The command tree, whose errors are logged and answered with the apology."""

    async def on_error(self, interaction: discord.Interaction[discord.Client],
                       error: app_commands.AppCommandError, /) -> None:
        name = transport.command_name(interaction)
        if isinstance(error, app_commands.CommandInvokeError):
            log.error("Discord /%s failed", name, exc_info=error.original)
        else:
            log.error("Discord /%s failed: %s: %s", name, type(error).__name__, error)
        await transport.apologise(interaction)


def build_tree(client: discord.Client, context: CommandContext) -> WorkshopTree:
    """The schedule commands (/now … /help), on a new tree for ``client``; the client adds
    /ask and /qa from ``qa_commands``."""
    tree = WorkshopTree(client)
    core = context.core

    async def answer(interaction: discord.Interaction, command: str, text: str,
                     public: bool) -> None:
        await context.answer(interaction, command, text, public=public)

    def names(kinds: frozenset[EntryKind]) -> Autocomplete:
        async def complete(interaction: discord.Interaction, current: str) -> Choices:
            found = core.complete(current, kinds, limit=MAX_CHOICES)
            await transport.suggest(interaction, choices(found))
            return []  # already answered (a failure is logged in one line, not raised)

        return complete

    async def zones(interaction: discord.Interaction, current: str) -> Choices:
        from bot.timezones import complete_timezones

        found = complete_timezones(current, limit=MAX_CHOICES)
        typed = current.strip().casefold()
        offer = [app_commands.Choice(name="reset (back to the workshop's timezone)",
                                     value=RESET)] if typed and RESET.startswith(typed) else []
        await transport.suggest(interaction, (offer + choices(found))[:MAX_CHOICES])
        return []

    @app_commands.command(name="now", description="What is on right now")
    @app_commands.describe(public=PUBLIC)
    async def now(interaction: discord.Interaction, public: bool = False) -> None:
        await answer(interaction, "now", "", public)

    @app_commands.command(name="next", description="What starts next")
    @app_commands.describe(public=PUBLIC)
    async def next_(interaction: discord.Interaction, public: bool = False) -> None:
        await answer(interaction, "next", "", public)

    async def places(interaction: discord.Interaction, current: str) -> Choices:
        typed = current.strip().casefold()
        found = [n for n in core.places() if typed in n.casefold()]
        await transport.suggest(interaction, choices(found))
        return []

    @app_commands.command(name="agenda", description="The program: today's, tomorrow's or all")
    @app_commands.describe(scope="Which days (default: today)", day="One day by its number",
                           where="Only one room or track", public=PUBLIC)
    @app_commands.autocomplete(where=places)
    async def agenda(interaction: discord.Interaction, scope: Scope = "today",
                     day: app_commands.Range[int, 1, 99] | None = None,
                     where: Text | None = None, public: bool = False) -> None:
        days = f"day {day}" if day is not None else scope
        await answer(interaction, "agenda", f"{days} {where or ''}".strip(), public)

    @app_commands.command(name="agenda-ics",
                          description="Your reminders as a calendar file (or the whole program)")
    @app_commands.describe(everything="The whole program instead of your reminders")
    async def agenda_ics(interaction: discord.Interaction, everything: bool = False) -> None:
        await answer(interaction, "agenda-ics", "all" if everything else "", False)

    @app_commands.command(name="agenda-feed",
                          description="A calendar link of your reminders that keeps itself "
                          "up to date")
    @app_commands.describe(reset="Make a new link; the old one stops working")
    async def agenda_feed(interaction: discord.Interaction, reset: bool = False) -> None:
        await answer(interaction, "agenda-ics", "feed reset" if reset else "feed", False)

    @app_commands.command(name="papers", description="Every accepted paper")
    @app_commands.describe(public=PUBLIC)
    async def papers(interaction: discord.Interaction, public: bool = False) -> None:
        await answer(interaction, "papers", "", public)

    @app_commands.command(name="when", description="When a talk, paper or person is on")
    @app_commands.describe(what="A talk, paper or person, e.g. Tim Kraska", public=PUBLIC)
    @app_commands.autocomplete(what=names(ANYTHING))
    async def when(interaction: discord.Interaction, what: Text, public: bool = False) -> None:
        await answer(interaction, "when", what, public)

    @app_commands.command(name="about", description="Title, people, summary and time of a "
                          "talk or paper")
    @app_commands.describe(what="A talk or paper, e.g. CompilerGym", public=PUBLIC)
    @app_commands.autocomplete(what=names(ITEMS))
    async def about(interaction: discord.Interaction, what: Text, public: bool = False) -> None:
        await answer(interaction, "about", what, public)

    @app_commands.command(name="search", description="Search titles, summaries and keywords")
    @app_commands.describe(words="What to look for, e.g. quantization", public=PUBLIC)
    async def search(interaction: discord.Interaction, words: Text,
                     public: bool = False) -> None:
        await answer(interaction, "search", words, public)

    @app_commands.command(name="tz", description="Show or set the timezone your answers use")
    @app_commands.describe(zone="e.g. Europe/Berlin or Tokyo; 'reset' for the workshop's "
                           "timezone; empty to show it", public=PUBLIC)
    @app_commands.autocomplete(zone=zones)
    async def tz(interaction: discord.Interaction, zone: Text | None = None,
                 public: bool = False) -> None:
        await answer(interaction, "tz", zone or "", public)

    def sessions_or_all(include_all: bool) -> Autocomplete:
        async def complete(interaction: discord.Interaction, current: str) -> Choices:
            found = core.complete(current, ITEMS, MAX_CHOICES)
            offer = ["all"] if include_all and "all".startswith(current.strip().casefold()) \
                else []
            await transport.suggest(interaction, choices(offer + found))
            return []
        return complete

    @app_commands.command(name="remind", description="Get a DM before a talk starts")
    @app_commands.describe(what="The talk or session, e.g. Tim Kraska",
                           before="How long before, e.g. 30m or 1h (default: the program's)")
    @app_commands.autocomplete(what=sessions_or_all(False))
    async def remind(interaction: discord.Interaction, what: Text,
                     before: app_commands.Range[str, 1, 20] | None = None) -> None:
        await answer(interaction, "remind", f"{what} {before or ''}".strip(), False)

    @app_commands.command(name="reminders", description="The reminders you have set")
    async def reminders(interaction: discord.Interaction) -> None:
        await answer(interaction, "reminders", "", False)

    @app_commands.command(name="remind-cancel", description="Stop a reminder, or all of them")
    @app_commands.describe(what="The talk, or 'all'")
    @app_commands.autocomplete(what=sessions_or_all(True))
    async def remind_cancel(interaction: discord.Interaction, what: Text) -> None:
        await answer(interaction, "remind", f"cancel {what}", False)

    @app_commands.command(name="help", description="What the bot can answer")
    @app_commands.describe(public=PUBLIC)
    async def help_(interaction: discord.Interaction, public: bool = False) -> None:
        await answer(interaction, "help", "", public)

    for command in (now, next_, agenda, agenda_ics, agenda_feed, papers, when, about, search,
                    tz, remind, reminders, remind_cancel, help_):
        tree.add_command(command)
    return tree
