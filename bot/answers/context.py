"""What every answer needs: the program, the asker's timezone and "now", and helpers that
turn program items into reply cards the same way everywhere."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from bot.matching import ANYTHING, Entry, EntryKind, ProgramIndex, Resolution, query_tokens
from bot.messages import Attachment, Card, Line, Moment, Quote, Reply
from bot.near_miss import without_near_misses
from bot.program import Item, Program
from bot.render_text import fitted

SUMMARY_CHARS = 400


@dataclass(frozen=True, slots=True)
class Ask:
    """One question's circumstances."""

    program: Program
    index: ProgramIndex
    now: datetime
    zone: ZoneInfo
    zone_is_saved: bool = False
    scope: str = ""  # the day or part of one the question was narrowed to (Request.scope)

    def reply(self, *lines: Line, cards: tuple[Card, ...] = (),
              layout: Literal["list", "detail"] = "detail", more: int = 0, narrow: str = "",
              after: tuple[Line, ...] = (), private: bool | None = None,
              kind: Literal["answer", "help", "not_found", "error"] = "answer",
              attachment: Attachment | None = None, subject: str = "") -> Reply:
        """The answer, cut to fit a message and carrying its text (``fitted``). The parts
        are Reply's, named here so that no answer builds a dictionary of them."""
        return fitted(lines, self.zone, self.now, cards=cards, layout=layout, more=more,
                      narrow=narrow, after=after, private=private, kind=kind,
                      attachment=attachment, subject=subject)

    def card(
        self, item: Item, *, detail: bool = True, relative: bool = False, mark_papers: bool = True
    ) -> Card:
        """``detail`` adds the summary; ``mark_papers`` tags papers in mixed lists. Made
        once per item and program (``Program.cards``): it depends on nothing else."""
        key = (id(item), detail, relative, mark_papers)
        made = self.program.cards.get(key)
        if made is not None and made[0] is item:
            return made[1]
        card = self._make_card(item, detail, relative, mark_papers)
        self.program.cards[key] = (item, card)
        return card

    def _make_card(self, item: Item, detail: bool, relative: bool, mark_papers: bool) -> Card:
        when = Moment(*item.span, relative=relative) if item.is_scheduled else None
        note = None
        if item.is_paper and when is None and (detail or mark_papers):
            note = "paper, no time slot on the program" if detail else "paper"
        summary = item.summary if detail else None
        if summary and len(summary) > SUMMARY_CHARS:
            summary = summary[: SUMMARY_CHARS - 1].rstrip() + "…"
        return Card(
            slug=item.slug,
            kind_label=item.kind_label,
            title=item.display_title,
            people_label=item.people_label,
            people=tuple(p.name for p in item.people),
            summary=summary,
            when=when,
            room=item.room if self.program.many_rooms else None,
            url=item.url if detail else None,
            note=note,
            day=self.program.day_of(item) if item.is_scheduled else None,
        )

    def one(self, query: str, kinds: frozenset[EntryKind] = ANYTHING) -> Entry | Reply:
        """The one talk, paper or person ``query`` names; else the reply that says there
        is none ("Nothing matches …", with suggestions) or several ("Several things …")."""
        exact = self.exact(query)
        if exact is not None and exact.kind in kinds:
            return exact
        resolution = without_near_misses(query, self.index.resolve(query, kinds))
        if not resolution.found:
            return self.not_found(query, resolution)
        entry = resolution.unique
        if entry is None:
            return self.ambiguous(query, resolution)
        return entry

    def exact(self, query: str) -> Entry | None:
        """The item ("#slug") or person ("~name") a follow-up refers to exactly."""
        if query.startswith("#") and (item := self.program.by_slug.get(query[1:])):
            return Entry("item", item=item)
        if query.startswith("~"):
            person = next((p for p in self.program.people if p.name == query[1:]), None)
            if person is not None:
                return Entry("person", person=person)
        return None

    def not_found(self, query: str, resolution: Resolution | None = None, what: str = "") -> Reply:
        suggestions = resolution.suggestions if resolution else ()
        end = " on the program." if not what else "."
        long_words = [w for w in query_tokens(query) if len(w) >= 4]
        if not what and (_A_NAME.match(query) or (long_words and len(
                self.index.unknown_words(query)) >= len(long_words))):  # "When is Jeff Dean …?"
            end = ": it is not on the program."
        lines: list[Line] = [(f"Nothing {what}matches ", Quote(query), end)]
        if suggestions:
            lines.append(("Did you mean: " + "; ".join(suggestions) + "?",))
        else:
            lines.append(("Try “search <words>” or “agenda” to browse the program.",))
        return self.reply(*lines, kind="not_found")

    def ambiguous(self, query: str, resolution: Resolution) -> Reply:
        cards = []
        for match in resolution.matches:
            if match.entry.item is not None:
                cards.append(self.card(match.entry.item, detail=False))
            elif match.entry.person is not None:
                roles = describe_roles(self.program, match.entry.person)
                cards.append(Card(slug="", kind_label="Person", title=match.entry.person.name,
                                  note=roles or None))
        return self.reply(
            ("Several things match ", Quote(query), ":"),
            cards=tuple(cards),
            layout="list",
            after=(("Ask again with the full name or title.",),),
        )


# A person's name as people write one: two or three capitalised words ("Jeff Dean",
# "Yann LeCun", "Anna Schmidt's talk").
_A_NAME = re.compile(r"^(?:Prof\.?\s+|Dr\.?\s+)?[A-ZÀ-Þ][\w'.-]+(?:\s+(?:van|von|de|da|di|del|der|"
                     r"le|la)?\s*[A-ZÀ-Þ][\w'.-]+){1,2}(?:'s\s+\w+)?$")


def describe_roles(program: Program, person: Any) -> str:
    """ "organizer; speaker (1 talk); author (2 papers)". """
    credits = program.credits_of(person)
    parts = []
    if any(c.kind == "organizer" for c in credits):
        parts.append("organizer")
    talks = sum(1 for c in credits if c.kind == "speaker")
    papers = sum(1 for c in credits if c.kind == "author")
    if talks:
        parts.append(f"speaker ({talks} {'session' if talks == 1 else 'sessions'})")
    if papers:
        parts.append(f"author ({papers} {'paper' if papers == 1 else 'papers'})")
    return "; ".join(parts)
