"""Calendar feeds: the tokens in the store (a real SQLite file, and PostgreSQL when
TEST_DATABASE_URL is set), "agenda feed" and "agenda feed reset" through the router, and
the feeds over real HTTP (aiohttp's client against the bot's own server on a loopback
port): a person's feed parses as iCalendar, holds exactly their reminders (with their
alarms, as "agenda ics" attaches them) and follows "remind cancel"; a reset address is a
404 and the new one works; an unchanged feed is a 304; program.ics is the whole program;
and the token is in no log line."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import icalendar
import pytest
from multidict import CIMultiDict

from bot.app import open_core
from bot.messages import IncomingMessage, Reply, UserRef
from bot.render_text import render
from bot.services import Services
from bot.store import feeds
from bot.store.database import Database
from bot.web.feeds import add_feed_routes, etag_of
from tests.conftest import make_settings
from tests.support import ManualClock

PROGRAM = """
version: 1
workshop: {id: feed-demo, name: Feed Demo, date: 2024-05-06, timezone: Europe/Berlin}
people:
  - {name: Ada Lovelace}
  - {name: Alan Turing}
reminders: {subscriber_default: 15}
schedule:
  - {id: keynote, kind: keynote, title: Engines, start: "2024-05-06T10:00:00+02:00",
     end: "2024-05-06T10:30:00+02:00", speakers: [Ada Lovelace]}
  - {id: coffee, kind: break, title: Coffee, start: "2024-05-06T10:30:00+02:00",
     end: "2024-05-06T10:45:00+02:00"}
  - {id: turing, kind: talk, title: Machines, start: "2024-05-06T10:45:00+02:00",
     end: "2024-05-06T11:15:00+02:00", speakers: [Alan Turing]}
"""
MORNING = "2024-05-06T08:00:00+02:00"
ALICE, BOB = UserRef("test", "alice"), UserRef("test", "bob")
FEED_LINK = re.compile(r"https?://\S+/ics/u/(?P<token>[A-Za-z0-9_-]+)\.ics")
PROGRAM_LINK = re.compile(r"https?://\S+/ics/program\.ics")
DTSTAMP = re.compile(rb"^DTSTAMP:.*\r\n", re.MULTILINE)


# -- the store ---------------------------------------------------------------------------


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    await database.migrate()
    try:
        yield database
    finally:
        await database.dispose()


NOW = datetime(2024, 5, 6, 6, 0, tzinfo=UTC)


async def test_a_person_keeps_one_token_until_they_reset_it(db: Database) -> None:
    first = await feeds.token_of(db, "test", "alice", NOW)
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", first)
    assert await feeds.token_of(db, "test", "alice", NOW) == first
    assert await feeds.owner(db, first) == ("test", "alice")
    other = await feeds.token_of(db, "test", "bob", NOW)
    same_id_elsewhere = await feeds.token_of(db, "discord", "alice", NOW)
    assert len({first, other, same_id_elsewhere}) == 3

    renewed = await feeds.reset(db, "test", "alice", NOW)
    assert renewed != first
    assert await feeds.owner(db, first) is None  # the old address is dead
    assert await feeds.owner(db, renewed) == ("test", "alice")
    assert await feeds.token_of(db, "test", "alice", NOW) == renewed
    assert await feeds.owner(db, other) == ("test", "bob")  # nobody else's changed
    assert await feeds.owner(db, "never-made-this-token-at-all") is None


async def test_first_asks_at_once_get_the_same_token(db: Database) -> None:
    tokens = await asyncio.gather(*(feeds.token_of(db, "test", "carol", NOW)
                                    for _ in range(8)))
    assert len(set(tokens)) == 1
    assert await feeds.owner(db, tokens[0]) == ("test", "carol")


async def test_resets_at_once_leave_one_live_token(db: Database) -> None:
    await feeds.token_of(db, "test", "dave", NOW)
    tokens = await asyncio.gather(*(feeds.reset(db, "test", "dave", NOW) for _ in range(6)))
    owners = [await feeds.owner(db, t) for t in tokens]
    assert owners.count(("test", "dave")) == 1
    assert await feeds.token_of(db, "test", "dave", NOW) in tokens


async def test_a_reset_before_any_ask_makes_a_token(db: Database) -> None:
    token = await feeds.reset(db, "test", "erin", NOW)
    assert await feeds.owner(db, token) == ("test", "erin")


# -- the router and the HTTP routes -----------------------------------------------------


@dataclass
class Served:
    services: Services
    clock: ManualClock
    session: aiohttp.ClientSession

    async def reply(self, text: str, user: UserRef = ALICE) -> Reply:
        return await self.services.router.handle(IncomingMessage(user, text))

    async def say(self, text: str, user: UserRef = ALICE) -> str:
        return render(await self.reply(text, user))

    async def feed_url(self, user: UserRef = ALICE, text: str = "agenda feed") -> str:
        found = FEED_LINK.search(await self.say(text, user))
        assert found is not None
        return found[0]

    async def get(self, url: str, **headers: str) -> tuple[int, CIMultiDict[str], bytes]:
        async with self.session.get(url, headers=headers) as response:
            return response.status, response.headers.copy(), await response.read()


@pytest.fixture
def program_file(tmp_path: Path) -> Path:
    path = tmp_path / "program.yaml"
    path.write_text(PROGRAM)
    return path


@pytest.fixture
async def served(database_url: str, program_file: Path) -> AsyncIterator[Served]:
    settings = make_settings(database_url, program_file, bot_web_secret="x" * 40,
                             bot_http_host="127.0.0.1", bot_http_port=0)
    clock = ManualClock(datetime.fromisoformat(MORNING))
    async with open_core(settings, clock, web=True) as services:
        add_feed_routes(services.http, services.catalog, services.reminders, services.clock,
                        services.db)
        async with services.http.serving(), aiohttp.ClientSession() as session:
            yield Served(services, clock, session)


def events(body: bytes) -> dict[str, icalendar.Event]:
    """The calendar's events by summary (it must parse)."""
    calendar = icalendar.Calendar.from_ical(body)
    return {str(e["summary"]): e for e in calendar.walk("VEVENT")}


