"""Questions about kinds of things: "is there a panel?", "list the keynotes", "are there
posters?", and counts: "how many papers are there?". A kind the program does not have
is said plainly ("There is no panel on the program"), never answered with a near miss."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.answers import lookup
from bot.answers.context import Ask
from bot.answers.focus import kinds_on, unresolved
from bot.answers.scopes import narrowed, scope_words
from bot.answers.workshop import workshop
from bot.kind_words import singular_phrase
from bot.matching import normalize
from bot.messages import Line, Quote, Reply
from bot.program import Item
from bot.subjects import (
    ItemSubject,
    KindSubject,
    Missing,
    PersonSubject,
    WorkshopSubject,
    items_of_kind,
    kind_named,
    resolve,
)


def kind(ask: Ask, arg: str) -> Reply:
    if arg == "kinds":  # "what kinds of sessions are there?"
        return ask.reply(("The program has: " + kinds_on(ask) + ".",))
    if _TRACKS.search(arg):  # "are there parallel tracks?": tracks are no kind of item
        return _tracks(ask)
    subject = resolve(ask, arg)
    if isinstance(subject, Missing) and (either := _alternatives(arg)):
        # "any social event / party?", "a tutorial or hands-on session": the one it has
        for said in either:
            found = resolve(ask, said)
            if not isinstance(found, Missing):
                return kind(ask, said)
    if isinstance(subject, KindSubject) and subject.items:
        if (reply := unresolved(ask, subject)) is not None:
            return reply  # none of them in the scope asked ("… tomorrow")
        items = narrowed(ask, list(subject.items)) if ask.scope else subject.items
        label = subject.kind.singular if len(items) == 1 else subject.kind.plural
        cards = tuple(ask.card(i, detail=False) for i in items)
        if (narrower := _narrower(subject, items)) is not None:
            # "is there a closing dinner?": the reception is a social event, not a dinner
            return ask.reply((f"There is no {narrower} on the program; its "
                              f"{subject.kind.plural}:",), cards=cards, layout="list",
                             kind="not_found")
        return ask.reply((f"{len(items)} {label}{scope_words(ask) or ' on the program'}:",),
                         cards=cards,
                         layout="list",
                         subject=f"#{items[0].slug}" if len(items) == 1 else "")
    if isinstance(subject, WorkshopSubject):
        return workshop(ask, "about")
    if isinstance(subject, Missing):
        return _absent(ask, subject.query)
    if (reply := unresolved(ask, subject)) is not None:
        return reply
    if isinstance(subject, ItemSubject):
        return ask.reply(cards=(ask.card(subject.item, relative=True),))
    if isinstance(subject, PersonSubject):
        return lookup.person(ask, subject.person.name)
    return lookup.about(ask, arg)


_TRACKS = re.compile(r"^(?:parallel |separate |different |multiple |several )?tracks?$",
                     re.IGNORECASE)
_EITHER = re.compile(r"\s*(?:/|\bor\b|,|&|\band\b)\s*", re.IGNORECASE)


def _alternatives(arg: str) -> list[str]:
    """The kinds ``arg`` offers as alternatives ("social event / party"), or []."""
    parts = [p.strip() for p in _EITHER.split(arg) if p and p.strip()]
    return parts if len(parts) > 1 else []


def _tracks(ask: Ask) -> Reply:
    tracks = ask.program.tracks
    if not tracks:
        return ask.reply(("The program has no tracks: its sessions are not split by topic.",),
                         kind="not_found")
    rooms = ask.program.rooms
    where = f", in {len(rooms)} rooms" if len(rooms) > 1 else ""
    return ask.reply((f"{len(tracks)} track{'' if len(tracks) == 1 else 's'}{where}: "
                      + ", ".join(tracks) + ". Say “agenda <track>” for one of them.",))


INTERCHANGEABLE = frozenset({"coffee", "lunch", "break"})  # a tea break is a coffee break


def _narrower(subject: KindSubject, items: Sequence[Item]) -> str | None:
    """The asker's words when they name one sort of the kind that none of ``items`` is
    ("dinner" of the social events, when the only one is a reception), else None."""
    kind = subject.kind
    if kind.name in INTERCHANGEABLE or not subject.said:
        return None
    said = [singular_phrase(w) for w in normalize(subject.said).split()]
    specific = [w for w in said if w in kind.words and w not in (kind.name, kind.singular)]
    if not specific:
        return None
    for item in items:
        text = set(normalize(f"{item.title} {item.summary or ''} {' '.join(item.keywords)}")
                   .split()) | {item.kind}
        if all(w in text for w in specific):
            return None
    return " ".join(w for w in said if w not in ("a", "an", "the", "any", "some"))


def _absent(ask: Ask, query: str) -> Reply:
    """Something that is not on the program, with what comes closest as suggestions."""
    single = singular_phrase(query)
    lines: list[Line] = [("There is no ", Quote(single, marks=False), " on the program.",)
                         if single == query.strip() else
                         ("There are no ", Quote(query.strip(), marks=False), " on the program.",)]
    found = ask.index.search(query, limit=3)
    if found:
        titles = "; ".join(m.entry.label for m in found)
        lines.append((f"Closest on the program (not the same thing): {titles}.",))
    else:
        lines.append(("It has: " + kinds_on(ask) + ".",))
    return ask.reply(*lines, kind="not_found")


# What "how many <noun>" can count beyond kinds of items.
_NUMBER_OF = re.compile(r"^(?:the\s+)?(?:total\s+)?(?:number|count|no|amount|total)\s+of\s+",
                        re.IGNORECASE)


def count(ask: Ask, arg: str) -> Reply:
    program = ask.program
    arg = _NUMBER_OF.sub("", arg.strip())  # "total number of talks": talks
    words = normalize(arg).split()
    noun = words[0] if words else ""
    noun = noun[:-1] if noun.endswith("s") and len(noun) > 3 else noun
    people_nouns = {"speaker": "speaker", "presenter": "speaker", "author": "author",
                    "organizer": "organizer", "organiser": "organizer"}
    if noun in ("people", "person") and any(w.startswith(("speak", "present", "talk", "giv"))
                                            for w in words[1:]):
        noun = "speaker"  # "how many people are speaking"
    if noun in people_nouns:
        role = people_nouns[noun]
        if role == "organizer":
            names = [p.name for p in program.organizers]
        else:
            credit = "author" if role == "author" else "speaker"
            names = sorted({p.name for p in program.people
                            if any(c.kind == credit for c in program.credits_of(p))})
        shown = ", ".join(names[:20]) + (" …" if len(names) > 20 else "")
        return ask.reply((f"{len(names)} {role}{'' if len(names) == 1 else 's'}: {shown}.",))
    if noun == "day":
        days = program.program_days()
        return ask.reply((f"{program.workshop.full_name} has {len(days)} "
                          f"day{'' if len(days) == 1 else 's'}.",))
    if noun in ("room", "stage", "hall"):
        rooms = program.rooms
        return ask.reply((f"{len(rooms)} room{'' if len(rooms) == 1 else 's'}: "
                          + ", ".join(rooms) + ".",))
    if noun == "track":
        return ask.reply((f"{len(program.tracks)} track"
                          f"{'' if len(program.tracks) == 1 else 's'}"
                          + (": " + ", ".join(program.tracks) if program.tracks else "") + ".",))
    if noun in ("item", "session", "event", "slot", "thing"):
        total = len(program.scheduled)
        return ask.reply((f"{total} scheduled items (" + kinds_on(ask) + ").",))
    if noun in ("people", "attendee", "participant", "person", "registration"):
        names = {p.name for p in program.people}
        return ask.reply(("The program does not say how many people attend; it names "
                          f"{len(names)} speakers, authors and organizers.",))
    found = kind_named(arg)
    if found is None:
        return ask.reply(("I can count talks, papers, keynotes, breaks, speakers, authors, "
                          "rooms and days; for example “how many papers are there?”.",),
                         kind="help")
    items = list(items_of_kind(program, found))
    where = " on the program"
    if ask.scope and items:  # "how many keynotes are there tomorrow"
        items, where = narrowed(ask, [i for i in items if i.is_scheduled]), scope_words(ask)
    label = found.singular if len(items) == 1 else found.plural
    if not items:
        return ask.reply((f"There is no {found.singular}{where} (0 {found.plural}).",),
                         kind="not_found")
    labels: dict[str, int] = {}
    for item in items:
        labels[item.kind_label.casefold()] = labels.get(item.kind_label.casefold(), 0) + 1
    mix = ""
    if len(labels) > 1:  # "9 talks (7 talks and 2 keynotes)": the kinds the program names
        parts = [f"{n} {name}{'' if n == 1 or name.endswith('s') else 's'}"
                 for name, n in labels.items()]
        mix = " (" + ", ".join(parts[:-1]) + " and " + parts[-1] + ")"
    return ask.reply((f"{len(items)} {label}{where}{mix}.",),
                     cards=tuple(ask.card(i, detail=False) for i in items[:40]),
                     more=max(0, len(items) - 40), layout="list")
