"""A core :class:`Reply` -> a Slack message: Block Kit blocks plus a plain-text fallback.

Two rules make the output safe and local:

* Everything that goes to Slack is escaped first (``&`` ``<`` ``>``), our text, the
  program's and the user's alike, so nothing a user typed (``<!channel>``, ``<@U…>``,
  ``<#C…>``) can ping or link, and a help line like "when <talk>" survives. The words
  "@channel", "@here" and "@everyone" also get an invisible word joiner after the "@",
  in case a client or a response_url post parses plain-text mentions.
* Only then are our own ``<!date^…>`` tokens added for each :class:`Moment`, so every
  reader sees times in their own timezone. The token's fallback (shown where dates are
  not rendered) is the core's text in the asker's zone.

The fallback ``text`` of the message (notifications, screen readers, old clients) is
the core's plain-text rendering, escaped: the same words the console prints.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from bot import render_text, timefmt
from bot.messages import Button, Card, Line, Moment, Quote, Reply, ZoneNote

SECTION_CHARS = 3000  # Slack's limit for a section's text
MAX_BLOCKS = 50  # Slack's limit per message
DATE_AND_TIME = "{date_short_pretty} {time}"
TIME_ONLY = "{time}"
WORD_JOINER = "\u2060"
_SPECIAL_MENTION = re.compile(r"@(channel|here|everyone)\b", re.IGNORECASE)
_NEEDS_ESCAPING = re.compile(r"[&<>@]")

Block = dict[str, Any]


@dataclass(frozen=True, slots=True)
class SlackMessage:
    """What chat.postMessage and respond() take: ``text`` is the fallback of ``blocks``."""

    text: str
    blocks: list[Block] = field(default_factory=list)

    def post_fields(self) -> dict[str, Any]:
        """chat.postMessage's arguments for this message. Links never unfurl: a paper's
        link would add a preview card under every answer that names it."""
        return {"text": self.text, "blocks": self.blocks or None, "unfurl_links": False,
                "unfurl_media": False}


def escape(text: str) -> str:
    """Text Slack shows literally: no markup, no mention, no link can come out of it."""
    if not _NEEDS_ESCAPING.search(text):  # most text: one scan, nothing to change
        return text
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if "@" not in text:
        return text
    return _SPECIAL_MENTION.sub(lambda m: "@" + WORD_JOINER + m.group(1), text)


def date_token(at: datetime, fmt: str, fallback: str) -> str:
    """``<!date^UNIX^format|fallback>``: Slack renders it in each reader's timezone."""
    return f"<!date^{int(at.timestamp())}^{fmt}|{escape(fallback)}>"


def moment_mrkdwn(moment: Moment, reply: Reply) -> str:
    """A start token (and an end token for a span), plus the core's relative words."""
    today = reply.now.astimezone(reply.zone).date()
    text = _date_tokens(moment.start, moment.end, reply.zone, today)
    if moment.relative:
        text += f" ({escape(timefmt.relative(moment.start, moment.end, reply.now))})"
    return text


@lru_cache(maxsize=4096)
def _date_tokens(start: datetime, end: datetime | None, zone: ZoneInfo, today: date) -> str:
    """The ``<!date>`` tokens of an instant or a span, their fallbacks in ``zone``.

    The same few sessions are shown to everyone all day, so each span is written once
    per zone (and day: a fallback names the date when it is not today's).
    """
    text = date_token(start, DATE_AND_TIME, timefmt.instant_on(start, zone, today))
    if end is not None:
        end_fallback = timefmt.instant_on(end, zone, today)
        # A span shorter than a day reads "Dec 13 9:30 AM – 10:05 AM"; a longer one
        # names the end's day too.
        end_format = TIME_ONLY if end - start < timedelta(days=1) else DATE_AND_TIME
        text += " – " + date_token(end, end_format, end_fallback)
    return text


def line_mrkdwn(line: Line, reply: Reply) -> str:
    parts = []
    for segment in line:
        if isinstance(segment, Moment):
            parts.append(moment_mrkdwn(segment, reply))
        elif isinstance(segment, Quote):
            parts.append(escape(render_text.quote_text(segment)))
        elif isinstance(segment, ZoneNote):
            continue  # Slack shows every time in the reader's own zone
        else:
            parts.append(escape(segment))
    return "".join(parts)


