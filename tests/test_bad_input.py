"""Every bad input, through every command: one line, exit status 2, nothing written.

Each case is a careless or hostile program file, setting or option (an alias bomb, 100,000
nested ``[``, a key written twice, a port of 99999, ``BOT_NOW`` in year 1, a FIFO, a file
that is not UTF-8, ...), run through the real ``workshop-bot`` as a subprocess in a
folder holding a database made by a good ``reload``. The inputs issue 11 names go
through every command that takes them; the others of their families through ``ask``
(which reads its program and settings as every command does, and has a database to
spoil), since each run costs a second or more of start-up. Each run must:

- exit with status 2;
- write exactly one line to stderr, naming the problem, and nothing to stdout; no
  traceback, and under 1 KB in all (a printed value is cut to about 80 characters);
- write nothing: every file in the folder is unchanged (the database included) and no
  output file appears; no PostgreSQL connection is even attempted (a listener of the
  test's own stands in for the server, and counts).

The subprocess timeout is only a safety net, so that a hang fails instead of blocking;
nothing here measures time.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from bot.cli import build_parser
from bot.settings import BUNDLED_PROGRAM
from tests.test_cli import SETTINGS

PROGRAM_TEXT = BUNDLED_PROGRAM.read_text(encoding="utf-8")
FIRST_KEYWORDS = "    keywords: [introduction, welcome]"  # of the bundled program's first item
FIRST_START = "2021-12-13T09:00:00-08:00"
WORKSHOP_DATE = "  date: 2021-12-13"
assert FIRST_KEYWORDS in PROGRAM_TEXT and FIRST_START in PROGRAM_TEXT
assert WORKSHOP_DATE in PROGRAM_TEXT
TIMEOUT = 30  # seconds: a safety net against a hang, not a measure

# Each command with the arguments it is run with; {program} is the case's program file.
# import gets --force so that "the output exists" never hides the problem under test.
COMMANDS: dict[str, list[str]] = {
    "check": ["check", "--program", "{program}"],
    "reload": ["reload", "--program", "{program}"],
    "ask": ["ask", "what's on now?", "--program", "{program}"],
    "export ics": ["export", "ics", "-o", "{output}", "--program", "{program}"],
    "qa export": ["qa", "export", "--format", "csv", "--output", "{output}", "--program",
                  "{program}"],
    "qa setup": ["qa", "setup", "--program", "{program}"],
    "run": ["run", "--program", "{program}"],
    "web": ["web", "--program", "{program}"],
    "import": ["import", "{program}", "-o", "{output}", "--force"],
}


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """The commands a parser offers (argparse keeps them in its sub-parsers action)."""
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


if "migrate" in subcommands(build_parser()):  # being added beside this test: try it too
    COMMANDS["migrate"] = ["migrate"]
ALL = tuple(COMMANDS)
READ_A_PROGRAM = tuple(name for name, args in COMMANDS.items() if "{program}" in args)
WRITE_A_FILE = tuple(name for name, args in COMMANDS.items() if "{output}" in args)
TAKE_A_TIME = ("ask", "run", "web")
ONE_WAY_IN = ("ask",)


def _with(old: str, new: str, text: str = PROGRAM_TEXT) -> str:
    assert old in text
    return text.replace(old, new, 1)


def _alias_bomb() -> str:
    """keywords: [&a [9 × "lol"], &b [9 × *a], … &i [9 × *h]]: 387 million strings."""
    names = "abcdefghi"
    lists = ["&a [" + ", ".join(['"lol"'] * 9) + "]"]
    lists += [f"&{names[n]} [" + ", ".join([f"*{names[n - 1]}"] * 9) + "]" for n in range(1, 9)]
    return _with(FIRST_KEYWORDS, "    keywords: [" + ", ".join(lists) + "]")


def _frab_json(date: str, duplicate: bool = False) -> str:
    title = '"title": "Opening",\n' + ('        "title": "Opening again",\n' if duplicate else "")
    return ('{"schedule": {"version": "1", "conference": {"title": "X", "acronym": "x",\n'
            '  "days": [{"date": "2024-01-01", "rooms": {"A": [{"guid": "g1",\n        '
            f'{title}        "date": "{date}", "duration": "00:30"}}]}}}}]}}}}}}\n')


def _calendar(start: str) -> str:
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//EN\r\nBEGIN:VEVENT\r\nUID:u1\r\n"
            f"SUMMARY:Opening\r\nDTSTART:{start}\r\nDURATION:PT30M\r\nDTSTAMP:20240101T000000Z"
            "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")


@dataclass(frozen=True)
class Bad:
    """One bad input: the files it needs, its settings and options, what the line says."""

    name: str
    expected: str  # in the one line on stderr
    files: Mapping[str, str | bytes] = field(default_factory=dict)  # in the working folder
    env: Mapping[str, str] = field(default_factory=dict)  # {tmp}: the working folder
    program: str = str(BUNDLED_PROGRAM)
    output: str = "out.file"
    options: tuple[str, ...] = ()
    commands: tuple[str, ...] = ONE_WAY_IN


def _program(name: str, expected: str, text: str | bytes, file: str = "program.yaml",
             commands: tuple[str, ...] = ONE_WAY_IN, **more: str | bytes) -> Bad:
    return Bad(name, expected, files={file: text, **more}, program=file, commands=commands)


TOO_DEEP = "nests too deeply to be a program"
OUTSIDE = "is outside the years 1970 to 2999"

CASES = [
    # Item 7: a program file that would cost minutes, gigabytes and megabytes of output.
    _program("alias bomb", "holds more than 500,000 values", _alias_bomb(),
             commands=READ_A_PROGRAM),
    _program("too many aliases", "uses more than 100 aliases",
             _with(FIRST_KEYWORDS, "    keywords: &k [x]\n    summary: " +
                   "[" + ", ".join(["*k"] * 101) + "]")),
    _program("alias inside its own anchor", "refers to the value that holds it",
             _with(FIRST_KEYWORDS, "    keywords: &k [x, *k]")),
    _program("a 100,000-character value", "keywords.0: must be text, not list ['x', 'yyyy",
             _with(FIRST_KEYWORDS, "    keywords: [[x, " + "y" * 100_000 + "]]")),
    _program("a 100,000-character key", "unknown key",
             _with(FIRST_KEYWORDS, "    " + "k" * 1000 + ": 1")),
    _program("a key with a line break and a terminal escape", "unknown key",
             _with(FIRST_KEYWORDS, '    "a\\nb\\e[31m": 1')),
    # Item 8: tracebacks and silent second values.
    _program("100,000 nested [ in YAML", TOO_DEEP, "[" * 100_000, commands=READ_A_PROGRAM),
    _program("100,000 nested [ in JSON", TOO_DEEP, "[" * 100_000, "program.json",
             commands=READ_A_PROGRAM),
    _program("900 nested [ ] in a field", TOO_DEEP,
             _with(FIRST_KEYWORDS, "    keywords: " + "[" * 900 + "]" * 900)),
    _program("a key written twice", "the key 'name' is written twice in one mapping (first "
             "on line 12); keep one", _with("  name: ML for Systems",
                                             "  name: ML for Systems\n  name: Another"),
             commands=READ_A_PROGRAM),
    _program("a key written twice in JSON", "line 4: the key 'title' is written twice in one "
             "object (first on line 3)",
             _frab_json("2024-01-01T10:00:00+01:00", duplicate=True), "program.json",
             READ_A_PROGRAM),
    _program("a date that is no date", "cannot read '2021-13-45'",
             _with(FIRST_KEYWORDS, "    keywords: [2021-13-45]")),
    _program("a 5,000-digit number", "a number of more than 4,300 digits",
             _with(FIRST_KEYWORDS, "    keywords: [" + "9" * 5000 + "]")),
    _program("a 5,000-digit number in JSON", "holds a number of 5,000 digits",
             '{"schedule": {"conference": {"title": ' + "9" * 5000 + "}}}", "program.json"),
    _program("a session in year 1", f"start: 0001-01-01T00:00:00+01:00 {OUTSIDE}",
             _with(FIRST_START, "0001-01-01T00:00:00+01:00")),
    _program("a session at the end of time", f"start: 9999-12-31T23:59:59-14:00 {OUTSIDE}",
             _with(FIRST_START, "9999-12-31T23:59:59-14:00")),
    _program("a workshop in year 9999", f"date: 9999-12-31 {OUTSIDE}",
             _with(WORKSHOP_DATE, "  date: 9999-12-31")),
    _program("an export's event in year 1", OUTSIDE,
             _frab_json("0001-01-01T00:00:00+01:00"), "program.json"),
    _program("a calendar's event in year 1", OUTSIDE, _calendar("00010101T000000Z"),
             "program.ics"),
    _program("an empty file", "the file is empty", ""),
    _program("a binary file", "it is not UTF-8 text", bytes(range(256)) * 4),
    _program("a Latin-1 file", "it is not UTF-8 text",
             _with("ML for Systems", "Café Systems").encode("latin-1")),
    _program("a papers CSV naming a column twice", "the header names the column 'title' "
             "twice", "workshop:\n  id: x\n  name: X\n  date: 2021-12-13\n  timezone: UTC\n"
             "papers_from: papers.csv\n", commands=("check", "import"),
             **{"papers.csv": "id,title,title,authors\n1,A,B,Ada\n"}),
    _program("a schedule taken from /dev/zero", "/dev/zero: is not a regular file",
             "schedule_from: /dev/zero\n"),
    Bad("a folder as the program", "is a folder, not a program file",
        files={"folder/keep": ""}, program="folder"),
    Bad("a program that is not there", "nowhere.yaml: no such file", program="nowhere.yaml"),
    Bad("a FIFO as the program", "fifo.yaml: is not a regular file", program="fifo.yaml",
        files={"fifo.yaml": b"<fifo>"}),
    Bad("a program of 17 MB", "is larger than 16 MB", program="huge.yaml",
        files={"huge.yaml": b"<17 MB>"}),
    # Settings.
    Bad("a port of 99999", "DATABASE_URL: port 99999 is not a port (1 to 65535)",
        env={"DATABASE_URL": "postgresql://bot@127.0.0.1:99999/bot"}, commands=ALL),
    Bad("a port that is no number", "DATABASE_URL: cannot parse",
        env={"DATABASE_URL": "postgresql://bot@127.0.0.1:abc/bot"}),
    Bad("sslmode=bogus", "DATABASE_URL: sslmode 'bogus' is not one of disable, allow, "
        "prefer, require, verify-ca, verify-full",
        env={"DATABASE_URL": "postgresql://bot@127.0.0.1:{pgport}/bot?sslmode=bogus"},
        commands=ALL),
    Bad("an option PostgreSQL URLs do not take", "DATABASE_URL: 'colour' is not an option",
        env={"DATABASE_URL": "postgresql://bot@127.0.0.1:{pgport}/bot?colour=blue"}),
    Bad("postgresql://:@/", "DATABASE_URL: the user name is empty",
        env={"DATABASE_URL": "postgresql://:@/"}),
    Bad("a PostgreSQL URL naming no database", "DATABASE_URL: names no database",
        env={"DATABASE_URL": "postgresql://bot@127.0.0.1:{pgport}"}),
    Bad("an SQLite file in a folder of a missing folder", "DATABASE_URL: {tmp}/missing does "
        "not exist", env={"DATABASE_URL": "sqlite:///{tmp}/missing/deeper/bot.db"}),
    Bad("an SQLite file that is a folder", "DATABASE_URL: {tmp}/folder is a folder",
        files={"folder/keep": ""}, env={"DATABASE_URL": "sqlite:///{tmp}/folder"}),
    Bad("an SQLite URL with options", "DATABASE_URL: SQLite URLs take no options",
        env={"DATABASE_URL": "sqlite:///data/workshop-bot.db?mode=ro"}),
    Bad("a database we do not support", "DATABASE_URL: unsupported database 'mysql'",
        env={"DATABASE_URL": "mysql://root@127.0.0.1:{pgport}/x"}),
    Bad("BOT_NOW in year 1", f"BOT_NOW: 0001-01-01T00:00:00+00:00 {OUTSIDE}",
        env={"BOT_NOW": "0001-01-01T00:00:00+00:00"}, commands=ALL),
    Bad("BOT_NOW at the end of time", f"BOT_NOW: 9999-12-31T23:59:59-14:00 {OUTSIDE}",
        env={"BOT_NOW": "9999-12-31T23:59:59-14:00"}, commands=ALL),
    Bad("BOT_NOW just before year 1 in UTC", f"BOT_NOW: 0001-01-01T00:00:00+14:00 {OUTSIDE}",
        env={"BOT_NOW": "0001-01-01T00:00:00+14:00"}),
    Bad("BOT_NOW garbage", "BOT_NOW: Input should be a valid datetime",
        env={"BOT_NOW": "next tuesday"}),
    Bad("an unknown BOT_TIMEZONE", "BOT_TIMEZONE: unknown timezone 'Mars/Olympus'",
        env={"BOT_TIMEZONE": "Mars/Olympus"}),
    Bad("an unknown BOT_PROGRAM_TIMEZONE", "BOT_PROGRAM_TIMEZONE: unknown timezone 'Nope'",
        env={"BOT_PROGRAM_TIMEZONE": "Nope"}),
    Bad("BOT_SPEED=nan", "BOT_SPEED: ", env={"BOT_SPEED": "nan"}),
    Bad("a .env file that is not UTF-8", ".env: it is not UTF-8 text",
        files={".env": b"BOT_NOW=\xff\xfe\n"}),
    Bad("a .env file of random bytes", ".env: it is not UTF-8 text",
        files={".env": bytes(range(128, 256)) * 8}),
    # Options.
    Bad("--at in year 1", f"--at: 0001-01-01T00:00:00+00:00 {OUTSIDE}",
        options=("--at", "0001-01-01T00:00:00+00:00"), commands=TAKE_A_TIME),
    Bad("--at at the end of time", f"--at: 9999-12-31T23:59:59-14:00 {OUTSIDE}",
        options=("--at", "9999-12-31T23:59:59-14:00"), commands=TAKE_A_TIME),
    Bad("an output in a missing folder", "nowhere/out.file: cannot write it: there is no "
        "folder nowhere", output="nowhere/out.file", commands=WRITE_A_FILE),
    Bad("an output that is a folder", "folder: cannot write it: it is a folder",
        output="folder", files={"folder/keep": ""}, commands=WRITE_A_FILE),
]
# A platform token lets `qa setup` go as far as the program and settings; its addresses
# are a closed loopback port, so nothing could reach Discord even if it went further.
A_PLATFORM = {"DISCORD_TOKEN": "not-a-token", "DISCORD_API_URL": "http://127.0.0.1:9/api",
              "DISCORD_GATEWAY_URL": "ws://127.0.0.1:9/", "BOT_WEB": "false",
              "BOT_WEB_SECRET": "a-signing-key-of-forty-characters-or-so-x"}
MATRIX = [(case, command) for case in CASES for command in case.commands]


class Listener:
    """A TCP port that counts the connections made to it (and closes each at once)."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.port: int = self.socket.getsockname()[1]
        self.connections = 0
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.socket.accept()
            except OSError:
                return
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self.socket.close()


