"""A core :class:`Reply` -> a Slack message: Block Kit blocks plus a plain-text fallback.

Three rules make the output safe, short and local:

* Everything that goes to Slack is neutralised first, our text, the program's and the
  user's alike (:func:`escape`), so nothing anyone typed can ping, link or format:
  ``&`` ``<`` ``>`` become entities (no ``<!channel>``, ``<@U…>``, ``<#C…>``,
  ``<!subteam^…>`` or ``<http://x|y>``); "@channel", "@here" and "@everyone" get an
  invisible word joiner after the "@"; a mrkdwn mark (``*`` ``_`` ``~`` and the
  backtick) gets a zero-width space on each side, since Slack has no escape character
  and a mark with a letter-like neighbour on both sides opens and closes nothing (one
  already between two letters, as in ``Los_Angeles``, is left as typed); a line
  starting with ``>`` gets a word joiner, so it is no quote; direction overrides are
  dropped, so a name cannot reverse the text after it. Every text object is
  ``verbatim``: Slack does not turn a typed URL or "#general" into a link either.
* Only then is our own markup added: ``<!date^…>`` tokens for each :class:`Moment` (so
  every reader sees times in their own timezone; the token's fallback is the core's text
  in the asker's zone), a title in bold, a program link as ``<url>`` (a card's page, a
  Q&A thread: a link the core gives as a segment of its own; user text is a Quote).
* A message is held to the core's budget (:data:`bot.render_text.MAX_CHARS`): its
  ``text`` and all its block texts together. Cards that do not fit are counted in
  "…and N more", as the core does; a single line too long for it (a 4,000-character
  reason) is cut with an ellipsis, never inside an entity or a ``<…>`` token.

The fallback ``text`` of the message (notifications, screen readers, old clients) is
the core's plain-text rendering, neutralised the same way: the words the console prints.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from bot import render_text, timefmt
from bot.messages import Button, Card, Line, Moment, Quote, Reply, ZoneNote

MESSAGE_CHARS = render_text.MAX_CHARS  # the core's budget: the text, and all block texts
SECTION_CHARS = 3000  # Slack's limit for a section's text
MAX_BLOCKS = 50  # Slack's limit per message
MAX_BUTTONS = 25  # Slack's limit per actions block
BUTTON_CHARS = 75  # Slack's limit for a button's label
VALUE_CHARS = 2000  # Slack's limit for a button's value
DATE_AND_TIME = "{date_short_pretty} {time}"
TIME_ONLY = "{time}"
ELLIPSIS = "…"
WORD_JOINER = "\u2060"
ZERO_WIDTH_SPACE = "\u200b"
# Not \b: "_" after it is a word character, but a mark gets zero-width spaces around it
# later, which would make "@channel_" a mention; only a letter or digit after it is safe.
_SPECIAL_MENTION = re.compile(r"@(channel|here|everyone)(?![^\W_])", re.IGNORECASE)
# A cut text that ends so ("me@channels.org" cut to "me@channel…") would make one live.
_SPECIAL_MENTION_AT_END = re.compile(r"@(?:channel|here|everyone)$", re.IGNORECASE)
_MARK = re.compile(r"[*_~`]")
_DIRECTION_OVERRIDES = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_DROPPED = str.maketrans(dict.fromkeys(_DIRECTION_OVERRIDES))
_QUOTE_START = re.compile(r"^([ \t]*)&gt;", re.MULTILINE)
_NEEDS_ESCAPING = re.compile(f"[&<>@*_~`{_DIRECTION_OVERRIDES}]")
# A link we make from program data: printable ASCII without Slack's own delimiters.
_LINKABLE = re.compile(r"https?://[!-~]+")
_LINK_DELIMITERS = re.compile(r"[<>|]")

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


# ------------------------------------------------------------------------------ escaping


def escape(text: str) -> str:
    """Text Slack shows literally: no mention, link, markup or reordering can come out of
    it (see the module's docstring for how each is neutralised)."""
    if not _NEEDS_ESCAPING.search(text):  # most text: one scan, nothing to change
        return text
    text = text.translate(_DROPPED)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if "@" in text:
        text = _SPECIAL_MENTION.sub(lambda m: "@" + WORD_JOINER + m.group(1), text)
    text = _MARK.sub(_neutralise_mark, text)
    if "&gt;" in text:
        text = _QUOTE_START.sub(lambda m: m.group(1) + WORD_JOINER + "&gt;", text)
    return text


def _neutralise_mark(match: re.Match[str]) -> str:
    """A mark between two letters or digits (``Los_Angeles``, ``a*b``) opens and closes
    nothing in Slack and stays as it is, so a zone or a name copied from an answer still
    reads back; any other gets a zero-width space on each side. Backticks always do."""
    mark, text, at = match.group(), match.string, match.start()
    if (mark != "`" and 0 < at < len(text) - 1 and text[at - 1].isalnum()
            and text[at + 1].isalnum()):
        return mark
    return ZERO_WIDTH_SPACE + mark + ZERO_WIDTH_SPACE


def link(url: str) -> str:
    """A program's URL as a live ``<url>`` link (it shows the URL itself); anything that
    is not a plain http(s) address is shown as text instead."""
    if _LINKABLE.fullmatch(url) and not _LINK_DELIMITERS.search(url):
        return f"<{url.replace('&', '&amp;')}>"
    return escape(url)


def cut(text: str, limit: int) -> str:
    """``text`` (already escaped mrkdwn) in at most ``limit`` characters, ending in an
    ellipsis when shortened. The cut never falls inside an entity (``&amp;``), a
    ``<…>`` token of ours, or a neutralised mark (whose zero-width spaces must stay
    together)."""
    if len(text) <= limit:
        return text
    if limit < len(ELLIPSIS):
        return ""
    end = limit - len(ELLIPSIS)
    opening = text.rfind("<", 0, end)
    if opening != -1 and text.find(">", opening, end) == -1:
        end = opening  # inside a date token or a link: cut before it
    entity = text.rfind("&", max(0, end - len("&amp;")), end)
    if entity != -1 and text.find(";", entity, end) == -1:
        end = entity
    while end and text[end - 1] in "*_~`" + ZERO_WIDTH_SPACE + WORD_JOINER:
        end -= 1  # a mark or its joiners: all of it goes, or none
    if (mention := _SPECIAL_MENTION_AT_END.search(text, 0, end)) is not None:
        end = mention.start()  # part of a longer word, which escape left as it was
    return text[:end].rstrip() + ELLIPSIS


# ------------------------------------------------------------------------------ times


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


# ------------------------------------------------------------------------------ text


def line_mrkdwn(line: Line, reply: Reply) -> str:
    """One line: user text (a Quote) and our words escaped, times as tokens, and a
    segment that is a URL on its own (a Q&A thread's) as a link."""
    parts = []
    for segment in line:
        if isinstance(segment, Moment):
            parts.append(moment_mrkdwn(segment, reply))
        elif isinstance(segment, Quote):
            parts.append(escape(render_text.quote_text(segment)))
        elif isinstance(segment, ZoneNote):
            continue  # Slack shows every time in the reader's own zone
        elif segment.startswith(("https://", "http://")):
            parts.append(link(segment))
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
        lines.append(link(card.url))
    return "\n".join(lines)


def card_list_line(card: Card, reply: Reply) -> str:
    """One item on one line, as the console's list shows it, with live times."""
    when = f"{moment_mrkdwn(card.when, reply)} · " if card.when else ""
    where = f"{escape(card.room)} · " if card.room else ""
    text = f"• {when}{where}*{escape(card.title)}*"
    if card.people and not card.title.endswith("(title TBD)"):
        text += f" — {_people(card)}"
    return text + (f" ({escape(card.note)})" if card.note else "")


# ------------------------------------------------------------------------------ blocks


def _pack(texts: list[str], limit: int = SECTION_CHARS) -> list[str]:
    """Join lines into as few chunks of at most ``limit`` characters as they fit in."""
    chunks: list[str] = []
    for text in texts:
        text = cut(text, limit)
        if chunks and len(chunks[-1]) + 1 + len(text) <= limit:
            chunks[-1] += "\n" + text
        else:
            chunks.append(text)
    return chunks


def _mrkdwn(text: str) -> dict[str, Any]:
    """A text object of mrkdwn that is already escaped; ``verbatim`` so Slack adds no
    links of its own to plain words (a typed URL, a channel's name)."""
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def _section(text: str) -> Block:
    return {"type": "section", "text": _mrkdwn(text)}


def _context(text: str) -> Block:
    """A context block (small grey text)."""
    return {"type": "context", "elements": [_mrkdwn(text)]}


def block_texts(block: Block) -> list[str]:
    """Every text a block shows (a section's, a context's elements', buttons' labels)."""
    if block["type"] == "section":
        return [block["text"]["text"]]
    return [element["text"] if isinstance(element["text"], str) else element["text"]["text"]
            for element in block.get("elements", ())]


def message_chars(blocks: Sequence[Block]) -> int:
    """What the budget counts of a message's blocks: the length of all their texts."""
    return sum(len(text) for block in blocks for text in block_texts(block))


@dataclass(frozen=True, slots=True)
class _Parts:
    """A reply's texts, before they are made blocks: what the budget is spent on."""

    head: list[str]  # the lines, packed into sections
    cards: list[str]  # a text per card, its day's heading before it where a day begins
    more: str  # "…and N more", or ""
    tail: list[str]  # the closing lines, packed into context blocks


def _parts(reply: Reply) -> _Parts:
    head = _pack([line_mrkdwn(ln, reply) for ln in reply.lines])
    tail = _pack([line_mrkdwn(ln, reply) for ln in reply.after])
    more = escape(render_text.more_text(reply.more, reply.narrow)) if reply.more else ""
    if reply.layout == "list":
        cards = []
        for heading, card in zip(render_text.day_headings(reply.cards), reply.cards,
                                 strict=True):
            text = card_list_line(card, reply)
            if heading is not None:
                text = f"*{escape(timefmt.long_date(heading))}*\n{text}"
            cards.append(text)
    else:
        cards = [card_detail(card, reply) for card in reply.cards]
    return _Parts(head, cards, more, tail)


def _blocks(parts: _Parts) -> list[Block]:
    """Lines, a section per card, "…and N more", closing lines: within Slack's limits."""
    tail = [_context(parts.more)] if parts.more else []
    tail += [_context(text) for text in parts.tail]
    room = MAX_BLOCKS - len(parts.head) - len(tail)
    cards = parts.cards
    if len(cards) > room:  # a long list: several items share a section
        cards = _pack(cards)
    found = [_section(t) for t in parts.head] + [_section(t) for t in cards[:room]] + tail
    return [block for block in found if all(block_texts(block))]  # Slack refuses empty text


def to_blocks(reply: Reply) -> list[Block]:
    return _blocks(_parts(reply))


def _fewer_cards(reply: Reply, parts: _Parts, budget: int) -> Reply:
    """The reply with as many cards as fit ``budget`` in Slack's rendering (dates are
    tokens, longer than the core's text), the rest counted in ``more``."""
    fixed = sum(len(text) for text in (*parts.head, *parts.tail))
    kept = 0
    total = fixed
    for size in (len(text) + 1 for text in parts.cards):  # + 1: a newline, when packed
        left = len(parts.cards) - kept - 1
        more = len(escape(render_text.more_text(reply.more + left, reply.narrow)))
        if total + size + more > budget:
            break
        total += size
        kept += 1
    return replace(reply, cards=reply.cards[:kept], more=reply.more + len(parts.cards) - kept,
                   text="")


def _hold(blocks: list[Block], budget: int) -> list[Block]:
    """The blocks up to ``budget`` characters of text: the first one that does not fit
    is cut with an ellipsis, and those after it are left out."""
    held: list[Block] = []
    for block in blocks:
        size = message_chars([block])
        if size <= budget:
            held.append(block)
            budget -= size
            continue
        shortened = cut(block_texts(block)[0], budget)
        if shortened:
            held.append(_section(shortened) if block["type"] == "section"
                        else _context(shortened))
        break
    return held


ACTION_PREFIX = "workshop:"  # action_id of our buttons: workshop:<command>


def actions(buttons: Sequence[Button]) -> Block:
    """Buttons such as "Remind me"; pressing one sends its command back to the core."""
    return {"type": "actions", "elements": [
        {"type": "button",
         "text": {"type": "plain_text", "text": cut(b.label, BUTTON_CHARS) or ELLIPSIS},
         "action_id": f"{ACTION_PREFIX}{b.command}:{n}", "value": b.value[:VALUE_CHARS]}
        for n, b in enumerate(buttons[:MAX_BUTTONS])
    ]}


def to_message(reply: Reply, buttons: Sequence[Button] = ()) -> SlackMessage:
    """The reply as one Slack message within the core's budget (see the module's
    docstring); buttons, when given, come last and are always kept."""
    bar = [actions(buttons)] if buttons else []
    budget = MESSAGE_CHARS - message_chars(bar)
    parts = _parts(reply)
    found = _blocks(parts)
    if message_chars(found) > budget and reply.cards:
        reply = _fewer_cards(reply, parts, budget)
        found = to_blocks(reply)
    found = _hold(found, budget)[: MAX_BLOCKS - len(bar)] + bar
    text = cut(escape(render_text.render(reply)), MESSAGE_CHARS)
    if not found and text:
        found = [_section(text)]
    return SlackMessage(text=text, blocks=found)


def plain(text: str) -> SlackMessage:
    """A message of our own words only (the apology)."""
    shown = cut(escape(text), MESSAGE_CHARS)
    return SlackMessage(text=shown, blocks=[_section(shown)])
