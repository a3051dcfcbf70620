"""Questions about a talk, a paper or a person: when, about, who, papers by, search."""

from __future__ import annotations

import re

from bot.answers.context import Ask, describe_roles
from bot.answers.focus import unresolved
from bot.answers.scopes import narrowed, scope_words
from bot.answers.workshop import workshop
from bot.kind_words import kind_hint
from bot.matching import ANYTHING, EntryKind, Resolution, normalize, query_tokens
from bot.messages import Card, Line, Quote, Reply
from bot.near_miss import without_near_misses
from bot.program import Item, Person, examples
from bot.subjects import KindSubject, items_of_kind, kind_named, names_workshop, ordinal_item

PEOPLE: frozenset[EntryKind] = frozenset({"person"})
SHOWN = 60  # search results made into lines; a message has room for a few dozen



def _need(ask: Ask, example: str) -> Reply:
    return ask.reply((f"Which talk, paper or person? For example: “{example}”.",), kind="help")


def _resolve(ask: Ask, query: str, kinds: frozenset[EntryKind] = ANYTHING) -> Resolution:
    """What ``query`` names, never another person who shares a first name with it."""
    return without_near_misses(query, ask.index.resolve(query, kinds))


def _program_level(ask: Ask, query: str, aspect: str) -> Reply | None:
    """The answer when ``query`` names the workshop itself or a kind of thing ("the
    poster thing", "keynotes") rather than one item or person; else None."""
    if names_workshop(ask.program, query):
        return workshop(ask, aspect)
    found = kind_named(query)
    if found is None:
        return None
    subject = KindSubject(found, items_of_kind(ask.program, found), query)
    if (reply := unresolved(ask, subject)) is not None:
        return reply  # none on the program, or none in the scope asked
    items = narrowed(ask, list(subject.items)) if ask.scope else list(subject.items)
    if len(items) == 1:
        return _when_item(ask, items[0])
    return ask.reply((f"{len(items)} {found.plural}{scope_words(ask) or ' on the program'}:",),
                     cards=tuple(ask.card(i, detail=False) for i in items),
                     layout="list")


def when(ask: Ask, query: str) -> Reply:
    if not query:
        return _need(ask, f"when is {examples(ask.program).speaker}'s talk?")
    if (reply := _program_level(ask, query, "dates")) is not None:
        return reply
    if (item := ordinal_item(ask.program, query)) is not None:
        return _when_item(ask, item)  # "the second keynote"
    entry = ask.one(query)
    if isinstance(entry, Reply):
        return entry
    if entry.person is not None:
        return _when_person(ask, entry.person, query)
    assert entry.item is not None
    return _when_item(ask, entry.item)


def _when_item(ask: Ask, item: Item) -> Reply:
    return ask.reply(cards=(ask.card(item, relative=True),), after=_presented(ask, item))


def _presented(ask: Ask, item: Item) -> tuple[Line, ...]:
    """The papers presented in a session ("session: posters" in the program file)."""
    papers = [p.display_title for p in ask.program.presented.get(item.slug, ())]
    if not papers:
        return ()
    shown = "; ".join(papers[:15]) + (f"; and {len(papers) - 15} more" if len(papers) > 15
                                      else "")
    return (("Papers presented here: " + shown + ".",),)


def _when_person(ask: Ask, person: Person, hint: str = "") -> Reply:
    """A person's sessions; only those of a kind the question named ("Vogelsang's
    keynote") or in its scope ("… tomorrow"), when some are."""
    sessions = [i for i in ask.program.items_of(person) if i.is_scheduled]
    sessions = narrowed(ask, sessions) or sessions
    if (kind := kind_hint(hint)) is not None:
        wanted = {id(i) for i in items_of_kind(ask.program, kind)}
        sessions = [i for i in sessions if id(i) in wanted] or sessions
    papers = [i for i in ask.program.items_of(person, "author") if not i.is_scheduled]
    after: list[Line] = []
    if papers:
        titles = "; ".join(p.display_title for p in papers)
        after.append((f"Also an author of: {titles} (no time slot).",))
    if not sessions:
        roles = describe_roles(ask.program, person)
        return ask.reply(
            (f"{person.name} has no scheduled session" + (f" ({roles})." if roles else "."),),
            after=tuple(after),
        )
    return ask.reply(
        (f"{person.name}:",),
        cards=tuple(ask.card(item, relative=True) for item in sessions),
        after=tuple(after),
        subject=f"#{sessions[0].slug}" if len(sessions) == 1 else f"~{person.name}",
    )