@pytest.fixture(scope="module")
def postgres_stand_in() -> Iterator[Listener]:
    listener = Listener()
    yield listener
    listener.close()


@pytest.fixture(scope="module")
def loaded_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """data/workshop-bot.db as a good `reload` of the bundled program leaves it."""
    folder = tmp_path_factory.mktemp("loaded")
    done = run(["reload"], folder, {})
    assert done.returncode == 0, done.stderr
    return folder / "data"


def run(args: list[str], cwd: Path, env: Mapping[str, str], user: int | None = None
        ) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in SETTINGS and not k.startswith("PG")}
    command = [sys.executable, "-m", "bot", *args]
    if user is not None:
        command = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups", *command]
    return subprocess.run(command, cwd=cwd, env={**clean, **env}, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, errors="replace", timeout=TIMEOUT,
                          check=False)


def snapshot(folder: Path) -> dict[str, str]:
    """Every file and folder below ``folder``: a digest of each file's bytes."""
    found: dict[str, str] = {}
    for path in sorted(folder.rglob("*")):
        mode = path.lstat().st_mode
        if stat.S_ISREG(mode):
            found[str(path.relative_to(folder))] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            found[str(path.relative_to(folder))] = stat.filemode(mode)
    return found


def _prepare(case: Bad, folder: Path) -> None:
    for name, content in case.files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if content == b"<fifo>":
            os.mkfifo(path)
        elif content == b"<17 MB>":
            with path.open("wb") as file:
                file.truncate(17 * 1024 * 1024)
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def assert_refused(done: subprocess.CompletedProcess[str], expected: str) -> None:
    said = f"exit {done.returncode}\nstdout: {done.stdout[:2000]}\nstderr: {done.stderr[:2000]}"
    assert done.returncode == 2, said
    assert "Traceback" not in done.stderr, said
    assert done.stdout == "", said
    lines = done.stderr.splitlines()
    assert len(lines) == 1, said
    assert lines[0].startswith("workshop-bot: "), said
    assert expected in lines[0], said
    assert len(done.stderr.encode()) < 1024, said


