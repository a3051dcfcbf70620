"""The dashboard and the room screen in a real browser: Debian's Chromium, headless,
driven by Playwright (never a downloaded browser: ``.ci/run`` installs the ``chromium``
package when it is missing).

One bot, as ``workshop-bot run`` serves (:func:`bot.app.serve`), on the fake Slack (HTTP
mode, on the bot's one HTTP server beside the pages) and the fake Discord at once, with
the pages on. A moderator gets the links in a DM on Slack; questions asked on both
platforms, votes cast on both, and the answer given on the page travel between the
fakes and the open pages without a reload. The clock is a hand-moved one: the room
screen must follow it to the next session by itself (its stream checks the clock at
least every 5 s), so nothing here depends on how fast the machine is.

Screenshots of both pages land in tests/artifacts/ (git-ignored) for a person to look at.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import os
import re
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from playwright.async_api import Browser, Page, async_playwright, expect

from adapters.discord import create as create_discord
from adapters.discord.service import DiscordAdapter
from adapters.slack import create as create_slack
from adapters.slack.service import SlackAdapter
from bot.app import open_core, serve
from bot.messages import IncomingMessage, UserRef
from bot.render_text import render
from bot.services import Services
from bot.store import qa as store
from bot.web.keys import Moderator, WebKeys
from tests.conftest import make_settings
from tests.fakes import discord_payloads as p
from tests.fakes.discord_payloads import Json
from tests.fakes.discord_server import FakeDiscord, RecordedRequest
from tests.fakes.slack_server import ApiCall, FakeSlack, SignedPoster
from tests.support import ROOT, ManualClock
from tests.test_reminders import PROGRAM

SLACK_TOKEN = "xoxb-test-bot-token"
SLACK_SECRET = "test-signing-secret"
DISCORD_TOKEN = "fake.bot.token"
WEB_SECRET = "w" * 40
QA = "C0QA"  # the Slack Q&A channel
MODERATOR = "U0MOD"  # a moderator by Slack user id
DURING_KEYNOTE = "2024-05-06T10:10:00+02:00"  # "Engines", 10:00-10:30; then Coffee, Machines
IN_THE_BREAK = "2024-05-06T10:30:30+02:00"
WAIT = 10.0  # seconds any one step may take on the fakes
PAGE_WAIT = 10_000  # milliseconds, the same for the browser
SCREEN_WAIT = 15_000  # the screen checks the clock every 5 s at most: room to spare
ARTIFACTS = ROOT / "tests" / "artifacts"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
PROXY_VARIABLES = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY",
                   "all_proxy")
LINK = re.compile(r"https?://[^\s<>|]+")


def chromium_path() -> str:
    """Debian's Chromium; missing, the test fails in CI (where ``.ci/run`` installs it)
    and is skipped on a developer's machine without it."""
    found = shutil.which("chromium") or (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is not installed (/usr/bin/chromium): the browser tests "
                        "need Debian's chromium package (.ci/run installs it with apt-get)")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    return found


def program_text(forum: int, announcements: int) -> str:
    """The reminder tests' small program, with Q&A channels on both platforms (the
    Discord forum, the Slack channel C0QA) and U0MOD a moderator."""
    return PROGRAM.replace(
        'channels:\n  discord: {announcements: "900000000000000001"}',
        f'channels:\n  discord: {{announcements: "{announcements}", qa: "{forum}"}}\n'
        f"  slack: {{qa: {QA}}}",
    ) + f"moderators:\n  slack_users: [{MODERATOR}]\n"


