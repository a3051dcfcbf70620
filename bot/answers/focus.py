"""The one item a question is about when its subject stands for several (a person with
a talk and a panel, "lunch" on a two-day program), and the reply when the subject is
not on the program or could be several things."""

from __future__ import annotations

from collections.abc import Sequence

from bot.answers.context import Ask
from bot.answers.scopes import narrowed, scope_words
from bot.kind_words import items_of_kind, kind_hint, singular_phrase
from bot.matching import normalize
from bot.messages import Line, Reply
from bot.program import Item
from bot.subjects import (
    ItemSubject,
    KindSubject,
    Missing,
    PersonSubject,
    Several,
    Subject,
    WorkshopSubject,
    sessions_of,
)


def pick(ask: Ask, items: Sequence[Item]) -> Item | None:
    """The one people mean now: the first not yet over, else the last."""
    scheduled = [i for i in items if i.is_scheduled]
    if not scheduled:
        return None
    return next((i for i in scheduled if i.span[1] > ask.now), scheduled[-1])


def items_of(ask: Ask, subject: Subject) -> list[Item]:
    """The scheduled items a subject stands for, in time order, within the asker's scope
    ("… tomorrow")."""
    return narrowed(ask, _all_items(ask, subject))


def of_the_kind_said(ask: Ask, subject: Subject, items: list[Item], said: str) -> list[Item]:
    """A person's ``items`` narrowed to the kind the question named ("Vogelsang's
    keynote": not the panel she is also on, nor her paper), when it named one."""
    if not isinstance(subject, PersonSubject) or (hint := kind_hint(said)) is None:
        return items
    wanted = {id(i) for i in items_of_kind(ask.program, hint)}
    return [i for i in items if id(i) in wanted] or items


def _all_items(ask: Ask, subject: Subject) -> list[Item]:
    if isinstance(subject, ItemSubject):
        return _slotted(ask, subject.item)
    if isinstance(subject, PersonSubject):
        return sessions_of(ask.program, subject.person)
    if isinstance(subject, KindSubject):
        return [i for i in subject.items if i.is_scheduled]
    if isinstance(subject, WorkshopSubject):
        return list(ask.program.scheduled)
    return []


def _slotted(ask: Ask, item: Item) -> list[Item]:
    """An item as something with a time: itself, or for a paper without a slot of its own
    the session it is presented in ("session: posters"), or nothing."""
    if item.is_scheduled:
        return [item]
    session = ask.program.by_slug.get(item.session_slug or "")
    return [session] if session is not None and session.is_scheduled else []


def unresolved(ask: Ask, subject: Subject) -> Reply | None:
    """The reply for a subject that is not one thing on the program, else None."""
    if isinstance(subject, Missing):
        return ask.not_found(subject.query, subject.resolution)
    if isinstance(subject, Several):
        return ask.ambiguous(subject.query, subject.resolution)
    if isinstance(subject, KindSubject) and not subject.items:
        return absent_kind(ask, subject)
    if ask.scope and not isinstance(subject, WorkshopSubject):
        every = _all_items(ask, subject)
        if every and not narrowed(ask, every):
            return out_of_scope(ask, subject, every)
    return None


def out_of_scope(ask: Ask, subject: Subject, every: list[Item]) -> Reply:
    """ "There is no keynote tomorrow.", and when the ones there are take place."""
    label = subject.kind.singular if isinstance(subject, KindSubject) else every[0].display_title
    lines: list[Line] = [(f"There is no {label}{scope_words(ask)}."
                          if isinstance(subject, KindSubject) else
                          f"{label} is not{scope_words(ask)}.",)]
    return ask.reply(*lines, cards=tuple(ask.card(i, detail=False) for i in every[:12]),
                     layout="list", kind="not_found")


def absent_kind(ask: Ask, subject: KindSubject) -> Reply:
    """ "There is no panel on the program." and what kinds of things it does have."""
    lines: list[Line] = [(f"There is no {_asked(subject)} on the program.",)]
    lines.append(("It has: " + kinds_on(ask) + ".",))
    return ask.reply(*lines, kind="not_found")


def _asked(subject: KindSubject) -> str:
    """The thing asked for in the asker's words when they name a kind more narrowly
    ("workshop dinner or other social event"), else the kind ("panel")."""
    kind = subject.kind.singular
    said = singular_phrase(" ".join(normalize(subject.said).split()))
    said = " ".join(w for w in said.split() if w not in ("the", "a", "an", "any", "some"))
    if not said or said in (kind, subject.kind.name) or kind in said or len(said) > 40:
        return kind
    return f"{said} or other {kind}"


ADJECTIVE_KINDS = {"social": "social event", "invited": "invited talk"}  # "1 social event"


def kinds_on(ask: Ask) -> str:
    """ "9 talks, 2 remarks, 1 break and 13 papers": what the program is made of."""
    counts: dict[str, int] = {}
    for item in ask.program.scheduled:
        label = item.kind_label.casefold()
        label = ADJECTIVE_KINDS.get(label, label)
        counts[label] = counts.get(label, 0) + 1
    if ask.program.papers:
        counts["paper"] = len(ask.program.papers)
    parts = [f"{n} {label}" + ("" if n == 1 or label.endswith("s") else "s")
             for label, n in counts.items()]
    return ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1] \
        if parts else "nothing scheduled yet"
