"""/agenda-ics on Discord: the asker's reminders as a calendar file, only for them; and
/agenda's day and room options reach the core."""

from __future__ import annotations

import icalendar

from tests.discord.conftest import RunningBot
from tests.fakes.discord_payloads import EPHEMERAL


async def callback(bot: RunningBot, name: str, values: dict[str, object]) -> dict[str, object]:
    asked = await bot.fake.send_slash_command(name, values)
    answer = await bot.fake.wait_for_request("POST", bot.fake.interaction_callback_path(asked))
    return answer  # type: ignore[return-value]


async def test_agenda_ics_attaches_the_askers_reminders(bot: RunningBot) -> None:
    for what, before in (("Luis Ceze", "30m"), ("Luis Ceze", "5m"), ("Yuandong Tian", None)):
        values: dict[str, object] = {"what": what} | ({"before": before} if before else {})
        await callback(bot, "remind", values)
    answer = await callback(bot, "agenda-ics", {})
    data = answer.json["data"]  # type: ignore[attr-defined]
    assert data["flags"] & EPHEMERAL
    assert data["content"].startswith("📅 Your 2 sessions with their reminders")
    [upload] = answer.files  # type: ignore[attr-defined]
    assert upload["filename"] == "mlforsys-2021-my-sessions.ics"
    calendar = icalendar.Calendar.from_ical(upload["data"])
    events = calendar.walk("VEVENT")
    assert [str(e["UID"]) for e in events] == ["ceze-talk@mlforsys-2021.workshop-bot",
                                              "tian-talk@mlforsys-2021.workshop-bot"]
    ceze = events[0]
    assert ceze.start.isoformat() == "2021-12-13T15:50:00-08:00"
    assert sorted(str(a["TRIGGER"].dt) for a in ceze.walk("VALARM")) == [
        "-1 day, 23:30:00", "-1 day, 23:55:00"]  # 30 and 5 minutes before

    everything = await callback(bot, "agenda-ics", {"everything": True})
    [whole] = everything.files  # type: ignore[attr-defined]
    assert len(icalendar.Calendar.from_ical(whole["data"]).walk("VEVENT")) == 9


async def test_agenda_feed_reaches_the_feed_answer_privately(bot: RunningBot) -> None:
    """This bot serves no pages (the fixture's BOT_WEB is off), so the answer says so and
    points to the file instead; with the pages on, tests/test_feeds.py has the link."""
    for values in ({}, {"reset": True}):
        answer = await callback(bot, "agenda-feed", values)
        data = answer.json["data"]  # type: ignore[attr-defined]
        assert data["flags"] & EPHEMERAL
        assert data["content"].startswith("Calendar feeds are not served here"), data


async def test_agenda_day_and_where_options(bot: RunningBot) -> None:
    answer = await callback(bot, "agenda", {"day": 1, "where": "main"})
    [listing] = answer.json["data"]["embeds"]  # type: ignore[attr-defined]
    lines = [line for line in listing["description"].splitlines() if line.startswith("• ")]
    assert len(lines) == 9
    missing = await callback(bot, "agenda", {"day": 3})
    assert missing.json["data"]["content"].startswith(  # type: ignore[attr-defined]
        "The program has 1 day (Mon 13 Dec), so there is no day 3")


async def test_agenda_where_autocompletes_rooms_and_tracks(bot: RunningBot) -> None:
    fake = bot.fake
    asked = await fake.send_autocomplete("agenda", {"where": "MA"}, focused="where")
    answer = await fake.wait_for_request("POST", fake.interaction_callback_path(asked))
    assert answer.json["data"]["choices"] == [{"name": "main", "value": "main"}]