async def test_agenda_feed_is_a_private_link_that_stays_the_same(served: Served) -> None:
    reply = await served.reply("agenda feed")
    text = render(reply)
    assert reply.private is True  # the link is the person's credential
    assert FEED_LINK.search(text) and PROGRAM_LINK.search(text)
    assert "updates it by itself" in text and "“agenda feed reset” kills it" in text
    assert "no reminders yet" in text
    first = await served.feed_url()
    for said in ("my calendar feed", "subscribe to my calendar", "ics feed", "/agenda feed"):
        assert await served.feed_url(text=said) == first, said
    assert await served.feed_url(BOB) != first


async def test_agenda_feed_reset_gives_a_new_link(served: Served) -> None:
    old = await served.feed_url()
    reply = await served.reply("agenda feed reset")
    assert reply.private is True
    assert "old link is dead" in render(reply)
    new = await served.feed_url(text="agenda feed reset")
    assert new != old
    assert await served.feed_url() == new
    assert await served.feed_url(text="reset my feed") != new


async def test_without_the_web_pages_agenda_feed_says_so(served: Served) -> None:
    served.services.router.links = None
    reply = await served.reply("agenda feed")
    text = render(reply)
    assert reply.private is True
    assert "BOT_WEB" in text and "“agenda ics”" in text
    assert "/ics/" not in text


async def test_the_feed_holds_exactly_the_persons_reminders(served: Served) -> None:
    assert "Done" in await served.say("remind engines 30m")
    assert "Done" in await served.say("remind engines 5m")
    assert "Done" in await served.say("remind machines")
    assert "Done" in await served.say("remind coffee", BOB)
    status, headers, body = await served.get(await served.feed_url())
    assert status == 200
    assert headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert headers["Cache-Control"] == "no-cache"
    found = events(body)
    assert set(found) == {"Engines", "Machines"}  # not Bob's coffee
    triggers = sorted(a["trigger"].dt.total_seconds() / -60
                      for a in found["Engines"].walk("VALARM"))
    assert triggers == [5, 30]
    assert [a["trigger"].dt.total_seconds() / -60 for a in found["Machines"].walk("VALARM")
            ] == [15]
    # the same calendar "agenda ics" attaches, but for the moment it was made
    attached = (await served.reply("agenda ics")).attachment
    assert attached is not None
    assert DTSTAMP.sub(b"", attached.data) == DTSTAMP.sub(b"", body)

    _, _, bobs = await served.get(await served.feed_url(BOB))
    assert set(events(bobs)) == {"Coffee"}


