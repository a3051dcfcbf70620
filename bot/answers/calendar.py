"""Taking the program into a calendar: "agenda ics" (the asker's own reminders, each
session with an alarm at every offset they chose), "agenda ics all" (everything), and
"agenda feed" (the address of a feed of the former that calendar apps poll, so it keeps
up with the program and the person's reminders; "agenda feed reset" replaces it).

The files and the feeds are made by the same two functions here (:func:`my_calendar`,
:func:`whole_calendar`), so a feed holds exactly what "agenda ics" would attach.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from bot.answers.context import Ask
from bot.calendar_export import MIME, program_calendar
from bot.messages import Attachment, Reply, UserRef
from bot.program import Item, Program, examples
from bot.reminders.service import ReminderService
from bot.store import feeds

if TYPE_CHECKING:
    from bot.web.links import WebLinks

FEED = "feed"  # the argument of "agenda feed" (bot.intents.calendar_scope); "feed reset"


def whole_calendar(program: Program, now: datetime) -> bytes:
    """Every scheduled session: "agenda ics all", ``export ics`` and /ics/program.ics."""
    return program_calendar(program, now)


def my_calendar(program: Program, now: datetime, found: Sequence[tuple[Item, int]]) -> bytes:
    """The sessions of one person's reminders (``ReminderService.subscriptions``), each
    with an alarm at every offset they chose: "agenda ics" and their feed."""
    alarms: dict[int, list[int]] = {}
    sessions: dict[int, Item] = {}
    for item, offset in found:
        alarms.setdefault(item.id, []).append(offset)
        sessions[item.id] = item
    return program_calendar(program, now, items=sessions.values(), alarms=alarms,
                            name=f"{program.workshop.full_name}: my sessions")


async def agenda_ics(ask: Ask, arg: str, user: UserRef, reminders: ReminderService,
                     links: WebLinks | None = None) -> Reply:
    if arg.startswith(FEED):
        return await agenda_feed(ask, arg.removeprefix(FEED).strip() == "reset", user,
                                 reminders, links)
    program = ask.program
    slug = program.workshop.slug
    if arg == "all":
        data = whole_calendar(program, ask.now)
        return ask.reply(
            (f"📅 The whole program of {program.workshop.full_name}, "
             f"{len(program.scheduled)} sessions, as a calendar file: open it to add them to "
             "your calendar (times keep their zone).",),
            attachment=Attachment(f"{slug}.ics", data, MIME),
        )
    found = await reminders.subscriptions(user)
    if not found:
        return ask.reply(
            ("You have no reminders yet, so your calendar would be empty. Say "
             f"“remind {examples(program).last_name}” first, or “agenda ics all” for the "
             "whole program.",),
            private=True,
        )
    data = my_calendar(program, ask.now, found)
    count = len({item.id for item, _ in found})
    noun = "session" if count == 1 else "sessions"
    return ask.reply(
        (f"📅 Your {count} {noun} with {'its' if count == 1 else 'their'} reminders, as a "
         f"calendar file: open it to add {'it' if count == 1 else 'them'} to your calendar, "
         "alarms included.",),
        attachment=Attachment(f"{slug}-my-sessions.ics", data, MIME),
        private=True,
    )


async def agenda_feed(ask: Ask, reset: bool, user: UserRef, reminders: ReminderService,
                      links: WebLinks | None) -> Reply:
    """The asker's feed address, always in private: it is their credential (whoever has
    it sees their sessions). Without the web pages there is nothing to poll, and the
    calendar file is what they can have instead. The tokens live in the database of the
    reminders the feed shows."""
    if links is None:
        return ask.reply(
            ("Calendar feeds are not served here: this bot's web pages are off (BOT_WEB). "
             "Say “agenda ics” for your reminders as a calendar file instead, or “agenda ics "
             "all” for the whole program.",),
            private=True, kind="help",
        )
    if reset:
        token = await feeds.reset(reminders.db, user.platform, user.id, ask.now)
        first = ("🔑 Your new calendar feed: ", links.personal_feed(token))
        told = ("The old link is dead from now on: a calendar subscribed to it stops "
                "updating, so subscribe to this one instead.",)
    else:
        token = await feeds.token_of(reminders.db, user.platform, user.id, ask.now)
        first = ("📅 Your calendar feed: ", links.personal_feed(token))
        told = ("Add it to your calendar app by URL (“subscribe to calendar”, “from URL”): "
                "it holds the sessions you asked to be reminded of, with their alarms, and "
                "the app updates it by itself when the program or your reminders change.",)
    lines = [first, told,
             ("The link is personal: anyone who has it sees your sessions. “agenda feed "
              "reset” kills it and gives you a new one.",)]
    if not await reminders.subscriptions(user):
        lines.append(("You have no reminders yet, so it is empty for now: say “remind "
                      f"{examples(ask.program).last_name}” to add a session.",))
    lines.append(("The whole program, for everyone: ", links.program_feed()))
    return replace(ask.reply(*lines, private=True), secret=True)