@dataclass
class World:
    """The bot serving both fakes, the clock it reads, and a browser."""

    services: Services
    clock: ManualClock
    slack: FakeSlack
    discord: FakeDiscord
    slack_adapter: SlackAdapter
    discord_adapter: DiscordAdapter
    poster: SignedPoster
    browser: Browser
    serving: asyncio.Task[int]

    @property
    def base(self) -> str:
        return self.services.http.url

    async def dm(self, text: str, user: str = MODERATOR) -> str:
        """``user`` sends the bot ``text`` in a Slack DM; the bot's reply, unescaped."""
        channel = "D" + user.removeprefix("U").rjust(9, "0")

        def to_them(call: ApiCall) -> bool:
            return call.args.get("channel") in (channel, user)

        before = len([c for c in self.slack.calls_for("chat.postMessage") if to_them(c)])
        event = self.slack.message_event(text, user=user, channel=channel, channel_type="im")
        assert (await self.poster.event(event)).status == 200
        call = await self.slack.wait_for_call("chat.postMessage", count=before + 1,
                                              within=WAIT, where=to_them)
        return html.unescape(str(call.args.get("text") or ""))

    async def link(self, text: str) -> str:
        reply = await self.dm(text)
        found = LINK.search(reply)
        assert found, reply
        return found[0]

    async def thread_of(self, platform: str, slug: str) -> str:
        items = {i.id: i.slug for i in self.services.catalog.current.program.items}
        threads = await store.threads(self.services.db, platform)
        return next(t.thread_id for t in threads if items[t.item_id] == slug)

    async def ask_on_slack(self, thread_ts: str, text: str, user: str) -> str:
        """``user`` types a question in a Slack Q&A thread; its ts, once acknowledged."""
        before = len(self.slack.calls_for("chat.postMessage"))
        event = self.slack.message_event(text, user=user, channel=QA, channel_type="channel",
                                         thread_ts=thread_ts)
        assert (await self.poster.event(event)).status == 200
        await self.slack.wait_for_call("chat.postMessage", count=before + 1, within=WAIT)
        return str(event["event"]["ts"])

    async def thumbs_up_on_slack(self, ts: str, user: str) -> None:
        event = self.slack.reaction_event(QA, ts, user=user, name="+1")
        assert (await self.poster.event(event)).status == 200

    async def ask_on_discord(self, text: str, user: Json, thread: int) -> Json:
        """/ask on Discord: the bot posts the question into the thread; that message."""
        mark = self.discord.mark()
        asked = await self.discord.send_slash_command(
            "ask", {"paper": "keynote", "question": text}, user=user)
        await self.discord.wait_for_request(
            "POST", self.discord.interaction_callback_path(asked), within=WAIT, since=mark)
        post = await self.discord.wait_for_request(
            "POST", rf"/channels/{thread}/messages", within=WAIT, since=mark)
        return self.discord.messages[int(post.response["id"])]

    async def upvote_on_discord(self, message: Json, user: Json, thread: int) -> str:
        """``user`` presses the Upvote button under a question; what they are told."""
        [button] = message["components"][0]["components"]
        payload = self.discord.interaction_payload(
            p.INTERACTION_COMPONENT, {"custom_id": button["custom_id"], "component_type": 2},
            user=user, channel_id=thread, message=message)
        await self.discord.dispatch("INTERACTION_CREATE", payload)
        answer = await self.discord.wait_for_request(
            "POST", self.discord.interaction_callback_path(payload), within=WAIT)
        return str(answer.json["data"]["content"])

    async def new_page(self, **options: Any) -> Page:
        context = await self.browser.new_context(viewport=DESKTOP, **options)
        return await context.new_page()


async def until_ready(tasks: dict[str, asyncio.Event], serving: asyncio.Task[int]) -> None:
    """Until every adapter is ready; the bot's own error if it stopped first."""
    waiting = asyncio.gather(*(event.wait() for event in tasks.values()))
    done, _ = await asyncio.wait({waiting, serving}, timeout=WAIT,
                                 return_when=asyncio.FIRST_COMPLETED)
    if waiting not in done:
        waiting.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await waiting
        if serving in done:
            raise AssertionError(f"the bot stopped while starting: {serving.result()!r}")
        not_ready = [name for name, event in tasks.items() if not event.is_set()]
        raise AssertionError(f"not ready within {WAIT} s: {not_ready}")


