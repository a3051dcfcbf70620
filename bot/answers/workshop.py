"""Questions about the workshop itself: when it starts and ends, which days, how many
hours, who runs it, its web page, where it is held, what it is about.

Every answer is the workshop card (name, venue, days and hours in the reader's zone,
organizers, web page), led by one line that answers the very thing asked; when that is
one start or end time, the card leaves out the days' hours.
"""

from __future__ import annotations

from bot import timefmt
from bot.answers.context import Ask
from bot.answers.scopes import scoped
from bot.messages import Line, Moment, Reply
from bot.program import Item, Program


def _day_spans(program: Program) -> list[tuple[str, Moment]]:
    """Each conference day with its first start and last end."""
    spans: list[tuple[str, Moment]] = []
    for day in program.program_days():
        items = [i for i in program.scheduled if program.day_of(i) == day]
        start = min(i.span[0] for i in items)
        end = max(i.span[1] for i in items)
        spans.append((timefmt.long_date(day), Moment(start, end)))
    return spans


def card_lines(ask: Ask, summary: bool = False, hours: bool = True) -> list[Line]:
    """The workshop card, as lines (``hours=False``: without each day's hours, when the
    answer's first line gives the one time asked for and the others would read as
    candidates for it)."""
    program, workshop = ask.program, ask.program.workshop
    lines: list[Line] = [(workshop.full_name,)]
    spans = _day_spans(program) if hours else []
    if len(spans) == 1:
        lines.append(("When: ", spans[0][1], " (", _length(program), ")"))
    for index, (_, moment) in enumerate(spans if len(spans) > 1 else []):
        lines.append((f"Day {index + 1}: ", moment))
    if not spans and hours:
        when = timefmt.long_date(workshop.start_date)
        if workshop.end_date != workshop.start_date:
            when += f" to {timefmt.long_date(workshop.end_date)}"
        lines.append((f"When: {when} (no sessions scheduled yet)",))
    if workshop.venue:
        lines.append((f"Where: {workshop.venue}",))
    if program.many_rooms:
        lines.append((f"Rooms: {', '.join(program.rooms[:12])}",))
    if program.organizers:
        lines.append(("Organizers: " + ", ".join(p.name for p in program.organizers),))
    if workshop.url:
        lines.append((f"Web: {workshop.url}",))
    if summary and workshop.summary:
        lines.append((workshop.summary,))
    return lines


def _length(program: Program) -> str:
    first, last = program.first_start, program.last_end
    if first is None or last is None:
        return ""
    return timefmt.duration(last - first)


DAY_PART_WORDS = frozenset({"morning", "afternoon", "evening", "tonight", "night", "midday"})


def _on_the_day(ask: Ask) -> tuple[list[Item], str]:
    """The items of the day a scope names ("when does it start tomorrow", "… on day 2")
    and how to say it; nothing for no scope or a part of the day ("how late does it go
    tonight" asks for the end itself)."""
    if not ask.scope or set(ask.scope.split()) & DAY_PART_WORDS:
        return [], ""
    items, said = scoped(ask, ask.scope)
    return sorted(items, key=lambda i: i.span), said


def workshop(ask: Ask, arg: str = "") -> Reply:
    program, name = ask.program, ask.program.workshop.full_name
    aspect = arg.partition("|")[0].strip()
    first, last = program.first_start, program.last_end
    lead: list[Line] = []
    day_items, said = _on_the_day(ask)
    if aspect in ("start", "end") and said and not day_items:
        lead.append((f"Nothing of {name} is scheduled{said}.",))
    elif aspect == "start" and first is not None:
        opener = (day_items or program.scheduled)[0]
        lead.append((f"{name} starts{said} ", Moment(opener.span[0], relative=True), " with ",
                     opener.display_title, "."))
    elif aspect == "end" and last is not None:
        closer = max(day_items or program.scheduled, key=lambda i: i.span[1])
        lead.append((f"{name} ends{said} ", Moment(closer.span[1], relative=True), " with ",
                     closer.display_title, "."))
    elif aspect == "hours" and day_items:  # "how long is day 2?"
        start, end = day_items[0].span[0], max(i.span[1] for i in day_items)
        lead.append((f"{name} runs {timefmt.duration(end - start)}{said}: ", Moment(start, end),
                     "."))
    elif aspect == "hours" and first is not None and last is not None:
        days = len(program.program_days())
        if days == 1:
            lead.append((f"{name} runs {_length(program)}: ", Moment(first, last), "."))
        else:
            lead.append((f"{name} runs {days} days, from ", Moment(first), " to ",
                         Moment(last), "."))
    elif aspect == "dates":
        days = program.program_days() or [program.workshop.start_date]
        text = timefmt.long_date(days[0]) if len(days) == 1 else \
            f"{len(days)} days, {timefmt.long_date(days[0])} to {timefmt.long_date(days[-1])}"
        lead.append((f"{name} is on {text}.",) if len(days) == 1 else (f"{name}: {text}.",))
        if first is not None and last is not None:
            local = sorted({first.astimezone(ask.zone).date(), last.astimezone(ask.zone).date()})
            if local != sorted({days[0], days[-1]}):  # "Monday" there is Tuesday in Sydney
                said = " to ".join(timefmt.long_date(d) for d in local)
                lead.append((f"In your time that is {said}: ", Moment(first, last), "."))
    elif aspect == "organizers":
        people = ", ".join(p.name for p in program.organizers)
        lead.append((f"{name} is organized by {people}." if people else
                     f"The program names no organizers for {name}.",))
    elif aspect.startswith("link:"):
        url, what = program.workshop.url, aspect.partition(":")[2]
        lead.append((f"The program gives no {what} link for {name}"
                     + (f"; its web page is {url}" if url else "") + ".",))
    elif aspect == "url":
        url = program.workshop.url
        lead.append((f"The web page of {name}: {url}" if url else
                     f"The program gives no web page for {name}.",))
    elif aspect == "venue":
        venue = program.workshop.venue
        lead.append((f"{name} is held at {venue}." if venue else
                     f"The program does not say where {name} is held.",))
    elif aspect == "zone":
        zone = program.workshop.timezone
        lead.append((f"{name} keeps its times in {zone.key}; I show them in {ask.zone.key} "
                     "for you (say “tz <zone>” to change that).",))
    card = card_lines(ask, summary=aspect in ("about", ""),
                      hours=not (aspect in ("start", "end") and lead))
    if lead:
        card = card[1:]  # the lead line already names the workshop
    return ask.reply(*lead, *card, subject="workshop")
