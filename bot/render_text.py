"""Plain-text rendering of a :class:`Reply`: the console's output and every platform's
fallback text. It also enforces the length limit (Discord's 2,000 characters), cutting
cards from the end and saying "…and N more" rather than failing or truncating mid-line.
"""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import date
from operator import attrgetter

from bot import timefmt
from bot.messages import Card, Line, Moment, Quote, Reply, ZoneNote

MAX_CHARS = 2000

# Every answer is made once and copied once more with its text (fit). dataclasses.replace
# checks each field's declaration on every call, which costs as much as rendering a short
# answer; these read all the fields in one C call, and the copy gets them in order.
_FIELDS = tuple(f.name for f in fields(Reply))
_VALUES = attrgetter(*_FIELDS)
_TEXT = _FIELDS.index("text")


def _with_text(reply: Reply, text: str) -> Reply:
    """``replace(reply, text=text)``, for a dataclass whose fields are all ``__init__``
    arguments in declaration order (Reply has no InitVar, no ``init=False`` field)."""
    values = list(_VALUES(reply))
    values[_TEXT] = text
    return Reply(*values)


def moment_text(moment: Moment, reply: Reply) -> str:
    if moment.end is not None:
        text = timefmt.span(moment.start, moment.end, reply.zone, reply.now)
    else:
        text = timefmt.instant(moment.start, reply.zone, reply.now)
    if moment.relative:
        text += f" ({timefmt.relative(moment.start, moment.end, reply.now)})"
    return text


def quote_text(quote: Quote, limit: int | None = None) -> str:
    """User text, shortened; in quotation marks (unless ``quote.marks`` is False) so it
    reads as theirs."""
    limit = limit or quote.limit
    text = " ".join(quote.text.split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"“{text}”" if quote.marks else text


def line_text(line: Line, reply: Reply) -> str:
    parts = []
    for segment in line:
        if isinstance(segment, Moment):
            parts.append(moment_text(segment, reply))
        elif isinstance(segment, Quote):
            parts.append(quote_text(segment))
        elif isinstance(segment, ZoneNote):
            parts.append(f" (times in {reply.zone.key})")
        else:
            parts.append(segment)
    return "".join(parts)


def card_text(card: Card, reply: Reply) -> str:
    if reply.layout == "list":
        when = f"{moment_text(card.when, reply)} · " if card.when else ""
        where = f"{card.room} · " if card.room else ""
        text = f"• {when}{where}{card.title}"
        if card.people and not card.title.endswith("(title TBD)"):
            text += f" — {', '.join(card.people)}"
        return text + (f" ({card.note})" if card.note else "")
    lines = [f"• {card.title}"]
    if card.when is not None:
        lines.append(f"  {moment_text(card.when, reply)}")
    if card.people:
        lines.append(f"  {card.people_label}: {', '.join(card.people)}")
    if card.summary:
        lines.append(f"  {card.summary}")
    if card.note:
        lines.append(f"  {card.note}")
    if card.url:
        lines.append(f"  {card.url}")
    return "\n".join(lines)


def more_text(count: int, narrow: str = "") -> str:
    """ "…and 12 more." and, when the reply says how, how to ask for fewer."""
    return f"…and {count} more." + (f" {narrow}" if narrow else "")


def day_headings(cards: tuple[Card, ...]) -> list[date | None]:
    """For a list spanning several conference days, the day to head each card with where
    a new day begins (None elsewhere); for a list of one day, nothing."""
    days = {card.day for card in cards if card.day is not None}
    if len(days) < 2:
        return [None] * len(cards)
    out: list[date | None] = []
    previous = None
    for card in cards:
        out.append(card.day if card.day is not None and card.day != previous else None)
        previous = card.day or previous
    return out


def day_heading(day: date) -> str:
    """ "Saturday 27 December 2014:"."""
    return f"{timefmt.long_date(day)}:"


def _cards_text(reply: Reply, texts: list[str]) -> list[str]:
    """The cards' texts, each list card under its day's heading where a new day begins."""
    if reply.layout != "list":
        return texts
    body = []
    for heading, text in zip(day_headings(reply.cards), texts, strict=True):
        if heading is not None:
            body.append(day_heading(heading))
        body.append(text)
    return body


def _join(reply: Reply, head: list[str], cards: list[str], tail: list[str]) -> str:
    body = [*head, *_cards_text(reply, cards)]
    if reply.more:
        body.append(more_text(reply.more, reply.narrow))
    return "\n".join([*body, *tail]).strip()


def render(reply: Reply, limit: int = MAX_CHARS) -> str:
    """The whole reply as text; :func:`fit` has already made it short enough (and kept
    the text it measured, which is returned as it is)."""
    if reply.text:
        return reply.text
    text = _join(reply, [line_text(line, reply) for line in reply.lines],
                 [card_text(card, reply) for card in reply.cards],
                 [line_text(line, reply) for line in reply.after])
    return text if len(text) <= limit else text[: limit - 1] + "…"


def fit(reply: Reply, limit: int = MAX_CHARS) -> Reply:
    """The reply with as many cards as fit ``limit`` characters (the rest are counted in
    ``more``), carrying its plain text so nobody renders it twice.

    Every part is rendered once, and the cut is found by adding up lengths: a long agenda
    costs what its cards cost, not a rendering per card left out."""
    if reply.text:
        reply = _with_text(reply, "")
    head = [line_text(line, reply) for line in reply.lines]
    tail = [line_text(line, reply) for line in reply.after]
    cards = [card_text(card, reply) for card in reply.cards]
    text = _join(reply, head, cards, tail)
    if len(text) > limit and cards:
        total = sum(len(line) + 1 for line in (*head, *tail))
        headings = day_headings(reply.cards) if reply.layout == "list" else []
        kept = 0
        for index, card in enumerate(cards):
            size = len(card) + 1
            if headings and (heading := headings[index]) is not None:
                size += len(day_heading(heading)) + 1
            left = len(cards) - kept - 1
            if total + size + len(more_text(reply.more + left, reply.narrow)) + 1 > limit:
                break
            total += size
            kept += 1
        reply = replace(reply, cards=reply.cards[:kept], more=reply.more + len(cards) - kept)
        text = _join(reply, head, cards[:kept], tail)
    return _with_text(reply, text if len(text) <= limit else text[: limit - 1] + "…")
