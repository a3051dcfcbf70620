"""The dashboard and room screen over real HTTP (aiohttp's client against the bot's own
server on a loopback port): login links, cookies, CSRF, the live stream, the actions,
and what is refused. The browser tests (tests/web/test_browser.py) drive the same pages
through Chromium."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import aiohttp
import pytest
from sqlalchemy.engine import make_url

from bot.app import follow_queues, open_core, web_pages
from bot.events import Message, Place
from bot.messages import IncomingMessage, UserRef
from bot.render_text import render
from bot.services import Services
from bot.settings import Settings
from bot.web.keys import Moderator, WebKeys
from tests.conftest import _reset_postgres
from tests.fakes.pg_proxy import PgProxy
from tests.support import ManualClock

SECRET = "s" * 40
DURING_TALK = "2021-12-13T09:40:00-08:00"  # Tim Kraska's talk, 09:30-10:05 PST (bundled)
LINK = re.compile(r"https?://\S+")


@dataclass
class Running:
    services: Services
    clock: ManualClock
    session: aiohttp.ClientSession

    @property
    def base(self) -> str:
        return self.services.http.url

    async def say(self, text: str, user: UserRef) -> str:
        return render(await self.services.router.handle(IncomingMessage(user, text)))


OPERATOR = UserRef("console", "operator", "Operator")


@pytest.fixture
async def running(tmp_path: Path) -> AsyncIterator[Running]:
    settings = Settings.model_validate({
        "database_url": f"sqlite:///{tmp_path}/bot.db", "bot_web": True,
        "bot_web_secret": SECRET, "bot_http_host": "127.0.0.1", "bot_http_port": 0})
    clock = ManualClock(datetime.fromisoformat(DURING_TALK))
    async with open_core(settings, clock, web=True) as services, web_pages(services):
        jar = aiohttp.CookieJar(unsafe=True)  # cookies for 127.0.0.1 too
        async with aiohttp.ClientSession(cookie_jar=jar) as session:
            yield Running(services, clock, session)


def link_in(text: str) -> str:
    found = LINK.search(text)
    assert found, text
    return found[0]


async def logged_in(bot: Running, item: str = "") -> str:
    """The dashboard page's HTML after opening a fresh login link."""
    text = await bot.say(f"qa dashboard {item}".strip(), OPERATOR)
    async with bot.session.get(link_in(text)) as response:
        assert response.status == 200, await response.text()
        return await response.text()


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf-token" content="([0-9a-f]+)"', page)
    assert found, page[:500]
    return found[1]


async def next_event(stream: aiohttp.ClientResponse, seconds: float = 3.0) -> str:
    """The data of the next Server-Sent Event on ``stream``."""
    data: list[str] = []
    async with asyncio.timeout(seconds):
        while True:
            line = (await stream.content.readline()).decode().rstrip("\r\n")
            if line.startswith("data:"):
                data.append(line[5:].removeprefix(" "))
            elif line == "" and data:
                return "\n".join(data)


async def test_the_login_link_sets_a_strict_http_only_cookie(running: Running) -> None:
    text = await running.say("qa dashboard", OPERATOR)
    assert "12 hours" in text
    async with running.session.get(link_in(text), allow_redirects=False) as response:
        assert response.status == 303
        assert response.headers["Location"] == "/mod"
        cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie, cookie
    async with running.session.get(f"{running.base}/mod") as response:
        page = await response.text()
        assert response.status == 200
        assert "Content-Security-Policy" in response.headers
    assert "ML for Systems" in page and "Operator" in page


async def test_only_moderators_get_a_link(running: Running) -> None:
    text = await running.say("qa dashboard", UserRef("slack", "U1", "Someone"))
    assert "Only moderators" in text and "http" not in text


