"""Questions about lengths of time: how long an item (or lunch, or the workshop) lasts,
and what is on between two times or in a part of the day."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from bot import timefmt
from bot.answers import schedule
from bot.answers.context import Ask
from bot.answers.focus import items_of, of_the_kind_said, pick, unresolved
from bot.answers.scopes import DAY_PARTS, scoped
from bot.answers.workshop import workshop
from bot.messages import Line, Moment, Reply
from bot.program import Item
from bot.subjects import ItemSubject, PersonSubject, WorkshopSubject, resolve


def minutes_text(delta: timedelta) -> str:
    """ "35 minutes", "1 h (60 minutes)", "1 h 30 min (90 minutes)"."""
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} minutes" if minutes != 1 else "1 minute"
    return f"{timefmt.duration(delta)} ({minutes} minutes)"


def _length_line(ask: Ask, item: Item) -> Line:
    """How long ``item`` runs; a paper without a slot of its own is as long as the session
    it is presented in, and the line says so rather than inventing a slot for it."""
    if item.is_scheduled:
        start, end = item.span
        return (f"{item.display_title}: {minutes_text(end - start)}, ", Moment(start, end), ".")
    session = ask.program.by_slug.get(item.session_slug or "")
    if session is None or not session.is_scheduled:
        return (f"{item.display_title} has no time slot on the program.",)
    start, end = session.span
    return (f"{item.display_title} is presented in {session.display_title}: "
            f"{minutes_text(end - start)}, ", Moment(start, end), ".")


GAP_MARK = "gap:"  # DURATION of the free time around or between items: "gap:a|b"


def _gap(ask: Ask, arg: str) -> Reply:
    """ "how long is the break between Carbin and Ceze", "the gap before Ceze": the free
    time from the end of one item to the start of the next, worked out, not either
    item's own length. "gap:X|" is after X, "gap:|Y" before Y, "gap:X|Y" between."""
    first, _, second = arg.removeprefix(GAP_MARK).partition("|")
    scheduled = ask.program.scheduled
    low = items_of(ask, resolve(ask, first))[-1:] if first else []
    high = items_of(ask, resolve(ask, second))[:1] if second else []
    if first and not low:
        return unresolved(ask, resolve(ask, first)) or ask.reply(
            ("That has no time slot on the program.",))
    if second and not high:
        return unresolved(ask, resolve(ask, second)) or ask.reply(
            ("That has no time slot on the program.",))
    if low and not high:
        end = low[0].span[1]
        high = [i for i in scheduled if i.span[0] >= end and i is not low[0]][:1]
    elif high and not low:
        start = high[0].span[0]
        earlier = [i for i in scheduled if i.span[1] <= start and i is not high[0]]
        low = [max(earlier, key=lambda i: i.span[1])] if earlier else []
    if not low or not high:
        return ask.reply(("Nothing comes on that side of it: there is no gap to measure.",))
    end, start = low[0].span[1], high[0].span[0]
    names = f"{low[0].display_title} and {high[0].display_title}"
    between = [i for i in scheduled if i.span[0] >= end and i.span[1] <= start]
    if between and start > end:  # "the break between Carbin and Ceze" is lunch
        return ask.reply(
            (f"{minutes_text(start - end)} between {names} (", Moment(end, start), "), with "
             "this in between:"),
            cards=tuple(ask.card(i, detail=False) for i in between[:12]), layout="list")
    if start <= end:
        return ask.reply((f"There is no gap between {names}: one follows straight on.",))
    return ask.reply((f"{minutes_text(start - end)} free between {names}: ",
                      Moment(end, start), "."))


LEFT_MARK = "left:"  # DURATION of the time left: "left:" (what is on) or "left:<subject>"


def _workshop_left(ask: Ask) -> Reply:
    """How long until the workshop ends (or starts, or that it is over)."""
    program = ask.program
    first, last = program.first_start, program.last_end
    name = program.workshop.full_name
    if first is None or last is None:
        return ask.reply(("The program has no scheduled sessions yet.",))
    if ask.now < first:
        return ask.reply((f"{name} has not started: it starts ", Moment(first, relative=True),
                          "."))
    if ask.now >= last:
        return ask.reply((f"{name} is over (ended ", Moment(last, relative=True), ")."))
    return ask.reply((f"{name}: {minutes_text(last - ask.now)} left (ends ", Moment(last), ")."))


