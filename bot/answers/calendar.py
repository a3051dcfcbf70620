"""Taking the program into a calendar: "agenda ics" (the asker's own reminders, each
session with an alarm at every offset they chose) and "agenda ics all" (everything)."""

from __future__ import annotations

from bot.answers.context import Ask
from bot.calendar_export import MIME, program_calendar
from bot.messages import Attachment, Reply, UserRef
from bot.program import examples
from bot.reminders.service import ReminderService


async def agenda_ics(ask: Ask, arg: str, user: UserRef, reminders: ReminderService) -> Reply:
    program = ask.program
    slug = program.workshop.slug
    if arg == "all":
        data = program_calendar(program, ask.now)
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
    alarms: dict[int, list[int]] = {}
    sessions = {}
    for item, offset in found:
        alarms.setdefault(item.id, []).append(offset)
        sessions[item.id] = item
    data = program_calendar(program, ask.now, items=sessions.values(), alarms=alarms,
                            name=f"{program.workshop.full_name}: my sessions")
    count = len(sessions)
    noun = "session" if count == 1 else "sessions"
    return ask.reply(
        (f"📅 Your {count} {noun} with {'its' if count == 1 else 'their'} reminders, as a "
         f"calendar file: open it to add {'it' if count == 1 else 'them'} to your calendar, "
         "alarms included.",),
        attachment=Attachment(f"{slug}-my-sessions.ics", data, MIME),
        private=True,
    )
