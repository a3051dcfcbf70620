"""Plain-text rendering of a :class:`Reply`: the console's output and every platform's
fallback text. It also enforces the length limit (Discord's 2,000 characters), cutting
cards from the end and saying "…and N more" rather than failing or truncating mid-line.

Every answer is rendered once, as it is made (:func:`fitted`, or :func:`fit` for a reply
made already), so rendering sits on every answer's path: the reader's local date is
worked out once per reply rather than once per time shown, and the reply is built once,
with its text, rather than built and then copied with it.
"""

from __future__ import annotations

import functools
from dataclasses import fields, replace
from datetime import date, datetime
from operator import attrgetter
from typing import Literal
from zoneinfo import ZoneInfo

from bot import timefmt
from bot.messages import Attachment, Card, Line, Moment, Quote, Reply, ZoneNote

MAX_CHARS = 2000

# fit copies a made reply with its text. dataclasses.replace checks each field's
# declaration on every call, which costs as much as rendering a short answer; these read
# all the fields in one C call, and the copy gets them in order.
_FIELDS = tuple(f.name for f in fields(Reply))
_VALUES = attrgetter(*_FIELDS)
_TEXT = _FIELDS.index("text")
# fitted makes its Reply with the fields in this order (positional: it is made once per
# answer); a change to Reply's fields must change it too, and this says so at import.
_POSITIONAL = ("lines", "zone", "now", "cards", "layout", "more", "narrow", "after", "private",
               "kind", "text", "attachment", "subject", "secret")  # secret: its default
if _FIELDS != _POSITIONAL:  # pragma: no cover - a guard for whoever edits Reply
    raise TypeError(f"bot.render_text.fitted expects Reply's fields as {_POSITIONAL}")


def _with_text(reply: Reply, text: str) -> Reply:
    """``replace(reply, text=text)``, for a dataclass whose fields are all ``__init__``
    arguments in declaration order (Reply has no InitVar, no ``init=False`` field)."""
    values = list(_VALUES(reply))
    values[_TEXT] = text
    return Reply(*values)


def _today(zone: ZoneInfo, now: datetime) -> date:
    return now.astimezone(zone).date()


def moment_text(moment: Moment, zone: ZoneInfo, now: datetime, today: date) -> str:
    """A time or span for a reader in ``zone`` whose date there is ``today``."""
    if moment.end is not None:
        text = timefmt.span_on(moment.start, moment.end, zone, today)
    else:
        text = timefmt.instant_on(moment.start, zone, today)
    if moment.relative:
        text += f" ({timefmt.relative(moment.start, moment.end, now)})"
    return text