def _time_left(ask: Ask, arg: str) -> Reply:
    """ "how much time is left (in the watermarks talk)?": minutes to its end, or when it
    starts when it has not, or that it is over."""
    said = arg.removeprefix(LEFT_MARK).strip()
    if said:
        subject = resolve(ask, said)
        if isinstance(subject, WorkshopSubject):  # "how much time is left in the workshop?"
            return _workshop_left(ask)
        if (reply := unresolved(ask, subject)) is not None:
            return reply
        items = items_of(ask, subject)[:6]
    else:
        items = [i for i in ask.program.scheduled if i.is_on_at(ask.now)]
    if not items:
        upcoming = ask.program.next_after(ask.now)
        lines: list[Line] = [("Nothing is on right now.",)]
        if upcoming:
            lines.append(("Next: ", upcoming[0].display_title, " at ",
                          Moment(upcoming[0].span[0], relative=True), "."))
        return ask.reply(*lines)
    lines = []
    for item in items:
        start, end = item.span
        if start <= ask.now < end:
            lines.append((f"{item.display_title}: {minutes_text(end - ask.now)} left (ends ",
                          Moment(end), ")."))
        elif ask.now < start:
            lines.append((f"{item.display_title} has not started: it starts ",
                          Moment(start, relative=True), f" and runs {minutes_text(end - start)}."))
        else:
            lines.append((f"{item.display_title} is over (ended ", Moment(end, relative=True),
                          ")."))
    return ask.reply(*lines, subject=f"#{items[0].slug}" if len(items) == 1 else "")


def duration(ask: Ask, arg: str) -> Reply:
    if arg.startswith(GAP_MARK):
        return _gap(ask, arg)
    if arg.startswith(LEFT_MARK):
        return _time_left(ask, arg)
    subject = resolve(ask, arg)
    if isinstance(subject, WorkshopSubject):
        return workshop(ask, "hours")
    if (reply := unresolved(ask, subject)) is not None:
        return reply
    if isinstance(subject, ItemSubject) and not subject.item.is_scheduled:
        return ask.reply(_length_line(ask, subject.item), subject=f"#{subject.item.slug}")
    items = of_the_kind_said(ask, subject, items_of(ask, subject), arg)
    if not items:
        name = subject.person.name if isinstance(subject, PersonSubject) else "That"
        return ask.reply((f"{name} has no time slot on the program, so it has no length.",))
    lines = [_length_line(ask, item) for item in items[:12]]
    subject_ref = f"#{items[0].slug}" if len(items) == 1 else ""
    return ask.reply(*lines, subject=subject_ref)


def _clock_pairs(ask: Ask, low: str, high: str) -> list[tuple[time, time]]:
    """Every reading of two clock times as a range: "2" to "4pm" is 14:00 to 16:00, "4 to
    5" is 04:00 to 05:00 or 16:00 to 17:00 on a 12-hour clock (the one with sessions in
    it wins, see :func:`_window`); a 24-hour reader's "10 to 11" is 10:00 to 11:00."""
    highs = schedule.parse_clock(high)
    lows = schedule.parse_clock(low)
    if not timefmt.uses_12h(ask.zone):  # "2 to 4pm" is still 14:00 on a 24-hour clock
        highs = _one_reading(highs)
        lows = lows if re.search(r"[ap]\.?m", high, re.IGNORECASE) else _one_reading(lows)
    pairs = []
    for end in highs:
        earlier = [start for start in lows if start < end or end == time(0, 0)]
        if earlier:
            pairs.append((max(earlier), end))
    return pairs


def _one_reading(times: list[time]) -> list[time]:
    """A 24-hour reader's one reading of a bare hour: as said ("10" is 10:00), except
    that nobody asks what is on at two in the morning: "2 and 4" is 14:00 and 16:00."""
    if len(times) == 2 and times[0].hour < EARLIEST_MEANT:
        return times[1:]
    return times[:1]


EARLIEST_MEANT = 7  # a bare hour before this, on a 24-hour clock, is read as the afternoon


def _scope_days(ask: Ask) -> set[date] | None:
    """The reader's days a scope names ("… tomorrow", "… on tuesday"), or None for any."""
    if not ask.scope:
        return None
    items = scoped(ask, ask.scope)[0]
    return {i.span[0].astimezone(ask.zone).date() for i in items} or None


def _window(ask: Ask, pairs: list[tuple[time, time]]) -> tuple[datetime, datetime] | None:
    """The window, on the program's day nearest now, with one of those pairs of local
    clock times; one with something on in it first."""
    first, last = ask.program.first_start, ask.program.last_end
    if first is None or last is None:
        return None
    windows: list[tuple[datetime, datetime]] = []
    wanted = _scope_days(ask)
    for start, end in pairs:
        day = first.astimezone(ask.zone).date()
        while day <= last.astimezone(ask.zone).date():
            if wanted is not None and day not in wanted:
                day += timedelta(days=1)
                continue
            low = datetime.combine(day, start, tzinfo=ask.zone)
            high = datetime.combine(day if end != time(0, 0) else day + timedelta(days=1),
                                    end, tzinfo=ask.zone)
            if low < last and high > first:
                windows.append((low, high))
            day += timedelta(days=1)
    if not windows:
        return None
    busy = [w for w in windows if _overlapping(ask, *w)]
    return min(busy or windows, key=lambda w: abs(w[0] - ask.now))


