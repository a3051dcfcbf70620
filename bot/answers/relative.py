"""Questions relative to an item: what comes after or before it, and the first or last
thing of a day, a part of a day or the whole program. Every answer names both the item
asked about and the one it leads to ("After Luis Ceze's talk (ends 4:25 PM PST): …")."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from bot import timefmt
from bot.answers import schedule
from bot.answers.context import Ask
from bot.answers.focus import absent_kind, items_of, of_the_kind_said, pick, unresolved
from bot.answers.scopes import ANY_KIND, scoped
from bot.kind_words import one_of_kind
from bot.matching import normalize
from bot.messages import Line, Moment, Reply
from bot.program import Item
from bot.subjects import (
    InstantSubject,
    KindSubject,
    PersonSubject,
    Subject,
    WorkshopSubject,
    kind_named,
    resolve,
)

TINY = timedelta(microseconds=1)


def _instant(ask: Ask, text: str) -> datetime | None:
    """The instant a clock time ("3pm", "noon") means for this asker, nearest now."""
    clocks = schedule.clock_readings(text, ask.zone)
    first, last = ask.program.first_start, ask.program.last_end
    if not clocks or first is None or last is None:
        return None
    found = schedule._instants(clocks, ask.zone, first - timedelta(hours=12), last)
    if ask.scope and found:  # "after 1:30pm tomorrow": on that day
        days = {ask.program.day_of(i) for i in scoped(ask, ask.scope)[0]}
        zone = ask.program.workshop.timezone
        found = [at for at in found if at.astimezone(zone).date() in days] or found
    return min(found, key=lambda at: abs(at - ask.now)) if found else None


def _subject(ask: Ask, arg: str) -> Subject:
    if (arg and arg[0].isdigit()) or arg.casefold() in ("noon", "midday", "midnight"):
        at = _instant(ask, arg.replace("midday", "noon"))
        if at is not None:
            return InstantSubject(at)
    return resolve(ask, arg)


_IN_ROOM = re.compile(r"^(?P<s>.+?)\s+(?:in|at)\s+(?:the\s+)?(?P<room>(?!\d).+)$", re.IGNORECASE)
SAME_ROOM = "\x00same"  # "… in the same room": the reference's own room


def _room_of(ask: Ask, arg: str) -> tuple[str, str | None]:
    """ "Sokolov in the Audimax" -> ("Sokolov", "Audimax"), when the words after "in" name
    one of the program's rooms (or "the same room"); else the argument as it was."""
    match = _IN_ROOM.match(arg)
    if match is None or not ask.program.many_rooms:
        return arg, None
    said = normalize(match["room"])
    if said in ("same room", "same hall", "same place", "this room", "that room"):
        return match["s"], SAME_ROOM
    room = next((r for r in ask.program.rooms if normalize(r) == said), None)
    return (match["s"], room) if room is not None else (arg, None)


def _in_room(items: list[Item], room: str | None) -> list[Item]:
    return items if room is None else [i for i in items if i.room == room]


def _following(ask: Ask, reference: Item, room: str | None = None) -> list[Item]:
    """What starts soonest once ``reference`` is over, in any room (several when they
    start together): after a keynote comes the coffee break, wherever it is."""
    program = ask.program
    end = reference.span[1]
    later = _in_room([i for i in program.scheduled[program.index_after(end - TINY):]
                      if i is not reference and i.span[0] >= end - TINY], room)
    return [i for i in later if i.span[0] == later[0].span[0]] if later else []


def _preceding(ask: Ask, reference: Item, room: str | None = None) -> list[Item]:
    """What ended last before ``reference`` began, in any room."""
    start = reference.span[0]
    earlier = _in_room([i for i in ask.program.scheduled
                        if i.span[1] <= start and i is not reference], room)
    if not earlier:
        return []
    latest = max(i.span[1] for i in earlier)
    return [i for i in earlier if i.span[1] == latest]


def _listed(ask: Ask, heading: Line, items: list[Item]) -> Reply:
    subject = f"#{items[0].slug}" if len(items) == 1 else ""
    return ask.reply(heading, cards=tuple(ask.card(i, detail=False) for i in items), layout="list",
                     subject=subject)