async def test_refused_links_and_requests(running: Running) -> None:
    text = await running.say("qa dashboard", OPERATOR)
    link = link_in(text)
    token = link.split("t=", 1)[1].split("&", 1)[0]
    tampered = link.replace(token, token[:-2] + ("AA" if token[-2:] != "AA" else "BB"))
    async with running.session.get(tampered) as response:
        assert response.status == 403
        assert "qa dashboard" in await response.text()
    past = ManualClock(datetime.now().astimezone() - timedelta(hours=13))
    old = WebKeys(SECRET, past, timedelta(hours=12)).login_token(
        Moderator("console", "operator", "Operator"))
    async with running.session.get(f"{running.base}/login?t={old}") as response:
        assert response.status == 401
        assert "expired" in await response.text()
    async with running.session.get(f"{running.base}/mod") as response:
        assert response.status == 401  # no cookie yet: nothing was set by those
    page = await logged_in(running)
    assert csrf_of(page)
    async with running.session.post(f"{running.base}/mod/action",
                                    data={"action": "hide", "question": "1", "text": "x"}
                                    ) as response:
        assert response.status == 403  # the cookie, but no token: a cross-site form
        assert "nothing was changed" in await response.text()


async def test_a_question_shows_up_live_and_an_action_reaches_the_queue(running: Running
                                                                        ) -> None:
    page = await logged_in(running, "kraska")
    csrf = csrf_of(page)
    assert "No open questions yet" in page
    async with running.session.get(f"{running.base}/mod/events?item=kraska-talk") as stream:
        assert stream.status == 200
        first = await next_event(stream)
        assert "No open questions yet" in first
        hostile = "<script>alert(1)</script> does it **scale**? @everyone"
        answer = await running.say(f"ask kraska: {hostile}", UserRef("slack", "U7", "Ann"))
        assert "#1" in answer
        update = await next_event(stream, 1.0)  # within a second of the question
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in update and "<script>" not in update
        assert "slack" in update and "Ann" in update
        await running.say("ask kraska: and the second one?", UserRef("discord", "D9", "Bo"))
        await running.say("qa upvote 2", UserRef("slack", "U8", "Cy"))
        update = await next_event(stream, 1.0)
        while update.find("and the second one?") < 0 or update.find("#2") > update.find("#1"):
            update = await next_event(stream, 1.0)  # the vote put #2 first
        async with running.session.post(
                f"{running.base}/mod/action",
                data={"action": "answered", "question": "2", "text": "Yes, on GPUs too."},
                headers={"X-CSRF-Token": csrf, "X-Requested-With": "fetch"}) as response:
            result = await response.json()
            assert response.status == 200 and result["ok"], result
            assert "marked answered" in result["text"]
        update = await next_event(stream, 1.0)
        assert "and the second one?" not in update.split("Answered and hidden")[0]
    top = await running.say("qa top kraska", OPERATOR)
    assert "#1" in top and "#2" not in top


async def test_the_room_screen_follows_the_clock(running: Running) -> None:
    text = await running.say("qa screen", OPERATOR)
    link = link_in(text)
    await running.say("ask kraska: what about learned indexes?", UserRef("slack", "U7"))
    async with running.session.get(link) as response:
        assert response.status == 200
        page = await response.text()
    assert "Tim Kraska" in page and "what about learned indexes?" in page
    running.clock.set("2021-12-13T10:06:00-08:00")
    async with running.session.get(link) as response:
        page = await response.text()
    assert "learned indexes" not in page and "Next:" in page
    async with running.session.get(link.split("?")[0]) as response:
        assert response.status == 401  # the read-only key is needed
    other = link.replace("k=", "k=x")
    async with running.session.get(other) as response:
        assert response.status == 403