def quote_text(quote: Quote, limit: int | None = None) -> str:
    """User text, shortened; in quotation marks (unless ``quote.marks`` is False) so it
    reads as theirs."""
    limit = limit or quote.limit
    text = " ".join(quote.text.split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"“{text}”" if quote.marks else text


def line_text(line: Line, zone: ZoneInfo, now: datetime, today: date) -> str:
    if len(line) == 1 and isinstance(first := line[0], str):  # one plain string: most are
        return first
    parts = []
    for segment in line:
        if isinstance(segment, str):  # most segments are: tested first
            parts.append(segment)
        elif isinstance(segment, Moment):
            parts.append(moment_text(segment, zone, now, today))
        elif isinstance(segment, Quote):
            parts.append(quote_text(segment))
        elif isinstance(segment, ZoneNote):
            parts.append(f" (times in {zone.key})")
    return "".join(parts)


def card_text(card: Card, layout: str, zone: ZoneInfo, now: datetime, today: date) -> str:
    if card.when is None:
        return _card_frame(card, layout)[0]
    before, after = _card_frame(card, layout)
    return before + moment_text(card.when, zone, now, today) + after


@functools.lru_cache(maxsize=4096)
def _card_frame(card: Card, layout: str) -> tuple[str, str]:
    """A card's text around its time, which alone depends on the reader (their zone,
    their today, how long from now): the text before it and after it, or the whole text
    and "" for a card with no time. A card is a value made once per item and program
    (``Ask.card``) and shown in answer after answer, so its words are put together once,
    not once per answer; equal cards read the same, so any equal card shares them."""
    if layout == "list":
        where = f"{card.room} · " if card.room else ""
        rest = f"{where}{card.title}"
        if card.people and not card.title.endswith("(title TBD)"):
            rest += f" — {', '.join(card.people)}"
        rest += f" ({card.note})" if card.note else ""
        return ("• ", " · " + rest) if card.when is not None else ("• " + rest, "")
    lines = []
    if card.people:
        lines.append(f"  {card.people_label}: {', '.join(card.people)}")
    if card.summary:
        lines.append(f"  {card.summary}")
    if card.note:
        lines.append(f"  {card.note}")
    if card.url:
        lines.append(f"  {card.url}")
    if card.when is None:  # the room too, as the platforms show it: "where" comes next
        return "\n".join([f"• {card.title}", *lines]), ""
    after = "\n".join([f" · {card.room}" if card.room else "", *lines])
    return f"• {card.title}\n  ", after


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


def _cards_text(layout: str, cards: tuple[Card, ...], texts: list[str]) -> list[str]:
    """The cards' texts, each list card under its day's heading where a new day begins."""
    if layout != "list" or len(cards) < 2:  # one card: one day, no heading
        return texts
    body = []
    for heading, text in zip(day_headings(cards), texts, strict=True):
        if heading is not None:
            body.append(day_heading(heading))
        body.append(text)
    return body


def _join(layout: str, cards: tuple[Card, ...], more: int, narrow: str, head: list[str],
          texts: list[str], tail: list[str]) -> str:
    body = [*head, *_cards_text(layout, cards, texts)]
    if more:
        body.append(more_text(more, narrow))
    return "\n".join([*body, *tail]).strip()


def _shortened(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def render(reply: Reply, limit: int = MAX_CHARS) -> str:
    """The whole reply as text; :func:`fit` has already made it short enough (and kept
    the text it measured, which is returned as it is)."""
    if reply.text:
        return reply.text
    zone, now, layout = reply.zone, reply.now, reply.layout
    today = _today(zone, now)
    text = _join(layout, reply.cards, reply.more, reply.narrow,
                 [line_text(line, zone, now, today) for line in reply.lines],
                 [card_text(card, layout, zone, now, today) for card in reply.cards],
                 [line_text(line, zone, now, today) for line in reply.after])
    return _shortened(text, limit)


def _fit_text(lines: tuple[Line, ...], cards: tuple[Card, ...], after: tuple[Line, ...],
              layout: str, more: int, narrow: str, zone: ZoneInfo, now: datetime,
              limit: int) -> tuple[str, int]:
    """The text of a reply made of these parts, with as many of its cards as fit
    ``limit`` characters, and how many that is.

    Every part is rendered once, and the cut is found by adding up lengths: a long agenda
    costs what its cards cost, not a rendering per card left out."""
    today = now.astimezone(zone).date()
    head = [line_text(line, zone, now, today) for line in lines]
    if not cards:  # most answers: a line or two, no card to cut
        if more:
            head.append(more_text(more, narrow))
        head += [line_text(line, zone, now, today) for line in after]
        return _shortened("\n".join(head).strip(), limit), 0
    tail = [line_text(line, zone, now, today) for line in after]
    texts = [card_text(card, layout, zone, now, today) for card in cards]
    text = _join(layout, cards, more, narrow, head, texts, tail)
    if len(text) <= limit:
        return text, len(cards)  # short enough, so already no longer than ``limit``
    total = sum(len(line) + 1 for line in (*head, *tail))
    headings = day_headings(cards) if layout == "list" else []
    kept = 0
    for index, card_line in enumerate(texts):
        size = len(card_line) + 1
        if headings and (heading := headings[index]) is not None:
            size += len(day_heading(heading)) + 1
        left = len(texts) - kept - 1
        if total + size + len(more_text(more + left, narrow)) + 1 > limit:
            break
        total += size
        kept += 1
    text = _join(layout, cards[:kept], more + len(cards) - kept, narrow, head, texts[:kept],
                 tail)
    return _shortened(text, limit), kept


def fit(reply: Reply, limit: int = MAX_CHARS) -> Reply:
    """The reply with as many cards as fit ``limit`` characters (the rest are counted in
    ``more``), carrying its plain text so nobody renders it twice."""
    text, kept = _fit_text(reply.lines, reply.cards, reply.after, reply.layout, reply.more,
                           reply.narrow, reply.zone, reply.now, limit)
    if kept < len(reply.cards):
        reply = replace(reply, cards=reply.cards[:kept],
                        more=reply.more + len(reply.cards) - kept)
    return _with_text(reply, text)


def fitted(lines: tuple[Line, ...], zone: ZoneInfo, now: datetime, *,
           cards: tuple[Card, ...] = (), layout: Literal["list", "detail"] = "detail",
           more: int = 0, narrow: str = "", after: tuple[Line, ...] = (),
           private: bool | None = None,
           kind: Literal["answer", "help", "not_found", "error"] = "answer",
           attachment: Attachment | None = None, subject: str = "") -> Reply:
    """``fit(Reply(lines=lines, zone=zone, now=now, ...))``, the reply made once: an
    answer is built with the text it renders to, not built and then copied with it. The
    parts are named (with Reply's defaults) rather than passed on as ``**parts``: every
    answer comes through here, and a dictionary of them made and read again per answer
    costs more than the few lines most answers are."""
    text, kept = _fit_text(lines, cards, after, layout, more, narrow, zone, now, MAX_CHARS)
    if kept < len(cards):
        cards, more = cards[:kept], more + len(cards) - kept
    return Reply(lines, zone, now, cards, layout, more, narrow, after, private, kind, text,
                 attachment, subject)