@pytest.fixture
async def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[World]:
    executable = chromium_path()
    for name in PROXY_VARIABLES:  # slack-sdk and Chromium would send loopback through them
        monkeypatch.delenv(name, raising=False)
    ARTIFACTS.mkdir(exist_ok=True)
    async with contextlib.AsyncExitStack() as stack:
        slack = await stack.enter_async_context(FakeSlack())
        slack.users.update({"U0BOB": "Bob Babbage", MODERATOR: "Mona Moderator"})
        discord = await stack.enter_async_context(FakeDiscord(token=DISCORD_TOKEN))
        program = tmp_path / "program.yaml"
        program.write_text(program_text(discord.forum_id, discord.channel_id))
        settings = make_settings(
            f"sqlite:///{tmp_path / 'bot.db'}", program,
            slack_bot_token=SLACK_TOKEN, slack_api_url=slack.api_url,
            slack_signing_secret=SLACK_SECRET, discord_token=DISCORD_TOKEN,
            discord_api_url=discord.api_url, discord_gateway_url=discord.gateway_url,
            bot_web=True, bot_web_secret=WEB_SECRET, bot_http_host="127.0.0.1",
            bot_http_port=0)
        clock = ManualClock(datetime.fromisoformat(DURING_KEYNOTE))
        services = await stack.enter_async_context(open_core(settings, clock, web=True))
        on_slack = create_slack(services.core)
        on_discord = create_discord(services.core, guild_ready_timeout=0.05,
                                    identify_interval=0.05)
        assert isinstance(on_slack, SlackAdapter) and isinstance(on_discord, DiscordAdapter)
        serving = asyncio.create_task(serve(services, [on_slack, on_discord]), name="bot")
        try:
            await until_ready({"slack": on_slack.ready,
                               "discord": on_discord.client.ready_once}, serving)
            session = await stack.enter_async_context(aiohttp.ClientSession())
            poster = SignedPoster(session, on_slack.url or "", SLACK_SECRET)
            playwright = await stack.enter_async_context(async_playwright())
            browser = await playwright.chromium.launch(
                executable_path=executable, headless=True, args=["--no-sandbox"])
            stack.push_async_callback(browser.close)
            yield World(services, clock, slack, discord, on_slack, on_discord, poster,
                        browser, serving)
            assert not serving.done(), f"the bot stopped during the test: {serving!r}"
            await browser.close()  # its streams end before the bot stops
        finally:
            serving.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(serving, WAIT)
    assert not discord.errors, f"the fake Discord raised: {discord.errors!r}"


async def set_up_threads(world: World) -> tuple[str, int]:
    """The Q&A threads on both platforms; the keynote's (Slack ts, Discord thread)."""
    operator = UserRef("cli", "operator", "operator")
    said = render(await world.services.router.handle(
        IncomingMessage(operator, "setup", command="qa")))
    assert "slack" in said and "discord" in said, said
    engines = [t for t in world.discord.threads_in(world.discord.forum_id)
               if t["name"] == "Engines"]
    return await world.thread_of("slack", "keynote"), int(engines[0]["id"])


# ---------------------------------------------------------------------- the dashboard