def about(ask: Ask, query: str) -> Reply:
    if not query:
        return _need(ask, f"tell me about {examples(ask.program).item}")
    if (reply := _program_level(ask, query, "about")) is not None:
        return reply
    if (item := ordinal_item(ask.program, query)) is not None:
        return _when_item(ask, item)  # "who gives the first afternoon talk"
    entry = ask.one(query)
    if isinstance(entry, Reply):
        return entry
    if entry.person is not None:
        if (kind := kind_hint(query)) is not None:  # "what is phitchaya's talk about?"
            wanted = {id(i) for i in items_of_kind(ask.program, kind)}
            talks = [i for i in ask.program.items_of(entry.person) if id(i) in wanted]
            if len(talks) == 1:
                return _when_item(ask, talks[0])
        return _person_summary(ask, entry.person)
    assert entry.item is not None
    return _when_item(ask, entry.item)


def person(ask: Ask, query: str) -> Reply:
    """Everything a person does at the workshop; falls back to items ("who is NIC?")."""
    if not query:
        return _need(ask, f"who is {examples(ask.program).person}?")
    if query.startswith(FROM_MARK):
        return people_from(ask, query.removeprefix(FROM_MARK))
    resolution = _resolve(ask, query, PEOPLE)
    if not resolution.found:
        return about(ask, query)
    entry = resolution.unique
    if entry is None or entry.person is None:
        return ask.ambiguous(query, resolution)
    return _person_summary(ask, entry.person)


FROM_MARK = "from:"  # PERSON "from:ETH": the people of an affiliation


def people_from(ask: Ask, place: str) -> Reply:
    """ "Who is from ETH?", "any speakers from Oslo": the people whose affiliation names it,
    with what they do; the program lists affiliations only for some people."""
    wanted = normalize(place).split()
    found = [p for p in ask.program.people if p.affiliation and wanted and all(
        any(w == a or (len(w) >= 4 and a.startswith(w)) for a in normalize(p.affiliation).split())
        for w in wanted)]
    if not found:
        return ask.reply(("Nobody on the program lists an affiliation matching ", Quote(place),
                          " (the program gives affiliations for some people only)."),
                         kind="not_found")
    cards = [Card(slug="", kind_label="Person", title=f"{p.name} ({p.affiliation})",
                  note=describe_roles(ask.program, p) or None) for p in found[:20]]
    return ask.reply((f"From {place}:",), cards=tuple(cards), layout="list")


def _person_summary(ask: Ask, who: Person) -> Reply:
    program = ask.program
    credits = program.credits_of(who)
    name = who.name + (f" ({who.affiliation})" if who.affiliation else "")
    lines: list[Line] = [(f"{name}:",)]
    if any(c.kind == "organizer" for c in credits):
        lines.append((f"Organizer of {program.workshop.full_name}.",))
    items = [c.item for c in credits if c.item is not None]
    sessions = sorted((i for i in items if i.is_scheduled), key=lambda i: i.span[0])
    papers = [i for i in items if not i.is_scheduled]
    cards: list[Card] = [ask.card(i, detail=False) for i in sessions + papers]
    if not cards and len(lines) == 1:
        lines.append(("No role on the program.",))
    subject = f"#{sessions[0].slug}" if len(sessions) == 1 and not papers else f"~{who.name}"
    return ask.reply(*lines, cards=tuple(cards), layout="list", subject=subject)


