"""deploy/compose.yaml, the deployment to copy (README "Scaling out"), has the shape it
promises: PostgreSQL, two bot instances and a reverse proxy, each with a health check.

No Docker here: the file is read as YAML (with its ``x-bot`` anchor merged, as Compose
merges it), each bot's environment (bot.env, then its own ``environment``) is loaded by
the bot's own Settings, the bots' health check command is run against a local server,
and deploy/Caddyfile is checked by ``caddy validate`` where Caddy is installed."""

from __future__ import annotations

import http.server
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
import yaml

from bot.settings import Settings
from tests.support import ROOT

DEPLOY = ROOT / "deploy"
COMPOSE = DEPLOY / "compose.yaml"
BOTS = ("bot-1", "bot-2")
PREFIXES = ("BOT_", "DATABASE_", "DISCORD_", "SLACK_", "LOG_")


def env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines, as Compose reads an env_file (comments and blank lines skipped)."""
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def env_files(service: dict[str, Any]) -> list[Path]:
    files = service.get("env_file", [])
    return [DEPLOY / name for name in ([files] if isinstance(files, str) else files)]


def environment(service: dict[str, Any]) -> dict[str, str]:
    """What the container gets: its env files in order, then its own ``environment``."""
    merged: dict[str, str] = {}
    for path in env_files(service):
        merged.update(env_file(path))
    own = service.get("environment", {})
    if isinstance(own, list):
        own = dict(item.split("=", 1) for item in own)
    merged.update({key: str(value) for key, value in own.items()})
    return merged


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return compose["services"]


@pytest.fixture(scope="module")
def caddyfile(services: dict[str, dict[str, Any]]) -> str:
    mounts = [volume.split(":") for volume in services["proxy"]["volumes"]]
    [source] = [src for src, target, *_ in mounts if target == "/etc/caddy/Caddyfile"]
    return (DEPLOY / source).read_text(encoding="utf-8")


def test_postgres_two_bots_and_a_proxy_each_restarting_with_a_health_check(
        services: dict[str, dict[str, Any]]) -> None:
    assert set(services) == {"postgres", *BOTS, "proxy"}
    for name, service in services.items():
        assert service["restart"] == "unless-stopped", name
        check = service["healthcheck"]
        assert check["test"][0] in ("CMD", "CMD-SHELL") and len(check["test"]) > 1, name
        assert not check.get("disable"), name


def test_postgres_15_keeps_its_data_in_a_named_volume_and_is_checked_by_pg_isready(
        compose: dict[str, Any], services: dict[str, dict[str, Any]]) -> None:
    postgres = services["postgres"]
    assert postgres["image"].split(":")[1].startswith("15")
    sources = [volume.split(":")[0] for volume in postgres["volumes"]
               if volume.split(":")[1] == "/var/lib/postgresql/data"]
    assert sources and sources[0] in compose["volumes"]  # named, not a host folder
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    account = environment(postgres)
    assert {"POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB"} <= set(account)
    assert "ports" not in postgres  # reachable from the bots only


def test_the_bots_are_built_from_the_repository_and_wait_for_a_healthy_database(
        services: dict[str, dict[str, Any]]) -> None:
    for name in BOTS:
        bot = services[name]
        context = (DEPLOY / bot["build"]["context"]).resolve()
        assert context == ROOT, name
        assert (context / bot["build"].get("dockerfile", "Dockerfile")).is_file(), name
        assert bot["command"] == ["workshop-bot", "run"], name
        assert bot["depends_on"]["postgres"]["condition"] == "service_healthy", name
        assert all(path.is_file() for path in env_files(bot)), name
        assert DEPLOY / "bot.env" in env_files(bot), name
    assert services["bot-1"]["image"] == services["bot-2"]["image"]  # one image, two runs


def test_both_bots_share_one_database_url_on_the_postgres_service(
        services: dict[str, dict[str, Any]]) -> None:
    account = environment(services["postgres"])
    urls = {environment(services[name])["DATABASE_URL"] for name in BOTS}
    assert len(urls) == 1
    url = urlsplit(urls.pop())
    assert url.scheme == "postgresql"
    assert (url.hostname, url.port or 5432) == ("postgres", 5432)
    assert unquote(url.username or "") == account["POSTGRES_USER"]
    assert unquote(url.password or "") == account["POSTGRES_PASSWORD"]
    assert url.path.lstrip("/") == account["POSTGRES_DB"]


def test_the_env_files_hold_placeholders_not_secrets(
        services: dict[str, dict[str, Any]]) -> None:
    bot = environment(services["bot-1"])
    secrets = [bot[key] for key in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "DISCORD_TOKEN")]
    secrets.append(environment(services["postgres"])["POSTGRES_PASSWORD"])
    assert all("REPLACE_ME" in value for value in secrets), secrets


def test_the_discord_shards_of_the_bots_are_distinct_and_cover_every_shard(
        services: dict[str, dict[str, Any]]) -> None:
    counts = {environment(services[name])["DISCORD_SHARD_COUNT"] for name in BOTS}
    assert len(counts) == 1
    count = int(counts.pop())
    held = [int(shard) for name in BOTS
            for shard in environment(services[name])["DISCORD_SHARD_IDS"].split(",")]
    assert len(held) == len(set(held))
    assert sorted(held) == list(range(count))


@pytest.mark.parametrize("name", BOTS)
def test_each_bots_environment_is_accepted_by_the_bot_in_slack_http_mode(
        name: str, services: dict[str, dict[str, Any]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.startswith(PREFIXES):
            monkeypatch.delenv(key)
    env = environment(services[name])
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.database_url == env["DATABASE_URL"]
    assert settings.slack_bot_token is not None and settings.slack_signing_secret is not None
    assert settings.slack_app_token is None  # HTTP mode, not Socket Mode
    assert settings.bot_http_host == "0.0.0.0"
    assert settings.discord_shards == tuple(int(s) for s in env["DISCORD_SHARD_IDS"].split(","))


class _Health(http.server.BaseHTTPRequestHandler):
    status = 200

    def do_GET(self) -> None:
        code = 200 if self.path == "/healthz" else 404
        code = type(self).status if code == 200 else code
        body = b'{"database": "ok"}' if code == 200 else b'{"database": "unreachable"}'
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def health_server() -> Iterator[tuple[int, type[_Health]]]:
    handler = type("Health", (_Health,), {})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], handler
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_the_bots_health_check_passes_on_200_only(
        services: dict[str, dict[str, Any]], health_server: tuple[int, type[_Health]]) -> None:
    """The image is python-slim: the check is Python's urllib, run here as it is written,
    on BOT_HTTP_PORT: 200 passes; 503 (database unreachable) and no server fail. A proxy
    in the environment (for the bot's way out) is not used for it."""
    kind, program, flag, code = services["bot-1"]["healthcheck"]["test"]
    assert (kind, program, flag) == ("CMD", "python", "-c")
    assert services["bot-2"]["healthcheck"] == services["bot-1"]["healthcheck"]
    port, handler = health_server

    def check(on_port: int) -> int:
        env = {"BOT_HTTP_PORT": str(on_port), "PATH": "/usr/bin:/bin",
               "http_proxy": "http://127.0.0.1:9", "HTTP_PROXY": "http://127.0.0.1:9"}
        return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                              timeout=30).returncode

    assert check(port) == 0
    handler.status = 503
    assert check(port) != 0
    with socket.socket() as spare:
        spare.bind(("127.0.0.1", 0))
        closed = spare.getsockname()[1]
    assert check(closed) != 0