async def test_a_page_follows_a_question_asked_through_another_process(
        tmp_path: Path, postgres_url: str | None) -> None:
    """Two processes on one PostgreSQL (here two cores in one test process, which share
    nothing but the database): a question taken by one shows on the other's dashboard."""
    if postgres_url is None:
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL)")
    await _reset_postgres(postgres_url)
    common = {"database_url": postgres_url, "bot_http_host": "127.0.0.1", "bot_http_port": 0}
    pages = Settings.model_validate({**common, "bot_web": True, "bot_web_secret": SECRET})
    clock = ManualClock(datetime.fromisoformat(DURING_TALK))
    async with open_core(pages, clock, web=True) as web, web_pages(web), \
            open_core(Settings.model_validate(common), clock) as bot:
        listener = follow_queues(web)
        follow = asyncio.create_task(listener.run())
        try:
            await asyncio.wait_for(listener.connected.wait(), 10)
            async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)
                                             ) as session:
                running = Running(web, clock, session)
                await logged_in(running, "kraska")
                async with session.get(f"{running.base}/mod/events?item=kraska-talk"
                                       ) as stream:
                    assert "No open questions yet" in await next_event(stream)
                    asked = render(await bot.router.handle(IncomingMessage(
                        UserRef("slack", "U5", "Dee"), "ask kraska: from the other process?")))
                    assert "#1" in asked
                    assert "from the other process?" in await next_event(stream, 3.0)
        finally:
            follow.cancel()
            await asyncio.gather(follow, return_exceptions=True)


async def wait_for_state(state: Callable[[], Awaitable[tuple[int, object]]], want: int
                         ) -> None:
    """Ask ``state`` again until it answers ``want`` (10 s at most)."""
    async with asyncio.timeout(10):
        while (await state())[0] != want:  # noqa: ASYNC110  (a server to poll, no event)
            await asyncio.sleep(0.1)


async def test_healthz_is_503_while_the_database_is_away_and_200_again(
        postgres_url: str | None) -> None:
    """Through a proxy the test breaks: the database stops answering (a stalled server,
    then a refused one), /healthz says 503 naming it, and 200 once it is back."""
    if postgres_url is None:
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL)")
    await _reset_postgres(postgres_url)
    url = make_url(postgres_url)
    proxy = await PgProxy(url.host or "127.0.0.1", url.port or 5432).start()
    settings = Settings.model_validate({
        "database_url": proxy.url(postgres_url), "bot_db_timeout": 1.0,
        "bot_http_host": "127.0.0.1", "bot_http_port": 0})
    clock = ManualClock(datetime.fromisoformat(DURING_TALK))
    try:
        async with open_core(settings, clock) as services, services.http.serving(), \
                aiohttp.ClientSession() as session:
            health = f"{services.http.url}/healthz"

            async def state() -> tuple[int, dict[str, object]]:
                async with session.get(health) as response:
                    return response.status, await response.json()

            assert await state() == (200, {"healthy": True, "database": "ok"})
            for mode in ("stall", "refuse"):
                await proxy.set_mode(mode)
                status, parts = await state()
                assert status == 503 and parts["healthy"] is False, (mode, parts)
                assert str(parts["database"]).startswith("unreachable: "), (mode, parts)
            await proxy.set_mode("pass")
            await wait_for_state(state, 200)  # the pool's dead connections go first
            assert await state() == (200, {"healthy": True, "database": "ok"})
    finally:
        await proxy.stop()


async def test_hide_needs_a_reason_and_restore_opens_it_again(running: Running) -> None:
    csrf = csrf_of(await logged_in(running, "kraska"))
    await running.say("ask kraska: off topic, buy my crypto", UserRef("slack", "U3", "Spam"))

    async def act(**fields: str) -> tuple[int, dict[str, object]]:
        async with running.session.post(
                f"{running.base}/mod/action", data=fields,
                headers={"X-CSRF-Token": csrf, "X-Requested-With": "fetch"}) as response:
            return response.status, await response.json()

    status, result = await act(action="hide", question="1")
    assert status == 422 and "Say why" in str(result["text"])  # nothing hidden
    assert "#1" in await running.say("qa top kraska", OPERATOR)
    status, result = await act(action="hide", question="1", text="spam")
    assert status == 200 and result["ok"], result
    assert "No open questions" in await running.say("qa top kraska", OPERATOR)
    status, result = await act(action="restore", question="1")
    assert status == 200 and "open again" in str(result["text"])
    assert "#1" in await running.say("qa top kraska", OPERATOR)
    status, result = await act(action="delete", question="1")
    assert status == 400 and result["ok"] is False
    for expected in (200, 422):  # pressed twice: the answer is posted once
        status, result = await act(action="answered", question="1", text="No.")
        assert status == expected, result
    assert "already marked answered" in str(result["text"])
    status, result = await act(action="approve", question="1")
    assert status == 422 and "not waiting for approval" in str(result["text"])


