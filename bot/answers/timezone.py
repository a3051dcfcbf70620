"""Showing and saving the asker's timezone ("tz Europe/Berlin", "tz reset")."""

from __future__ import annotations

from dataclasses import replace

from bot import timefmt
from bot.answers.context import Ask
from bot.messages import Quote, Reply, UserRef
from bot.preferences import Preferences
from bot.timezones import TimezoneError, parse_timezone

RESET_WORDS = frozenset({"reset", "default", "clear", "none", "off", "unset"})


async def timezone(ask: Ask, arg: str, user: UserRef, preferences: Preferences) -> Reply:
    if not arg:
        source = "your saved timezone" if ask.zone_is_saved else "the workshop's timezone"
        return ask.reply(
            (f"Times are shown in {ask.zone.key} ({source}); it is now ",
             timefmt.instant(ask.now, ask.zone, ask.now), " there."),
            ("Change it with “tz Europe/Berlin”, or “tz reset” for the default.",),
        )
    if arg.casefold() in RESET_WORDS:
        await preferences.set_timezone(user, None, ask.now)
        return ask.reply(("Done: times are shown in the workshop's timezone again.",))
    try:
        zone = parse_timezone(arg)
    except TimezoneError as exc:
        # The hint follows the last "; ": the message repeats the typed name before it,
        # which may hold "; " too, and must not reach the reply unquoted.
        before, _, hint = str(exc).rpartition("; ")
        hint = hint if before else ""
        return ask.reply(("Unknown timezone ", Quote(arg), f"; {hint}"), kind="error")
    await preferences.set_timezone(user, zone, ask.now)
    ask = replace(ask, zone=zone, zone_is_saved=True)
    return ask.reply((f"Saved: times are now shown in {zone.key}, where it is ",
                      timefmt.instant(ask.now, zone, ask.now), "."))