@pytest.mark.parametrize(("case", "command"), MATRIX,
                         ids=[f"{case.name} | {command}" for case, command in MATRIX])
def test_a_bad_input_is_one_line_exit_2_and_nothing_written(
        tmp_path: Path, loaded_database: Path, postgres_stand_in: Listener,
        case: Bad, command: str) -> None:
    shutil.copytree(loaded_database, tmp_path / "data")
    _prepare(case, tmp_path)
    before = snapshot(tmp_path)
    connections = postgres_stand_in.connections
    values = {"program": case.program, "output": case.output}
    args = [part.format(**values) for part in COMMANDS[command]] + list(case.options)
    fill = {"tmp": str(tmp_path), "pgport": str(postgres_stand_in.port)}
    env = {key: value.format(**fill) for key, value in case.env.items()}
    # Any connection to PostgreSQL (a URL without a host included) reaches the stand-in.
    env |= {"PGHOST": "127.0.0.1", "PGPORT": str(postgres_stand_in.port), **A_PLATFORM}
    done = run(args, tmp_path, env)
    assert_refused(done, case.expected.format(**fill))
    assert snapshot(tmp_path) == before
    assert postgres_stand_in.connections == connections


def test_every_command_is_tried() -> None:
    """A new command joins COMMANDS, and so every case that applies to it."""
    commands = subcommands(build_parser())
    offered = {name for name in commands if name not in ("qa", "export")}
    offered |= {f"qa {action}" for action in subcommands(commands["qa"])} | {"export ics"}
    assert offered == set(COMMANDS)


