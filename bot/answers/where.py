"""Where something is: an item's room (and the venue), a person's rooms, the rooms of a
kind of thing, or the workshop's venue."""

from __future__ import annotations

from bot.answers.context import Ask
from bot.answers.focus import items_of, unresolved
from bot.answers.workshop import workshop
from bot.messages import Line, Moment, Reply
from bot.program import Item
from bot.subjects import InstantSubject, WorkshopSubject, resolve


def _place(ask: Ask, item: Item) -> str:
    venue = ask.program.workshop.venue
    if item.room and ask.program.many_rooms:
        return item.room + (f", {venue}" if venue else "")
    if item.room and item.room not in ("main", "Main"):
        return item.room + (f", {venue}" if venue else "")
    return (venue or "the workshop's room") + " (the workshop's only room)" \
        if not ask.program.many_rooms else (venue or "no room given")


def where(ask: Ask, arg: str) -> Reply:
    subject = resolve(ask, arg)
    if isinstance(subject, WorkshopSubject | InstantSubject):
        return workshop(ask, "venue")
    if (reply := unresolved(ask, subject)) is not None:
        return reply
    items = items_of(ask, subject)
    if not items:
        return ask.reply(("That has no time slot or room on the program.",))
    lines: list[Line] = [(f"{item.display_title}: {_place(ask, item)}, ",
                          Moment(*item.span, relative=True), ".") for item in items[:12]]
    return ask.reply(*lines, subject=f"#{items[0].slug}" if len(items) == 1 else "")
