"""Attendees' own reminders: "remind kraska 30m", "remind list", "remind cancel all"."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

from bot.answers.context import Ask
from bot.messages import Line, Moment, Quote, Reply, UserRef
from bot.program import Item, examples
from bot.reminders.service import ReminderService

OFFSET = re.compile(
    r"(?:^|\s+)(?:(?P<h>\d{1,3})\s*(?:h|hr|hrs|hours?)(?:\s*(?P<hm>\d{1,2})\s*(?:m|min|mins|minutes?)?)?"
    r"|(?P<m>\d{1,4})\s*(?:m|min|mins|minutes?)?"
    r"|(?P<zero>at (?:the )?start|when it starts|as it starts))"
    r"(?:\s+(?:before|early|ahead|in advance|beforehand))?$",
    re.IGNORECASE,
)
ALL = frozenset({"", "all", "everything", "all reminders", "them all"})
MAX_OFFSET = 7 * 24 * 60


def parse_offset(text: str) -> tuple[str, int | None]:
    """ "compilergym 30m" -> ("compilergym", 30); "kraska" -> ("kraska", None)."""
    match = OFFSET.search(text.strip())
    if match is None or (match.start() == 0 and not match.group("zero")):
        return text.strip(), None
    if match["zero"]:
        minutes = 0
    elif match["h"]:
        minutes = int(match["h"]) * 60 + int(match["hm"] or 0)
    else:
        minutes = int(match["m"])
    return text[: match.start()].strip(), minutes


def describe_offset(minutes: int) -> str:
    if minutes == 0:
        return "as it starts"
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{minutes} min before"
    return f"{hours} h {rest} min before" if rest else f"{hours} h before"


def _session(ask: Ask, query: str) -> Item | Reply:
    """The scheduled session ``query`` names, or the reply explaining why there is none."""
    item = ask.program.by_slug.get(query.strip().casefold())
    if item is None:
        entry = ask.one(query)
        if isinstance(entry, Reply):
            return entry
        if entry.person is not None:
            sessions = [i for i in ask.program.items_of(entry.person) if i.is_scheduled]
            if len(sessions) != 1:
                return ask.reply((f"{entry.person.name} has {len(sessions) or 'no'} scheduled "
                                  "sessions; say which one, e.g. “remind <title>”.",))
            return sessions[0]
        assert entry.item is not None
        item = entry.item
    if not item.is_scheduled:
        return ask.reply((f"“{item.display_title}” has no time slot on the program, so there "
                          "is nothing to remind you of.",), kind="not_found")
    return item


def _default_offset(ask: Ask, item: Item) -> int:
    """The program's default, or less when the session is too close for it ("Remind me"
    pressed on a "starts in 10 minutes" announcement): 5-minute steps, else at the start."""
    default = ask.program.workshop.reminders.subscriber_default
    if _minutes_left(ask, item) > default:
        return default
    return _shorter_offset(ask, item) or 0


def _shorter_offset(ask: Ask, item: Item) -> int | None:
    """An offset that still works for ``item``, which starts soon, to suggest after one
    that is already past: the most whole 5 minutes that leave a minute to spare (7 minutes
    away: 5), else 0, "at start"; None when the start is less than a minute away, where
    even that would come too late to be of use. Always shorter than the refused one,
    which was at least the time left."""
    left = _minutes_left(ask, item)
    if left < 1:
        return None
    return int((left - 1) // 5) * 5


def _minutes_left(ask: Ask, item: Item) -> float:
    return (item.span[0] - ask.now).total_seconds() / 60


async def remind(ask: Ask, arg: str, user: UserRef, reminders: ReminderService) -> Reply:
    query, offset = parse_offset(arg)
    if not query:
        example = examples(ask.program).last_name
        return ask.reply((f"Remind you of what? For example: “remind {example} 30m”.",),
                         kind="help")
    found = _session(ask, query)
    if isinstance(found, Reply):
        return found
    item = found
    assert item.start is not None and item.end is not None
    if offset is None:
        offset = _default_offset(ask, item)
    if offset > MAX_OFFSET:
        return ask.reply(("I can remind you at most a week ahead.",), kind="error")
    due = item.start - timedelta(minutes=offset)
    if ask.now >= item.end:
        return ask.reply((f"“{item.display_title}” has already ended (",
                          Moment(item.end, relative=True), ")."), kind="error")
    if ask.now >= item.start:
        return ask.reply((f"“{item.display_title}” has already started (",
                          Moment(item.start, relative=True), ")."), kind="error")
    if due <= ask.now:
        refused: Line = (f"“{item.display_title}” starts at ", Moment(item.start, relative=True),
                         f": {describe_offset(offset)} that is already past, so I set no "
                         "reminder.",)
        shorter = _shorter_offset(ask, item)
        if shorter is None:
            return ask.reply(refused, kind="error")
        words = "at start" if shorter == 0 else f"{shorter}m"
        return ask.reply(refused, ("Try a shorter time, e.g. “remind ", Quote(query, marks=False),
                                   f" {words}”."), kind="error")
    created = await reminders.subscribe(user, item, offset)
    if not created:
        return ask.reply((f"You already have that reminder: {describe_offset(offset)} "
                          f"“{item.display_title}”.",))
    what = (f"when “{item.display_title}” starts" if offset == 0
            else f"{describe_offset(offset)} “{item.display_title}”")
    return ask.reply(
        (f"⏰ Done: I'll remind you {what}, at ", Moment(due, relative=True), "."),
        ("Say “remind list” to see your reminders.",),
    )


async def remind_list(ask: Ask, user: UserRef, reminders: ReminderService) -> Reply:
    found = await reminders.subscriptions(user)
    upcoming = [(item, offset) for item, offset in found if item.end and item.end > ask.now]
    if not upcoming:
        return ask.reply((f"You have no reminders. Try “remind {examples(ask.program).last_name}"
                          " 30m”.",))
    cards = tuple(replace(ask.card(item, detail=False), note=describe_offset(offset))
                  for item, offset in upcoming)
    return ask.reply(("Your reminders:",), cards=cards, layout="list",
                     after=(("Say “remind cancel <talk>” or “remind cancel all” to stop one.",),))


async def remind_cancel(ask: Ask, arg: str, user: UserRef, reminders: ReminderService) -> Reply:
    query = parse_offset(arg)[0]
    if query.casefold() in ALL:
        removed = await reminders.unsubscribe(user, None)
        if not removed:
            return ask.reply(("You had no reminders.",))
        return ask.reply((f"Cancelled all {removed} of your reminders." if removed > 1
                          else "Cancelled your reminder.",))
    found = _session(ask, query)
    if isinstance(found, Reply):
        return found
    removed = await reminders.unsubscribe(user, found)
    lines: Line = ((f"Cancelled your reminder for “{found.display_title}”." if removed == 1
                    else f"Cancelled {removed} reminders for “{found.display_title}”."),) \
        if removed else (f"You had no reminder for “{found.display_title}”.",)
    return ask.reply(lines)