def test_an_unreadable_program_file(tmp_path: Path) -> None:
    """Permission denied (run as nobody when the tests run as root, who may read anything)."""
    folder = Path(tempfile.mkdtemp(prefix="unreadable-"))
    try:
        folder.chmod(0o777)  # nobody may write here: and must not, being refused
        program = folder / "program.yaml"
        program.write_text(PROGRAM_TEXT, encoding="utf-8")
        program.chmod(0)
        user = None
        if os.geteuid() == 0:
            if shutil.which("setpriv") is None:
                pytest.skip("running as root, and setpriv is not here to run as nobody")
            user = 65534
        before = snapshot(folder)
        for command in READ_A_PROGRAM:
            values = {"program": str(program), "output": str(folder / "out.file")}
            done = run([part.format(**values) for part in COMMANDS[command]], folder,
                       A_PLATFORM, user)
            assert_refused(done, f"{program}: cannot read the file (Permission denied)")
        assert snapshot(folder) == before
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_thousands_of_problems_print_the_first_ones_and_a_count(tmp_path: Path) -> None:
    """Every problem of a file is its own line, up to a screenful; then how many more."""
    program = yaml.safe_load(PROGRAM_TEXT)
    program["schedule"] = [{"id": f"s{n}", "title": "", "start": "soon", "end": "later"}
                           for n in range(5000)]
    path = tmp_path / "program.yaml"
    path.write_text(yaml.safe_dump(program), encoding="utf-8")
    done = run(["check", "--program", str(path)], tmp_path, {})
    assert done.returncode == 2, done.stderr[:2000]
    lines = done.stderr.splitlines()
    assert len(lines) == 21
    assert all(line.startswith(f"workshop-bot: {path}: schedule[") for line in lines[:20])
    assert lines[20] == "workshop-bot: … and 14,980 more problems"


@pytest.mark.parametrize("args", [[], ["ask"], ["ask", "now", "--speed", "2"],
                                  ["frobnicate"]],
                         ids=["no command", "ask without a question", "an option ask lacks",
                              "an unknown command"])
def test_a_bad_command_line_is_one_line_and_exit_2(tmp_path: Path, args: list[str]) -> None:
    done = run(args, tmp_path, {})
    assert_refused(done, "(see workshop-bot")
    assert snapshot(tmp_path) == {}


def test_qa_setup_without_a_platform_writes_nothing(
        tmp_path: Path, loaded_database: Path) -> None:
    shutil.copytree(loaded_database, tmp_path / "data")
    before = snapshot(tmp_path)
    done = run(["qa", "setup"], tmp_path, {})
    assert_refused(done, "no platform is configured")
    assert snapshot(tmp_path) == before