def _people(card: Card) -> str:
    return escape(", ".join(card.people))


def card_detail(card: Card, reply: Reply) -> str:
    """One item in full: title, time (and room), speakers or authors, summary, link."""
    lines = [f"*{escape(card.title)}*"]
    when = moment_mrkdwn(card.when, reply) if card.when else ""
    where = f"room: {escape(card.room)}" if card.room else ""
    if when or where:
        lines.append(" · ".join(part for part in (when, where) if part))
    if card.people:
        lines.append(f"{escape(card.people_label)}: {_people(card)}")
    if card.summary:
        lines.append(escape(card.summary))
    if card.note:
        lines.append(f"_{escape(card.note)}_")
    if card.url:
        lines.append(escape(card.url))
    return "\n".join(lines)


def card_list_line(card: Card, reply: Reply) -> str:
    """One item on one line, as the console's list shows it, with live times."""
    when = f"{moment_mrkdwn(card.when, reply)} · " if card.when else ""
    where = f"{escape(card.room)} · " if card.room else ""
    text = f"• {when}{where}*{escape(card.title)}*"
    if card.people and not card.title.endswith("(title TBD)"):
        text += f" — {_people(card)}"
    return text + (f" ({escape(card.note)})" if card.note else "")


def _pack(texts: list[str], limit: int = SECTION_CHARS) -> list[str]:
    """Join lines into as few chunks of at most ``limit`` characters as they fit in."""
    chunks: list[str] = []
    for text in texts:
        text = text[:limit]
        if chunks and len(chunks[-1]) + 1 + len(text) <= limit:
            chunks[-1] += "\n" + text
        else:
            chunks.append(text)
    return chunks


def _section(text: str) -> Block:
    """A section block of mrkdwn that is already escaped."""
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _context(text: str) -> Block:
    """A context block (small grey text) of mrkdwn that is already escaped."""
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def to_blocks(reply: Reply) -> list[Block]:
    """Lines, a section per card, "…and N more", closing lines: within Slack's limits."""
    head = [_section(text) for text in _pack([line_mrkdwn(ln, reply) for ln in reply.lines])]
    tail = []
    if reply.more:
        tail.append(_context(escape(render_text.more_text(reply.more, reply.narrow))))
    tail += [_context(text) for text in _pack([line_mrkdwn(ln, reply) for ln in reply.after])]
    if reply.layout == "list":
        cards = []
        for heading, card in zip(render_text.day_headings(reply.cards), reply.cards,
                                 strict=True):
            if heading is not None:
                cards.append(f"*{escape(timefmt.long_date(heading))}*")
            cards.append(card_list_line(card, reply))
    else:
        cards = [card_detail(card, reply) for card in reply.cards]
    room = MAX_BLOCKS - len(head) - len(tail)
    if len(cards) > room:  # a long list: several items share a section
        cards = _pack(cards)
    return head + [_section(text) for text in cards[:room]] + tail


ACTION_PREFIX = "workshop:"  # action_id of our buttons: workshop:<command>


def actions(buttons: Sequence[Button]) -> Block:
    """Buttons such as "Remind me"; pressing one sends its command back to the core."""
    return {"type": "actions", "elements": [
        {"type": "button", "text": {"type": "plain_text", "text": b.label[:75]},
         "action_id": f"{ACTION_PREFIX}{b.command}:{n}", "value": b.value[:2000]}
        for n, b in enumerate(buttons[:25])
    ]}


def to_message(reply: Reply, buttons: Sequence[Button] = ()) -> SlackMessage:
    found = to_blocks(reply)
    if buttons:
        found = [*found[: MAX_BLOCKS - 1], actions(buttons)]
    return SlackMessage(text=escape(render_text.render(reply)), blocks=found)


def plain(text: str) -> SlackMessage:
    """A message of our own words only (the apology)."""
    return SlackMessage(text=escape(text), blocks=[_section(escape(text))])