def test_the_proxy_round_robins_slack_requests_over_both_bots(
        services: dict[str, dict[str, Any]], caddyfile: str) -> None:
    proxy = services["proxy"]
    assert proxy["image"].startswith("caddy:")
    for name in BOTS:
        assert proxy["depends_on"][name]["condition"] == "service_healthy"
    port = environment(services["bot-1"]).get("BOT_HTTP_PORT", "3000")
    upstreams = re.search(r"reverse_proxy\s+([^{\n]+)\{", caddyfile)
    assert upstreams is not None
    assert upstreams.group(1).split() == [f"{name}:{port}" for name in BOTS]
    assert re.search(r"^\s*lb_policy\s+round_robin\s*$", caddyfile, re.MULTILINE)
    matcher = re.search(r"^\s*@bots\s+path\s+(.+)$", caddyfile, re.MULTILINE)
    assert matcher is not None and set(matcher.group(1).split()) == {
        "/slack/events", "/healthz", "/login", "/logout", "/mod", "/mod/*", "/screen",
        "/screen/*", "/screen-events", "/static/*", "/ics/*"}  # /metrics stays inside
    # nothing rewrites what Slack signed: no header_up, no request body handling
    assert not re.search(r"^\s*(header_up|request_body|rewrite|uri)\b", caddyfile, re.MULTILINE)


def test_the_proxys_health_check_asks_a_site_of_the_caddyfile(
        services: dict[str, dict[str, Any]], caddyfile: str) -> None:
    url = urlsplit(services["proxy"]["healthcheck"]["test"][-1])
    assert re.search(rf"^:{url.port}\s*\{{", caddyfile, re.MULTILINE)
    assert re.search(rf"respond\s+{re.escape(url.path)}\s", caddyfile)


def test_the_connection_pool_named_in_the_comments_is_the_bots() -> None:
    source = (ROOT / "bot" / "store" / "database.py").read_text(encoding="utf-8")
    pool = re.search(r"pool_size=(\d+), max_overflow=(\d+)", source)
    assert pool is not None
    size, overflow = pool.groups()
    text = " ".join(line.lstrip("# ") for line in COMPOSE.read_text(encoding="utf-8").splitlines())
    assert f"pool_size={size} + max_overflow={overflow}" in text
    assert f"up to {int(size) + int(overflow)} connections per instance" in text


@pytest.mark.skipif(shutil.which("caddy") is None, reason="Caddy is not installed")
def test_caddy_accepts_the_caddyfile(tmp_path: Path) -> None:
    result = subprocess.run(
        ["caddy", "validate", "--config", str(DEPLOY / "Caddyfile"), "--adapter", "caddyfile"],
        capture_output=True, text=True, timeout=60,
        env={"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(tmp_path),
             "XDG_DATA_HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Valid configuration" in result.stdout + result.stderr