async def test_a_personal_link_is_never_posted_in_a_channel(running: Running) -> None:
    """Asked by a mention in a channel, a login, screen or feed link would be read by
    everyone there: the answer says to ask in a DM and holds no link; in a DM it is given."""
    core = running.services.core
    for words in ("qa dashboard", "qa screen", "agenda feed"):
        in_channel = Message(OPERATOR, words, Place("C1"), addressed=True,  # a mention
                             delivery=f"channel {words}")
        reply = await core.receive(in_channel)
        assert reply is not None
        text = render(reply)
        assert "only in a direct message" in text and "http" not in text, text
        in_dm = Message(OPERATOR, words, Place("D1", is_direct=True), addressed=True,
                        delivery=f"dm {words}")
        reply = await core.receive(in_dm)
        assert reply is not None and reply.secret
        assert link_in(render(reply)).startswith(running.base), words


async def test_a_session_ends_with_its_link_and_redirects_stay_home(running: Running) -> None:
    """Opening a link again later gives no longer session: a cookie carries its link's
    time, and one whose link is over 12 hours old is refused (as is a stream)."""
    keys = WebKeys(SECRET, ManualClock(datetime.now().astimezone()), timedelta(hours=12))
    old = Moderator("console", "operator", "Operator",
                    int((datetime.now() - timedelta(hours=13)).timestamp()))
    cookies = {"workshop_bot_session": keys.session(old)}
    for path in ("/mod", "/mod/events"):
        async with running.session.get(f"{running.base}{path}", cookies=cookies) as response:
            assert response.status == 401, path
            assert "expired" in await response.text()
    link = link_in(await running.say("qa dashboard", OPERATOR))
    for where in ("//evil.example", "/mod\r\nX-Evil: 1", "/mod/../healthz", "/modx"):
        odd = link.split("&next=")[0] + "&next=" + quote(where, safe="")
        async with running.session.get(odd, allow_redirects=False) as response:
            assert (response.status, response.headers["Location"]) == (303, "/mod"), where


async def test_restore_only_undoes_hidden_or_answered(running: Running) -> None:
    await running.say("ask kraska: still open?", UserRef("slack", "U4"))
    assert "not hidden or answered" in await running.say("qa restore 1", OPERATOR)


async def test_head_answers_every_page_with_the_get_status_and_no_body(running: Running
                                                                       ) -> None:
    """Uptime checks and load balancers send HEAD: /healthz, /metrics, the pages and the
    program feed answer it as GET would, without a body; a live stream does not (a HEAD
    would hold it open)."""
    await logged_in(running)
    for path, status in (("/healthz", 200), ("/metrics", 200), ("/mod", 200),
                         ("/ics/program.ics", 200), ("/static/style.css", 200),
                         ("/screen/nowhere", 404)):
        async with running.session.get(f"{running.base}{path}") as got:
            wanted = got.status
        async with running.session.head(f"{running.base}{path}") as response:
            assert response.status == wanted == status, path
            assert await response.read() == b"", path
    for stream in ("/mod/events", "/screen-events"):
        async with asyncio.timeout(5), running.session.head(f"{running.base}{stream}") as r:
            assert r.status in (404, 405), stream  # ("/mod/{item}" takes "events": none)
            assert r.content_type != "text/event-stream", stream
