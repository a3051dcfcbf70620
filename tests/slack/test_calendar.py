"""`/workshop agenda ics` on Slack: the asker's reminders as a calendar file, uploaded to
their DM (the slash command's answer is theirs alone), and "agenda ics all" in a DM."""

from __future__ import annotations

import json

import icalendar

from tests.fakes.slack_server import ApiCall, FakeSlack
from tests.slack.conftest import RunningBot


def uploaded(fake: FakeSlack, call: ApiCall) -> bytes:
    [entry] = json.loads(call.args["files"])
    return bytes(fake.files[entry["id"]]["data"])


async def slash(fake: FakeSlack, bot: RunningBot, text: str, key: str) -> dict[str, object]:
    form = fake.slash_command(text=text, user="U0EVE", channel="C0GENERAL",
                              response_url=fake.response_url(key))
    assert (await bot.poster.command(form)).status == 200
    post = await fake.wait_until(
        lambda: next((p for p in fake.response_posts if p.key == key), None),
        what=f"the answer to /workshop {text}")
    return post.body  # type: ignore[no-any-return]


async def test_agenda_ics_uploads_the_askers_reminders_privately(
        fake: FakeSlack, bot: RunningBot) -> None:
    await slash(fake, bot, "remind ceze 15m", "r1")
    body = await slash(fake, bot, "agenda ics", "r2")
    assert body["response_type"] == "ephemeral"
    assert str(body["text"]).startswith("📅 Your 1 session with its reminders")
    done = await fake.wait_for_call("files.completeUploadExternal", ok_only=True)
    assert done.args["channel_id"] == fake.dm_channels["U0EVE"]
    calendar = icalendar.Calendar.from_ical(uploaded(fake, done))
    [event] = calendar.walk("VEVENT")
    assert str(event["UID"]) == "ceze-talk@mlforsys-2021.workshop-bot"
    assert event.start.isoformat() == "2021-12-13T15:50:00-08:00"
    [alarm] = event.walk("VALARM")
    assert alarm["TRIGGER"].dt.total_seconds() == -15 * 60

    dm = fake.message_event("agenda ics all", user="U0EVE", channel="D0EVE")
    assert (await bot.poster.event(dm)).status == 200
    whole = await fake.wait_for_call("files.completeUploadExternal", count=2, ok_only=True)
    assert whole.args["channel_id"] == "D0EVE"
    assert len(icalendar.Calendar.from_ical(uploaded(fake, whole)).walk("VEVENT")) == 9
