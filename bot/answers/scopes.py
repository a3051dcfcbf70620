"""The day, or part of one, a question narrows to ("tomorrow", "this afternoon", "day 2",
"after lunch", "in Saal 2"), and the items in it. Shared by the answers that narrow:
first and last, and anything whose question ended with such words (Request.scope)."""

from __future__ import annotations

from datetime import date

from bot import timefmt
from bot.answers import schedule
from bot.answers.context import Ask
from bot.dates_said import conference_day, find_date, said_as
from bot.intents import WEEKDAYS
from bot.messages import Reply
from bot.program import Item

# Parts of a day, as local hours [from, to) in the workshop's own zone.
DAY_PARTS = {"morning": (0, 12), "afternoon": (12, 18), "evening": (18, 24),
             "night": (18, 24), "tonight": (18, 24), "midday": (11, 14)}
# The words of a scope that are not a room's or track's name.
SCOPE_WORDS = frozenset({
    "today", "tomorrow", "tonight", "day", "days", "the", "this", "of", "in", "on", "at", "for",
    "during", "morning", "afternoon", "evening", "night", "midday", "lunch", "break", "after",
    "before", "first", "second", "third", "fourth", "fifth", "last", "final", "workshop",
    "event", "program", "programme", "conference", "summit", "schedule", "congress", "start",
    "end", "whole", "entire", *WEEKDAYS})
ANY_KIND = frozenset({"", "item", "items", "thing", "things", "session", "sessions", "event",
                      "events", "slot", "slots", "one", "ones", "act", "acts"})


def scoped(ask: Ask, scope: str) -> tuple[list[Item], str]:
    """The items a scope means ("afternoon", "day 2", "tomorrow", "after lunch", "" for
    the current day), and how to say it (" this afternoon", " on day 2")."""
    program = ask.program
    days = program.program_days()
    if not days:
        return [], ""
    words = scope.casefold().split()
    current = schedule._current_day(ask)
    day: date | None = current if len(days) > 1 else None
    said = ""
    if "tomorrow" in words:
        day, said = schedule.tomorrow(ask), " tomorrow"
    elif "today" in words or scope.casefold() == "day":
        day, said = current, " today" if len(days) > 1 else ""
    elif any(w in ("workshop", "event", "program", "programme", "conference", "summit",
                   "schedule", "days") for w in words):  # "across both days": all of it
        day, said = None, ""
    if (named := find_date(scope)) is not None:  # "… on the 16th", "June 17"
        found = conference_day(days, said_as(named[0], named[1]))
        if found is None:
            return [], f" on the {named[2].group(0).removeprefix('the ')}"
        day, said = found, f" on {timefmt.short_date(found)}"
        words = [w for w in words if w not in named[2].group(0).casefold().split()]
    for number, word in enumerate(("first", "second", "third", "fourth", "fifth"), 1):
        if word in words and "day" in words and number <= len(days):
            day, said = days[number - 1], f" on day {number}"
    if {"last", "final"} & set(words) and "day" in words:
        day, said = days[-1], " on the last day"
    for word in words:
        digits = word.removeprefix("day")
        if digits.isdigit() and ("day" in words or word.startswith("day")) and \
                1 <= int(digits) <= len(days):
            day, said = days[int(digits) - 1], f" on day {digits}"
        if word in WEEKDAYS:
            found = [d for d in days if d.weekday() == WEEKDAYS.index(word)]
            if not found:  # "… on wednesday" of a Monday-Tuesday program: nothing
                return [], f" on {word.capitalize()}"
            day, said = found[0], f" on {word.capitalize()}"
    items = [i for i in program.scheduled if day is None or program.day_of(i) == day]
    if day is not None and len(days) > 1 and not said:
        said = f" on {timefmt.long_date(day)}"
    part = next((p for p in DAY_PARTS if p in words), None)
    if part is not None:
        low, high = DAY_PARTS[part]
        zone = program.workshop.timezone
        items = [i for i in items if low <= i.span[0].astimezone(zone).hour < high]
        said = (" tonight" if part == "tonight" else f" in the {part}") + said
    rest = " ".join(w for i, w in enumerate(words) if w not in SCOPE_WORDS and not (
        (w.startswith("day") and w[3:].isdigit()) or (w.isdigit() and i and words[i - 1] == "day")))
    place = schedule._place(program, rest) if rest else None
    if place is not None:  # "the last talk in Saal 2 today"
        items = schedule._there(place, items)
        said = f" in {place[1]}" + said
    if "lunch" in words or "break" in words:
        breaks = [i for i in items if i.kind == "break" and (
            "lunch" in i.title.casefold() or "lunch" not in words)]
        if breaks and "before" in words:
            start = breaks[0].span[0]
            items = [i for i in items if i.span[1] <= start]
            said = f" before {breaks[0].display_title}"
        elif breaks:
            end = breaks[0].span[1]
            items = [i for i in items if i.span[0] >= end]
            said = f" after {breaks[0].display_title}"
    return items, said


def narrowed(ask: Ask, items: list[Item]) -> list[Item]:
    """``items`` within the asker's scope (all of them without one)."""
    if not ask.scope:
        return items
    wanted = {id(i) for i in scoped(ask, ask.scope)[0]}
    return [i for i in items if id(i) in wanted]


def scope_words(ask: Ask) -> str:
    """How to say the asker's scope: " tomorrow", " in the afternoon", "" without one."""
    return scoped(ask, ask.scope)[1] if ask.scope else ""


def who_at(ask: Ask, arg: str) -> Reply:
    """Who is on at a time, on the day the question named ("who's on at 10:45 tomorrow")."""
    if not ask.scope:
        return schedule.who_at(ask, arg)
    days = {d for i in scoped(ask, ask.scope)[0] if (d := ask.program.day_of(i))}
    return schedule.who_at(ask, arg, days or None)