async def test_the_dashboard_follows_both_platforms_and_answers_on_them(world: World) -> None:
    slack_thread, discord_thread = await set_up_threads(world)
    bob, carol = world.discord.make_user("bob"), world.discord.make_user("carol")

    # 1. The link, through a DM on Slack; the browser opens it.
    link = await world.link("qa dashboard")
    assert link.startswith(f"{world.base}/login?t=")
    page = await world.new_page()
    await page.goto(link)
    await expect(page).to_have_url(f"{world.base}/mod")
    keynote = page.locator('section[aria-labelledby="q-keynote"]')
    await expect(keynote).to_contain_text("No open questions yet", timeout=PAGE_WAIT)
    await expect(page.locator("#live-state")).to_have_text("live", timeout=PAGE_WAIT)
    await expect(page.locator("header")).to_contain_text("(slack)")

    # 2. A question typed in the Slack thread, one asked on Discord: both appear.
    slack_ts = await world.ask_on_slack(slack_thread, "Is it Turing complete?", "U0BOB")
    await expect(page.locator("#question-1")).to_contain_text("Is it Turing complete?",
                                                              timeout=PAGE_WAIT)
    await expect(page.locator("#question-1 .platform")).to_have_text("slack")
    posted = await world.ask_on_discord("Does it run on steam?", carol, discord_thread)
    await expect(page.locator("#question-2")).to_contain_text("Does it run on steam?",
                                                              timeout=PAGE_WAIT)
    await expect(page.locator("#question-2 .platform")).to_have_text("discord")
    await expect(page.locator("#question-2")).to_contain_text("Carol")
    questions = keynote.locator("li.question")
    await expect(questions).to_have_count(2)
    await expect(questions.first).to_have_attribute("id", "question-1")  # by number

    # 3. An upvote on Discord puts #2 first; two 👍 on Slack put #1 back on top.
    said = await world.upvote_on_discord(posted, bob, discord_thread)
    assert said == "👍 Counted: you upvoted #2 (now 1).", said
    await expect(questions.first).to_have_attribute("id", "question-2", timeout=PAGE_WAIT)
    await expect(page.locator("#question-2 .votes span")).to_have_text("1")
    for voter in ("U0EVE", "U0FAN"):
        await world.thumbs_up_on_slack(slack_ts, voter)
    await expect(page.locator("#question-1 .votes span")).to_have_text("2", timeout=PAGE_WAIT)
    await expect(questions.first).to_have_attribute("id", "question-1")
    await expect(questions.nth(1)).to_have_attribute("id", "question-2")
    await page.screenshot(path=ARTIFACTS / "dashboard-desktop.png", full_page=True)
    phone = await world.new_page(storage_state=await page.context.storage_state(),
                                 is_mobile=True, has_touch=True)
    await phone.set_viewport_size(PHONE)
    await phone.goto(f"{world.base}/mod")
    await expect(phone.locator("#question-1")).to_be_visible(timeout=PAGE_WAIT)
    await expect(phone.locator("#live-state")).to_have_text("live", timeout=PAGE_WAIT)
    await phone.screenshot(path=ARTIFACTS / "dashboard-phone.png", full_page=True)
    await phone.locator("#question-1").get_by_role("button", name="Mark answered").click()
    await expect(phone.get_by_role("dialog")).to_be_visible()
    await phone.screenshot(path=ARTIFACTS / "dashboard-phone-dialog.png")
    await phone.get_by_role("dialog").get_by_role("button", name="Cancel").click()
    await expect(phone.get_by_role("dialog")).to_be_hidden()
    await expect(phone.locator("#action-result")).to_be_empty()  # Cancel sent nothing
    await phone.context.close()

    # 4. Marked answered on the page, with an answer: Discord's message is edited.
    mark = world.discord.mark()
    await page.locator("#question-2").get_by_role("button", name="Mark answered").click()
    dialog = page.get_by_role("dialog")
    await expect(dialog).to_be_visible()
    await expect(dialog).to_contain_text("#2: Does it run on steam?")
    await dialog.get_by_label("Answer").fill("Yes, on steam and on coal.")
    await page.screenshot(path=ARTIFACTS / "dashboard-answer-dialog.png")
    await dialog.get_by_role("button", name="Mark answered").click()
    await expect(dialog).to_be_hidden()
    await expect(page.locator("#action-result")).to_have_text(
        "Question #2 is marked answered.", timeout=PAGE_WAIT)
    await expect(page.locator("#action-result")).to_have_attribute("data-ok", "yes")
    edit: RecordedRequest = await world.discord.wait_for_request(
        "PATCH", rf"/channels/{discord_thread}/messages/{posted['id']}", within=WAIT,
        since=mark)
    assert edit.json["content"].startswith("✅ #2 from Carol: “Does it run on steam?”")
    assert "Yes, on steam and on coal." in edit.json["content"], edit.json
    assert edit.json["components"] == []  # no more votes on an answered question
    await expect(page.locator("#question-2")).to_have_count(0, timeout=PAGE_WAIT)
    await expect(questions).to_have_count(1)
    # the answer is also said in the thread, in reply to the question
    answer = await world.discord.wait_for_request(
        "POST", rf"/channels/{discord_thread}/messages", within=WAIT, since=mark)
    assert "Yes, on steam and on coal." in answer.json["content"]
    await page.screenshot(path=ARTIFACTS / "dashboard-answered.png", full_page=True)


# ---------------------------------------------------------------------- the room screen


async def test_the_room_screen_follows_the_clock_to_the_next_session(world: World) -> None:
    slack_thread, _ = await set_up_threads(world)
    await world.ask_on_slack(slack_thread, "Who built it?", "U0BOB")
    link = await world.link("qa screen")
    assert link.startswith(f"{world.base}/screen?k=")
    page = await world.new_page()
    await page.goto(link)
    screen = page.locator("#screen")
    await expect(screen.locator("h1.session")).to_have_text("Engines")
    await expect(screen.locator("ol.top")).to_contain_text("Who built it?")
    await expect(screen.locator(".next")).to_contain_text("Next: Coffee")
    await expect(page.locator("#live-state")).to_have_text("live", timeout=PAGE_WAIT)
    # a question asked now shows without a reload
    await world.ask_on_slack(slack_thread, "And who paid for it?", "U0EVE")
    await expect(screen.locator("ol.top li")).to_have_count(2, timeout=PAGE_WAIT)
    await page.screenshot(path=ARTIFACTS / "screen-desktop.png", full_page=True)

    world.clock.set(IN_THE_BREAK)  # the keynote is over: the screen moves on by itself
    await expect(screen.locator("h1.session")).to_have_text("Coffee", timeout=SCREEN_WAIT)
    await expect(screen.locator(".next")).to_contain_text("Next: Machines")
    await expect(screen).not_to_contain_text("Who built it?")
    await page.screenshot(path=ARTIFACTS / "screen-next.png", full_page=True)