def by_author(ask: Ask, query: str) -> Reply:
    if not query:
        return _need(ask, f"papers by {examples(ask.program).author}")
    resolution = _resolve(ask, query, PEOPLE)
    if not resolution.found:
        return ask.not_found(query, resolution, what="among the authors ")
    entry = resolution.unique
    if entry is None or entry.person is None:
        return ask.ambiguous(query, resolution)
    found = ask.program.items_of(entry.person, "author")
    if not found:
        roles = describe_roles(ask.program, entry.person)
        return ask.reply((f"{entry.person.name} has no papers here" +
                          (f" ({roles})." if roles else "."),))
    noun = "paper" if len(found) == 1 else "papers"
    return ask.reply(
        (f"{len(found)} {noun} by {entry.person.name}:",),
        cards=tuple(ask.card(item, detail=False, mark_papers=False) for item in found),
        layout="list",
    )


_ALTERNATIVES = re.compile(r"\s+or\s+|\s*/\s*", re.IGNORECASE)


def search(ask: Ask, words: str) -> Reply:
    if not words:
        return _need(ask, "search quantization")
    matches = ask.index.search(words, limit=None)
    if not matches and len(either := _ALTERNATIVES.split(words)) > 1:
        # "Kafka or Flink": what mentions either, each word's matches in turn
        seen: set[int] = set()
        matches = [m for part in either if part.strip()
                   for m in ask.index.search(part, limit=None)
                   if id(m.entry) not in seen and not seen.add(id(m.entry))]
    if not matches:
        return ask.not_found(words, Resolution(words, (), ask.index.suggest(words, ANYTHING)))
    if (missing := ask.index.unknown_words(words)) and len(missing) < len(words.split()):
        # "federated learning": what only says "learning" is not about it
        rest = " ".join(t for t in query_tokens(words) if t not in missing)
        return ask.reply(("Nothing on the program mentions ", Quote(" ".join(missing)), "."),
                         after=((f"Say “search {rest}” for the rest.",),) if rest else (),
                         kind="not_found")
    items = [m.entry.item for m in matches if m.entry.item is not None]
    noun = "result" if len(items) == 1 else "results"
    shown = items[:SHOWN]  # no message holds more; the rest are counted
    return ask.reply(
        (f"{len(items)} {noun} for ", Quote(words), ":"),
        cards=tuple(ask.card(item, detail=False) for item in shown),
        more=len(items) - len(shown),
        narrow="Add a word to narrow the search.",
        layout="list",
        after=(*_near_results(ask, words, items), ("Say “about <title>” for details.",)),
    )


def _near_results(ask: Ask, words: str, found: list[Item]) -> tuple[Line, ...]:
    """When few items have every word ("stream processing"), those that have one of
    them ("stateful stream operators"), named as such: they may be what was meant."""
    tokens = query_tokens(words)
    if len(found) >= 3 or len(tokens) < 2:
        return ()
    have = {id(i) for i in found}
    lines: list[Line] = []
    for token in tokens:
        near = [m.entry.item for m in ask.index.search(token, limit=6)
                if m.entry.item is not None and id(m.entry.item) not in have]
        if near:
            have.update(id(i) for i in near)
            lines.append((f"Also mentioning “{token}”: "
                          + "; ".join(i.display_title for i in near[:4]) + ".",))
    return tuple(lines[:2])


def guess(ask: Ask, text: str) -> Reply | None:
    """A bare name or title ("CompilerGym", "kraska"): answer about it, if it is one."""
    if (reply := _program_level(ask, text, "about")) is not None:
        return reply
    resolution = _resolve(ask, text)
    entry = resolution.unique
    if entry is None:
        return ask.ambiguous(text, resolution) if resolution.found else None
    if entry.person is not None:
        return _person_summary(ask, entry.person)
    assert entry.item is not None
    return _when_item(ask, entry.item)