async def test_the_feed_follows_remind_cancel(served: Served) -> None:
    url = await served.feed_url()
    _, _, empty = await served.get(url)
    assert events(empty) == {}  # an empty calendar, not an error
    await served.say("remind engines")
    await served.say("remind machines")
    _, headers, before = await served.get(url)
    assert set(events(before)) == {"Engines", "Machines"}
    cancelled = await served.say("remind cancel machines")
    assert "Machines" in cancelled
    status, after_headers, after = await served.get(url)
    assert status == 200
    assert set(events(after)) == {"Engines"}
    assert after_headers["ETag"] != headers["ETag"]
    await served.say("remind cancel all")
    _, _, none = await served.get(url)
    assert events(none) == {}


async def test_a_reset_address_is_gone_and_the_new_one_works(served: Served) -> None:
    await served.say("remind engines")
    old = await served.feed_url()
    new = await served.feed_url(text="agenda feed reset")
    status, headers, body = await served.get(old)
    assert status == 404
    assert headers["Content-Type"].startswith("text/plain")
    assert b"reset or never existed" in body and "“agenda feed”".encode() in body
    status, _, body = await served.get(new)
    assert status == 200 and set(events(body)) == {"Engines"}
    base = served.services.http.url
    for path in ("/ics/u/nobody-has-this-token-at-all.ics", "/ics/u/short.ics",
                 "/ics/u/%27%20or%201%3D1.ics"):
        status, _, body = await served.get(base + path)
        assert status == 404 and b"agenda feed" in body, path


async def test_an_unchanged_feed_is_a_304(served: Served) -> None:
    await served.say("remind engines")
    url = await served.feed_url()
    _, headers, body = await served.get(url)
    etag = headers["ETag"]
    assert etag == etag_of(body)
    served.clock.set("2024-05-06T08:20:00+02:00")  # a later poll: new DTSTAMPs, same calendar
    status, again, empty = await served.get(url, **{"If-None-Match": etag})
    assert (status, empty, again["ETag"]) == (304, b"", etag)
    status, _, _ = await served.get(url, **{"If-None-Match": f'"other", {etag}'})
    assert status == 304
    status, _, body = await served.get(url, **{"If-None-Match": '"something-else"'})
    assert status == 200 and set(events(body)) == {"Engines"}
    await served.say("remind machines")  # changed: the old tag no longer matches
    status, changed, body = await served.get(url, **{"If-None-Match": etag})
    assert status == 200 and changed["ETag"] != etag
    assert set(events(body)) == {"Engines", "Machines"}
    async with served.session.head(url) as response:
        assert response.status == 200 and response.headers["ETag"] == changed["ETag"]


async def test_program_ics_is_the_whole_program(served: Served) -> None:
    reply = await served.reply("agenda feed")
    found = PROGRAM_LINK.search(render(reply))
    assert found is not None
    status, headers, body = await served.get(found[0])
    assert status == 200 and headers["Content-Type"] == "text/calendar; charset=utf-8"
    program = served.services.catalog.current.program
    assert set(events(body)) == {i.display_title for i in program.scheduled}
    assert len(events(body)) == 3
    attached = (await served.reply("agenda ics all")).attachment
    assert attached is not None and DTSTAMP.sub(b"", attached.data) == DTSTAMP.sub(b"", body)
    status, _, empty = await served.get(found[0], **{"If-None-Match": headers["ETag"]})
    assert (status, empty) == (304, b"")


async def test_no_log_line_has_the_token(served: Served, caplog: pytest.LogCaptureFixture
                                         ) -> None:
    caplog.set_level(logging.DEBUG)
    await served.say("remind engines")
    url = await served.feed_url()
    old = FEED_LINK.search(url)
    assert old is not None
    await served.get(url)
    new = await served.feed_url(text="agenda feed reset")
    await served.get(url)  # the dead one
    await served.get(new)
    tokens = [old["token"], new.rsplit("/", 1)[1].removesuffix(".ics")]
    # The bot's own lines at any level, and everyone's from INFO up (a driver's DEBUG
    # lines show every statement's parameters, the bot's own SQL included).
    for record in caplog.records:
        if not record.name.startswith(("bot", "adapters", "aiohttp")) and \
                record.levelno < logging.INFO:
            continue
        for token in tokens:
            assert token not in record.getMessage(), record.getMessage()