# ---------------------------------------------------------------------- refusals


async def test_expired_tampered_and_cross_site_requests_are_refused(world: World) -> None:
    slack_thread, _ = await set_up_threads(world)
    await world.ask_on_slack(slack_thread, "Is it Turing complete?", "U0BOB")
    link = await world.link("qa dashboard")

    stranger = await world.new_page()  # a browser without the moderator's cookie
    past = ManualClock(datetime.now().astimezone() - timedelta(hours=13))
    old = WebKeys(WEB_SECRET, past, timedelta(hours=12)).login_token(
        Moderator("slack", MODERATOR, "user-u0mod"))
    response = await stranger.goto(f"{world.base}/login?t={old}")
    assert response is not None and response.status == 401
    await expect(stranger.locator("h1")).to_have_text("This login link has expired.")
    await expect(stranger.locator("main")).to_contain_text("qa dashboard")

    token = link.split("t=", 1)[1].split("&", 1)[0]
    tampered = link.replace(token, token[:-2] + ("AA" if token[-2:] != "AA" else "BB"))
    response = await stranger.goto(tampered)
    assert response is not None and response.status == 403
    await expect(stranger.locator("h1")).to_contain_text("This login link is not valid")
    await expect(stranger.locator("main")).to_contain_text("send the bot qa dashboard")
    response = await stranger.goto(f"{world.base}/mod")
    assert response is not None and response.status == 401  # no cookie was set by those
    await expect(stranger.locator("h1")).to_have_text("You are not logged in.")
    response = await stranger.goto(link.replace("?t=", "?t=x"))
    assert response is not None and response.status == 403

    # The moderator, logged in, visits another site (another origin: same host, another
    # port, so the browser even sends the cookie): its form posts to the bot's action.
    page = await world.new_page()
    await page.goto(link)
    await expect(page.locator("#question-1")).to_be_visible()
    async with other_site(world.base) as evil:
        await page.goto(evil)
        async with page.expect_response(f"{world.base}/mod/action") as posted:
            await page.get_by_role("button", name="Win a prize").click()
        assert (await posted.value).status == 403
        await expect(page.locator("h1")).to_contain_text(
            "This request did not come from the dashboard page")
        await expect(page.locator("h1")).to_contain_text("nothing was changed")
    # a script on the page itself that leaves the token out is refused as well
    await page.goto(f"{world.base}/mod")
    status = await page.evaluate("""async () => (await fetch("/mod/action", {
        method: "POST", body: new URLSearchParams({action: "hide", question: "1",
        text: "spam"}), headers: {"X-Requested-With": "fetch"}})).status""")
    assert status == 403
    await expect(page.locator("#question-1")).to_contain_text("Is it Turing complete?")
    question = await store.question(world.services.db, 1)
    assert question is not None and question.status == "open"  # nothing was changed
    assert not [c for c in world.slack.calls_for("chat.update")
                if c.args.get("channel") == QA]


@contextlib.asynccontextmanager
async def other_site(bot: str) -> AsyncIterator[str]:
    """A page on another origin whose form posts to the bot's action, without a token."""
    form = (f'<!doctype html><title>Prizes</title><form method="post" '
            f'action="{bot}/mod/action"><input type="hidden" name="action" value="hide">'
            '<input type="hidden" name="question" value="1">'
            '<input type="hidden" name="text" value="spam">'
            '<button type="submit">Win a prize</button></form>')

    async def serve_form(_request: web.Request) -> web.Response:
        return web.Response(text=form, content_type="text/html")

    app = web.Application()
    app.router.add_get("/", serve_form)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    try:
        yield f"http://{host}:{port}/"
    finally:
        await runner.cleanup()