def _bound(ask: Ask, text: str, upper: bool) -> datetime | None:
    """One end of a range named by an item ("between lunch and Ceze"): the end of the
    first, the start of the second."""
    items = items_of(ask, resolve(ask, text))
    if not items:
        return None
    item = items[0] if upper else items[-1]
    return item.span[0] if upper else item.span[1]


def _overlapping(ask: Ask, low: datetime, high: datetime) -> list[Item]:
    return ask.program.overlapping(low, high)


def time_range(ask: Ask, arg: str) -> Reply:
    if arg == "@left":
        return _still_to_come(ask)
    if arg.startswith(DURING_MARK):
        return _alongside(ask, arg.removeprefix(DURING_MARK))
    if arg.startswith("@"):
        return _day_part(ask, arg[1:])
    low_text, _, high_text = arg.partition("|")
    window = _window(ask, _clock_pairs(ask, low_text, high_text))
    if window is None:
        low, high = _bound(ask, low_text, upper=False), _bound(ask, high_text, upper=True)
        if low is not None and high is not None and low <= high:
            window = (low, high)
    if window is None:
        first, last = ask.program.first_start, ask.program.last_end
        if not schedule.parse_clock(low_text) or not schedule.parse_clock(high_text):
            return ask.reply(("I could not read that as two times or two sessions; try "
                              "“what's on from 2 to 4pm?”.",), kind="error")
        if first is None or last is None:
            return ask.reply(("The program has no scheduled sessions yet.",))
        return ask.reply(("Nothing is scheduled then; the program runs ", Moment(first, last),
                          "."), kind="not_found")
    return _window_reply(ask, *window)


def _window_reply(ask: Ask, low: datetime, high: datetime, said: str = "") -> Reply:
    found = _overlapping(ask, low, high)
    heading: Line = (f"{said} (", Moment(low, high), "):") if said else \
        ("On between ", Moment(low, high), ":")
    if not found:
        upcoming = ask.program.next_after(high - timedelta(microseconds=1))
        lines: list[Line] = [("Nothing is on from ", Moment(low, high), ".")]
        if upcoming:
            lines.append(("Next: ", upcoming[0].display_title, " at ",
                          Moment(upcoming[0].span[0]), "."))
        return ask.reply(*lines, subject=f"@{high.isoformat()}")
    return ask.reply(heading, cards=tuple(ask.card(i, detail=False) for i in found),
                     layout="list")


DURING_MARK = "during:"  # RANGE "during:<subject>": what runs at the same time


def _alongside(ask: Ask, said: str) -> Reply:
    """What is on while something is ("what runs in parallel with Sokolov's talk?")."""
    subject = resolve(ask, said)
    if (reply := unresolved(ask, subject)) is not None:
        return reply
    reference = pick(ask, of_the_kind_said(ask, subject, items_of(ask, subject), said))
    if reference is None:
        return ask.reply(("That has no time slot on the program.",))
    low, high = reference.span
    others = [i for i in _overlapping(ask, low, high) if i is not reference]
    if not others:
        return ask.reply((f"Nothing else is on during {reference.display_title} (",
                          Moment(low, high), ")."), subject=f"#{reference.slug}")
    return ask.reply((f"On during {reference.display_title} (", Moment(low, high), "):"),
                     cards=tuple(ask.card(i, detail=False) for i in others), layout="list")


def _still_to_come(ask: Ask) -> Reply:
    """What is on or still to come today, or in the part of the day asked ("what's left
    this afternoon?")."""
    items, said = scoped(ask, ask.scope or "today")
    left = [i for i in items if i.span[1] > ask.now]
    if not left:
        return ask.reply((f"Nothing is left{said or ' today'}.",), kind="not_found")
    return ask.reply((f"Still to come{said or ' today'}:",),
                     cards=tuple(ask.card(i, detail=False) for i in left[:40]),
                     more=max(0, len(left) - 40), layout="list")


def _day_part(ask: Ask, part: str) -> Reply:
    low_hour, high_hour = DAY_PARTS.get(part, (12, 17))
    zone = ask.program.workshop.timezone
    day, when = schedule._current_day(ask), ""
    if ask.scope:  # "what's on tomorrow morning", "… tuesday afternoon"
        items, when = scoped(ask, ask.scope)
        days = sorted({d for i in items if (d := ask.program.day_of(i)) is not None})
        if not days:
            return ask.reply((f"Nothing is scheduled{when}.",), kind="not_found")
        day = days[0]
    low = datetime.combine(day, time(low_hour), tzinfo=zone)
    high = datetime.combine(day, time(0), tzinfo=zone) + timedelta(hours=high_hour)
    return _window_reply(ask, low, high, said=f"In the {part}{when}")
