"""The words of reminders and change notices. Times are Moments, so each platform shows
them in the reader's own timezone; the plain fallback uses the recipient's saved zone."""

from __future__ import annotations

from collections.abc import Sequence

from bot.answers.context import Ask
from bot.messages import Button, Line, Moment, Reply
from bot.program import Item
from bot.store.program_sync import SessionChange


def remind_button(item: Item) -> Button:
    return Button("Remind me", "remind", item.slug)


def announcement(ask: Ask, item: Item, offset: int) -> Reply:
    assert item.start is not None
    if offset == 0:
        head: Line = (f"📣 Starting now: {item.display_title}",)
    else:
        head = (f"📣 Starting soon: {item.display_title}, at ",
                Moment(item.start, relative=True), ".")
    return ask.reply(head, cards=(ask.card(item),))


def speaker_reminder(ask: Ask, item: Item, questions: Sequence[Line] = ()) -> Reply:
    assert item.start is not None
    lines: list[Line] = [(f"🎤 Your session “{item.display_title}” starts at ",
                          Moment(item.start, relative=True), ".")]
    after: list[Line] = []
    if questions:
        after.append(("Top questions waiting for you:",))
        after += [(f"{n}. ", *question) for n, question in enumerate(questions, 1)]
    return ask.reply(*lines, cards=(ask.card(item, detail=False),), after=tuple(after))


def digest(ask: Ask, item: Item, questions: Sequence[Line]) -> Reply:
    """When a session ends: the questions still open, and how to answer them. Each
    question is a line of its own, its text a Quote: it is the asker's."""
    lines: list[Line] = [(f"🗒 “{item.display_title}” has ended. {len(questions)} "
                          f"question{'s' if len(questions) != 1 else ''} still open:",)]
    lines += [("• ", *question) for question in questions[:20]]
    if len(questions) > 20:
        lines.append((f"…and {len(questions) - 20} more: “qa top {item.slug} 50”.",))
    lines.append(("Answer one with “qa answer <id> <your answer>”; it is posted in the "
                  "thread.",))
    return ask.reply(*lines)


def subscriber_reminder(ask: Ask, item: Item) -> Reply:
    assert item.start is not None
    return ask.reply(
        (f"⏰ Reminder: “{item.display_title}” starts at ", Moment(item.start, relative=True),
         "."),
        cards=(ask.card(item),),
        after=(("Say “remind cancel all” to stop your reminders.",),),
    )


def change_for_subscriber(ask: Ask, change: SessionChange) -> Reply:
    if change.change == "moved" and change.new_start and change.old_start:
        return ask.reply(
            (f"📅 “{change.title}” has moved from ", Moment(change.old_start), " to ",
             Moment(change.new_start, change.new_end, relative=True), "."),
            ("Your reminders for it now follow the new time.",),
        )
    when: Line = (" (it was at ", Moment(change.old_start), ")") if change.old_start else ()
    return ask.reply(
        (f"❌ “{change.title}” has been removed from the program", *when, "."),
        ("Your reminders for it are cancelled.",),
    )


def change_for_channel(ask: Ask, changes: Sequence[SessionChange]) -> Reply:
    lines: list[Line] = [("📅 Program update:",)]
    for change in changes:
        if change.change == "moved" and change.old_start and change.new_start:
            lines.append((f"• “{change.title}” moved from ", Moment(change.old_start), " to ",
                          Moment(change.new_start, change.new_end), "."))
        elif change.change == "removed":
            lines.append((f"• “{change.title}” is cancelled.",))
        elif change.change == "added" and change.new_start:
            lines.append((f"• New: “{change.title}” at ",
                          Moment(change.new_start, change.new_end), "."))
    lines.append(("Say “agenda” for the updated program.",))
    return ask.reply(*lines)
