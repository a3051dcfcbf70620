"""A core :class:`Reply` as a Discord message: text lines in ``content``, cards as embeds.

Times become Discord timestamps (``<t:UNIX:F>``), which every reader's own Discord app
shows in their own timezone and language. Relative times are ``<t:UNIX:R>`` when the bot
runs on the real clock; on a simulated clock (a rehearsal with ``BOT_NOW``) Discord
would count from the real "now" and say "4 years ago", so the core's own relative
wording, counted from the simulated "now", is used instead.

User text (:class:`Quote`: questions, search terms, names, reasons) goes through
:func:`adapters.discord.escape.escape`, so it shows as typed and nothing in it is live:
no mention, channel, command, timestamp, emoji, link or markdown. That comes on top of
``AllowedMentions.none()`` on every send, which is what guarantees nobody is pinged.
Program and core text (titles, names, summaries, the bot's own words) is escaped the
same way, so an underscore in a title does not turn the rest into italics, but its
http(s) links stay links (the program's URLs, the Q&A thread links). The only live
forms in a message are the ones made here: timestamps and bold list titles.

Discord's limits are enforced here, not trusted to the core's 2,000-character cap: the
``<t:...>`` markup is longer than the plain times the core counted, and embeds have
their own limits (10 per message, 6,000 characters in all, 256 for a title, 4,096 for a
description, 1,024 for a field). Cards that do not fit are counted in "…and N more."
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from typing import Required, TypedDict

import discord
from discord.utils import format_dt

from adapters.discord.escape import escape
from bot import timefmt
from bot.messages import Attachment, Card, Line, Moment, Quote, Reply, ZoneNote
from bot.render_text import day_headings, more_text, quote_text

MAX_CONTENT = 2000
MAX_EMBEDS = 10
MAX_TOTAL = 6000
MAX_TITLE = 256
MAX_DESCRIPTION = 4096
MAX_FIELD_NAME = 256
MAX_FIELD_VALUE = 1024
MAX_AUTHOR = 256
COLOR = discord.Colour(0x5865F2)


class MessageFields(TypedDict, total=False):
    """A rendered message as keyword arguments of discord.py's ``send`` (channel, webhook
    follow-up) and ``send_message`` (interaction response). ``content`` is left out when
    there is no text (a follow-up's ``content`` must be a string), ``files`` when there is
    no attachment; ``embeds`` is always sent, an empty list for none."""

    content: str
    embeds: Required[list[discord.Embed]]
    files: list[discord.File]


@dataclass(frozen=True, slots=True)
class Rendered:
    """What one Discord message carries. The attachment (a Q&A export) stays bytes until
    it is sent: a ``discord.File`` is read once, so every attempt gets a new one."""

    content: str | None
    embeds: list[discord.Embed]
    attachment: Attachment | None = None

    def files(self) -> list[discord.File]:
        """The attachment as discord.py uploads it (multipart), or none."""
        if self.attachment is None:
            return []
        return [discord.File(io.BytesIO(self.attachment.data),
                             filename=self.attachment.filename)]

    def fields(self) -> MessageFields:
        """The message for one attempt at sending it (a new ``discord.File`` each time)."""
        fields = MessageFields(embeds=self.embeds)
        if self.content is not None:
            fields["content"] = self.content
        files = self.files()
        if files:
            fields["files"] = files
        return fields


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def plain(text: str, *, line_start: bool = True) -> str:
    """Program or core text, shown as written; its http(s) links stay links."""
    return escape(text, links=True, line_start=line_start)


def quoted(quote: Quote, *, line_start: bool = True) -> str:
    """User text: shortened and quoted as in every format, then nothing in it live."""
    return escape(quote_text(quote), line_start=line_start)


def _at_line_start(parts: list[str]) -> bool:
    """Whether what follows ``parts`` starts a line (for the markers only a line's start
    makes live: a heading's ``#``, a list's ``1.``)."""
    return not "".join(parts).rpartition("\n")[2].strip(" \t")


def _http(url: str | None) -> bool:
    return url is not None and url.startswith(("https://", "http://"))


class Formatter:
    """Renders replies; ``live`` says whether the bot's clock is the real one (see above)."""

    def __init__(self, *, live: bool) -> None:
        self.live = live

    # ------------------------------------------------------------------ times

    def relative(self, moment: Moment, now: datetime) -> str:
        """ "in 25 min", "now, ends in 10 min", "ended 2 h ago", as the core words them."""
        if not self.live:
            return timefmt.relative(moment.start, moment.end, now)
        if now < moment.start or moment.end is None:
            return format_dt(moment.start, "R")
        if now < moment.end:
            return f"now, ends {format_dt(moment.end, 'R')}"
        return f"ended {format_dt(moment.end, 'R')}"

    def moment(self, moment: Moment, reply: Reply) -> str:
        """A full date and time, then the end (time only when it is the same day)."""
        text = format_dt(moment.start, "F")
        if moment.end is not None:
            same_day = (moment.start.astimezone(reply.zone).date()
                        == moment.end.astimezone(reply.zone).date())
            text += " – " + format_dt(moment.end, "t" if same_day else "F")
        if moment.relative:
            text += f" ({self.relative(moment, reply.now)})"
        return text

    def short_moment(self, moment: Moment, reply: Reply, *, with_date: bool) -> str:
        """For list lines: times only, with the date on the first line of each day."""
        text = format_dt(moment.start, "f" if with_date else "t")
        if moment.end is not None:
            text += "–" + format_dt(moment.end, "t")
        if moment.relative:
            text += f" ({self.relative(moment, reply.now)})"
        return text

    # ------------------------------------------------------------------ text

    def line(self, line: Line, reply: Reply) -> str:
        parts: list[str] = []
        for segment in line:
            if isinstance(segment, Moment):
                parts.append(self.moment(segment, reply))
            elif isinstance(segment, Quote):
                parts.append(quoted(segment, line_start=_at_line_start(parts)))
            elif isinstance(segment, ZoneNote):
                continue  # Discord shows every time in the reader's own zone
            else:
                parts.append(plain(segment, line_start=_at_line_start(parts)))
        return "".join(parts)

    def content(self, lines: list[str]) -> str | None:
        """Lines joined, cut at a line boundary to Discord's 2,000 characters."""
        text = "\n".join(lines).strip()
        if len(text) <= MAX_CONTENT:
            return text or None
        kept: list[str] = []
        size = 0
        for line in lines:
            if size + len(line) + 1 > MAX_CONTENT - 2:
                break
            kept.append(line)
            size += len(line) + 1
        return "\n".join(kept).strip() + "\n…" if kept else clip(text, MAX_CONTENT)

    # ------------------------------------------------------------------ cards

    def card_embed(self, card: Card, reply: Reply) -> discord.Embed:
        embed = discord.Embed(
            title=clip(plain(card.title), MAX_TITLE),
            url=card.url if _http(card.url) else None,
            description=clip(plain(card.summary), MAX_DESCRIPTION) if card.summary else None,
            colour=COLOR,
        )
        if card.kind_label:
            embed.set_author(name=clip(card.kind_label, MAX_AUTHOR))
        if card.when is not None:
            embed.add_field(name="When", value=self.moment(card.when, reply), inline=False)
        if card.people:
            embed.add_field(name=clip(card.people_label or "People", MAX_FIELD_NAME),
                            value=clip(plain(", ".join(card.people)), MAX_FIELD_VALUE),
                            inline=False)
        if card.room:
            embed.add_field(name="Room", value=clip(plain(card.room), MAX_FIELD_VALUE))
        if card.note:
            embed.add_field(name="Note", value=clip(plain(card.note), MAX_FIELD_VALUE))
        if card.url and not _http(card.url):
            embed.add_field(name="Link", value=clip(plain(card.url), MAX_FIELD_VALUE))
        return embed

    def list_line(self, card: Card, reply: Reply, *, with_date: bool) -> str:
        when = ""
        if card.when is not None:
            when = self.short_moment(card.when, reply, with_date=with_date) + " · "
        where = f"{plain(card.room, line_start=False)} · " if card.room else ""
        text = f"• {when}{where}**{plain(card.title, line_start=False)}**"
        if card.people and not card.title.endswith("(title TBD)"):
            text += f" — {plain(', '.join(card.people), line_start=False)}"
        if card.note:
            text += f" ({plain(card.note, line_start=False)})"
        return text

    def _list_lines(self, cards: tuple[Card, ...], reply: Reply) -> list[list[str]]:
        """A card's lines: its heading when a new conference day starts, and its line."""
        lines = []
        previous_day = None
        for heading, card in zip(day_headings(cards), cards, strict=True):
            day = card.when.start.astimezone(reply.zone).date() if card.when else previous_day
            line = self.list_line(card, reply, with_date=day != previous_day)
            lines.append([f"**{timefmt.long_date(heading)}**", line] if heading else [line])
            previous_day = day
        return lines

    def _tail(self, reply: Reply, more: int) -> list[str]:
        """What follows the cards: "…and N more." and the reply's closing lines."""
        tail = [more_text(more, reply.narrow)] if more else []
        return tail + [self.line(line, reply) for line in reply.after]

    def _list_embeds(self, reply: Reply) -> list[discord.Embed]:
        """Every card on one line of a single embed (an agenda, a list of matches)."""
        per_card = self._list_lines(reply.cards, reply)
        more = reply.more
        while True:
            tail = self._tail(reply, more)
            lines = [line for group in per_card for line in group]
            description = "\n".join([*lines, "", *tail] if tail else lines)
            if len(description) <= MAX_DESCRIPTION or not per_card:
                break
            per_card.pop()
            more += 1
        return [discord.Embed(description=clip(description, MAX_DESCRIPTION), colour=COLOR)]

    def _detail_embeds(self, reply: Reply) -> list[discord.Embed]:
        """An embed per card, and the closing lines in a last one, within Discord's limits."""
        embeds = [self.card_embed(card, reply) for card in reply.cards]
        more = reply.more
        while True:
            tail = self._tail(reply, more)
            closing = ([discord.Embed(description=clip("\n".join(tail), MAX_DESCRIPTION),
                                      colour=COLOR)] if tail else [])
            every = embeds + closing
            if not embeds or (len(every) <= MAX_EMBEDS
                              and sum(len(e) for e in every) <= MAX_TOTAL):
                return every
            embeds.pop()
            more += 1

    # ------------------------------------------------------------------ replies

    def render(self, reply: Reply) -> Rendered:
        lines = [self.line(line, reply) for line in reply.lines]
        if not reply.cards:
            return Rendered(self.content(lines + self._tail(reply, reply.more)), [],
                            reply.attachment)
        listing = reply.layout == "list"
        embeds = self._list_embeds(reply) if listing else self._detail_embeds(reply)
        return Rendered(self.content(lines), embeds, reply.attachment)


def text_only(text: str) -> Rendered:
    """A plain message (the apology)."""
    return Rendered(clip(text, MAX_CONTENT), [])
