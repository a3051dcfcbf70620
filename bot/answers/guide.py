"""Help, greetings, and the short help that answers anything the bot did not understand."""

from __future__ import annotations

from bot.answers.context import Ask
from bot.messages import Quote, Reply
from bot.program import Program, examples


def example_questions(program: Program) -> str:
    """ "what's on now? · … · when is Tim Kraska's talk? · tell me about CompilerGym"."""
    names = examples(program)
    return (f"what's on now? · what's next? · agenda · when is {names.speaker}'s talk? · "
            f"tell me about {names.item} · help")

COMMAND_HELP = (
    ("now", "what is on right now"),
    ("next", "what starts next"),
    ("agenda [tomorrow|day 2|all] [room or track]", "the day's program, or the days, room "
     "or track you name"),
    ("agenda ics [all]", "your reminders (or the whole program) as a calendar file"),
    ("agenda feed", "a link your calendar app subscribes to, kept up to date with your "
     "reminders (“agenda feed reset” kills it)"),
    ("papers", "every accepted paper"),
    ("when <talk, paper or person>", "when it is on, in your timezone"),
    ("who at <time>", "who is speaking at a time, e.g. “who is speaking at 10:15?”"),
    ("about <talk or paper>", "title, speakers or authors, summary and time"),
    ("who is <person>", "everything a person does here"),
    ("papers by <person>", "a person's papers"),
    ("what's after <talk>? · before <talk>?", "what comes right after or before it; “the "
     "first talk”, “the final item”"),
    ("how long is <talk>?", "its length; “what's on from 2 to 4pm?” for a time range"),
    ("is there a panel? · list the keynotes", "kinds of things; “how many papers?”"),
    ("where is <talk>?", "its room; “where is the workshop?”, “who runs it?”, its web page"),
    ("search <words>", "search titles and summaries, e.g. “search quantization”"),
    ("remind <talk> [30m]", "a DM before a talk starts; “remind list”, “remind cancel all”"),
    ("ask <paper>: <question>", "a question for the speakers; “qa” lists the Q&A commands"),
    ("tz <zone>", "show times in your zone, e.g. “tz Europe/Berlin” (“tz reset” to undo)"),
)


def help_text(ask: Ask, _arg: str = "") -> Reply:
    workshop = ask.program.workshop
    lines = [(f"I answer questions about {workshop.full_name}. Ask in plain words or use a "
              "command:",)]
    lines += [(f"• {usage}: {what}",) for usage, what in COMMAND_HELP]
    lines.append((f"Times are shown in {ask.zone.key}.",))
    return ask.reply(*lines, kind="help")


def greeting(ask: Ask, _arg: str = "") -> Reply:
    return ask.reply(
        (f"Hi! I answer questions about {ask.program.workshop.full_name}.",),
        (f"Try: {example_questions(ask.program)}",),
        kind="help",
    )


def thanks(ask: Ask, _arg: str = "") -> Reply:
    return ask.reply(("You're welcome!",), kind="help")


def only_in_private(ask: Ask) -> Reply:
    """What a request for a personal link gets in a channel: the link would be read by
    everyone there, so it is given only in a DM or as a slash command's private answer."""
    return ask.reply(
        ("That answer holds a link that is yours alone, so I give it only in a direct "
         "message or as the private answer of a slash command: send me the same words in a "
         "DM.",),
        kind="help",
    )


def database_away(ask: Ask) -> Reply:
    """What a command that needs the database gets while it is not answering: nothing
    was done (nothing was stored or acknowledged), so asking again later is safe."""
    return ask.reply(
        ("Sorry, I cannot reach my database just now, so I could not do that. "
         "Nothing was saved; please try again in a minute.",),
        ("Schedule questions still work.",),
        kind="help",
    )


def not_understood(ask: Ask, text: str) -> Reply:
    return ask.reply(
        ("Sorry, I did not understand ", Quote(text), "."),
        (f"Try: {example_questions(ask.program)}",),
        kind="help",
    )