def _neighbour(ask: Ask, arg: str, later: bool) -> Reply:
    """What comes right after (``later``) or right before what ``arg`` names."""
    word, edge = ("After", 1) if later else ("Before", 0)
    arg, room = _room_of(ask, arg)
    subject = _subject(ask, arg)
    if isinstance(subject, InstantSubject):
        if later:
            found = ask.program.next_after(subject.at - TINY)
        else:
            found = [last] if (last := ask.program.last_before(subject.at)) else []
        if not found:
            return ask.reply((f"Nothing is scheduled {word.lower()} ", Moment(subject.at), "."))
        return _listed(ask, (f"{word} ", Moment(subject.at), ":"), found)
    if isinstance(subject, WorkshopSubject) and arg.casefold() in ("", "that", "it", "this"):
        # "what's after?" with nothing said before it: what is next, or on now
        return schedule.up_next(ask) if later else schedule.on_now(ask)
    if (reply := unresolved(ask, subject)) is not None:
        return reply
    program = ask.program
    if isinstance(subject, WorkshopSubject):
        bound = (program.last_end if later else program.first_start) or ask.now
        return ask.reply((f"{program.workshop.full_name} {'ends' if later else 'starts'} ",
                          Moment(bound, relative=True),
                          f"; nothing is scheduled {word.lower()} it."))
    # "after Vogelsang's keynote": her keynote, not the panel she is also on
    items = of_the_kind_said(ask, subject, items_of(ask, subject), arg)
    if isinstance(subject, PersonSubject):
        # "after Marchetti": after her own talk, not the poster session showing her paper
        spoken = {id(i) for i in ask.program.items_of(subject.person, "speaker")}
        items = [i for i in items if id(i) in spoken] or items
    reference = pick(ask, items)
    if reference is None:
        return ask.reply((f"That has no time slot on the program, so nothing comes "
                          f"{word.lower()} it.",))
    if room == SAME_ROOM:
        room = reference.room
    found = (_following(ask, reference, room) if later else _preceding(ask, reference, room))
    moment = Moment(reference.span[edge])
    ends = "ends" if later else "starts"
    if not found:
        return ask.reply((f"Nothing comes {word.lower()} {reference.display_title} ({ends} ",
                          moment, f"): it is the {'last' if later else 'first'} item.",),
                         subject=f"#{reference.slug}")
    return _listed(ask, (f"{word} {reference.display_title} ({ends} ", moment, "):"), found)


def after(ask: Ask, arg: str) -> Reply:
    return _neighbour(ask, arg, later=True)


def before(ask: Ask, arg: str) -> Reply:
    return _neighbour(ask, arg, later=False)


def _next_to(ask: Ask, items: list[Item], said: str, anchor: str
             ) -> tuple[list[Item], str] | Reply:
    """``items`` before or after what ``anchor`` names ("before the closing", "after
    Vogelsang's keynote", "after 1:30pm"), and how to say it; the reply when it names
    nothing on the program."""
    relation, _, target = anchor.partition(" ")
    subject = _subject(ask, target)
    if isinstance(subject, InstantSubject):
        start = end = subject.at
        local = subject.at.astimezone(ask.zone)
        name = f"{relation} {timefmt.clock(local, timefmt.uses_12h(ask.zone))} {local:%Z}"
    else:
        if (reply := unresolved(ask, subject)) is not None:
            return reply
        found = of_the_kind_said(ask, subject, items_of(ask, subject), target)
        if said:  # "the first talk after the keynote on Monday": Monday's keynote
            on_day = {id(i) for i in items}
            found = [i for i in found if id(i) in on_day] or found
        reference = pick(ask, found)
        if reference is None:
            return ask.reply((f"That has no time slot on the program, so nothing comes "
                              f"{relation} it.",))
        start, end = reference.span
        items = [i for i in items if i is not reference]
        name = f"{relation} {reference.display_title}"
    kept = [i for i in items if (i.span[1] <= start if relation == "before" else
                                 i.span[0] >= end)]
    return kept, f" {name}{said}"


def _ordinal(ask: Ask, arg: str, last: bool) -> Reply:
    kind_text, _, scope = arg.partition("|")
    scope, _, anchor = scope.partition("|")
    items, said = scoped(ask, scope)
    if anchor:
        if not scope.strip():  # the day is the anchor's, not today's
            items, said = list(ask.program.scheduled), ""
        narrowed = _next_to(ask, items, said, anchor)
        if isinstance(narrowed, Reply):
            return narrowed
        items, said = narrowed
    kind_text = kind_text.strip().casefold()
    if kind_text.startswith("#"):  # "… and the last one?": of the kind just asked about
        item = ask.program.by_slug.get(kind_text[1:])
        kind_text = item.kind if item is not None and kind_named(item.kind) else ""
    noun = "item"
    if kind_text not in ANY_KIND:
        if kind_text.rstrip("s") in ("speaker", "presenter"):
            items = [i for i in items if i.people and i.kind not in ("break", "remarks")]
            noun = "speaker"
        elif kind_text == "person":  # "who opens the workshop": remarks count
            items = [i for i in items if i.people and i.kind != "break"]
            noun = "session with speakers"
        else:
            kind = kind_named(kind_text)
            if kind is not None:
                of_kind = one_of_kind(ask.program, kind)
                noun = kind.singular
                if not of_kind:
                    return absent_kind(ask, KindSubject(kind, of_kind))
                if not any(i.is_scheduled for i in of_kind):
                    return ask.reply((f"The {kind.plural} have no time slots on the program, so "
                                      f"none comes first or last; say “{kind.plural}” to list "
                                      "them.",))
                wanted = set(map(id, of_kind))
                items = [i for i in items if id(i) in wanted]
    if not items:
        return ask.reply((f"There is no {noun}{said}." if said else
                          f"There is no {noun} on the program.",), kind="not_found")
    chosen = items[-1] if last else items[0]
    if last:
        latest = max(i.span[0] for i in items)
        chosen = next(i for i in items if i.span[0] == latest)
    which = "last" if last else "first"
    return _listed(ask, (f"The {which} {noun}{said}:",), [chosen])


def first(ask: Ask, arg: str) -> Reply:
    return _ordinal(ask, arg, last=False)


def last(ask: Ask, arg: str) -> Reply:
    return _ordinal(ask, arg, last=True)

