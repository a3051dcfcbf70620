"""The ``workshop-bot`` command: ``run`` the bot, ``ask`` one question, ``check`` a program,
``reload`` it, ``import`` exports into our YAML, ``export ics``, ``qa`` setup and export,
and ``migrate`` the database.

Exit status: 0 on success, 2 for bad input (a program file, a setting, an option), 1 when
the bot could not run (e.g. the database is unreachable; for ``migrate``, whose only input
is the database, that is 2). Errors are one line each, whatever the input: values are
quoted cut short and escaped, argparse's usage-and-error is one line too, output files
are checked before any work and written whole or not at all, and even a bug is one line
(LOG_LEVEL=DEBUG shows its traceback).
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import os
import sys
import tempfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import NoReturn

from bot.app import (
    StartupError,
    choose_adapters,
    open_core,
    reload_program,
    run_alongside,
    serve,
    serve_pages,
)
from bot.calendar_export import program_calendar
from bot.clock import REHEARSAL_LEAD, SimulatedClock
from bot.error_values import clipped, shown
from bot.instant_range import check_instant
from bot.messages import IncomingMessage, UserRef
from bot.program_file import ProgramError, counts, counts_text, dump_program
from bot.program_loader import YAML, Piece, combine, load_program_file, validate_piece
from bot.render_text import render
from bot.settings import (
    REAL_TIME,
    Settings,
    SettingsError,
    configure_logging,
    load_settings,
    program_zone,
)
from bot.store.database import Database, async_url
from bot.store.migrations import NewerDatabaseError
from bot.store.outage import DATABASE_DOWN, reason
from bot.timezones import TimezoneError, parse_timezone

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
NO_PLATFORM = "no platform is configured: set DISCORD_TOKEN and/or SLACK_BOT_TOKEN (see README)"


LONGEST_LINE = 1000  # characters of one line of an error; values in it are cut far shorter
log = logging.getLogger(__name__)


class UsageError(Exception):
    """A bad command-line value."""


class WriteError(Exception):
    """An output file that could not be written (the disk, not the input: exit 1)."""


class _Parser(argparse.ArgumentParser):
    """argparse, with its errors in one line like every other error (argparse prints the
    usage first, and quotes a bad value whole). Sub-commands' parsers are of this class
    too: argparse makes them with the class of the parser they belong to."""

    def error(self, message: str) -> NoReturn:
        line = clipped(message, LONGEST_LINE // 2)
        self.exit(EXIT_USAGE, f"workshop-bot: {line} (see {self.prog} --help)\n")


def _instant(text: str) -> datetime | str:
    """An ISO 8601 instant with its offset, or "now": the real clock (see Settings)."""
    if text.strip().casefold() == REAL_TIME:
        return REAL_TIME
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{shown(text)} is not an ISO 8601 time; write e.g. 2021-12-13T10:15:00-08:00"
        ) from None
    if value.utcoffset() is None:
        raise argparse.ArgumentTypeError(
            f"{shown(text)} has no UTC offset; write e.g. 2021-12-13T10:15:00-08:00"
        )
    try:
        return check_instant(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _speed(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{shown(text)} is not a number") from None
    if not 0 < value <= 100_000:
        raise argparse.ArgumentTypeError("the speed must be above 0 and at most 100000")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="workshop-bot",
        description="A community bot for academic workshops: schedule answers, reminders "
        "and Q&A on Discord, Slack and a console.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    zone_option = _Parser(add_help=False)
    zone_option.add_argument(
        "--program-timezone", metavar="ZONE",
        help="the zone of a program whose times carry no offset or zone (Sessionize, "
        "Pentabarf XML), and its zone when the file names none ($BOT_PROGRAM_TIMEZONE)")
    program = _Parser(add_help=False, parents=[zone_option])
    program.add_argument("--program", type=Path, metavar="FILE",
                         help="program file: our YAML, a pretalx / frab JSON or XML export, "
                         "an iCalendar file or a Sessionize export (default: $BOT_PROGRAM or "
                         "the bundled program)")
    clock = _Parser(add_help=False)
    clock.add_argument("--at", type=_instant, metavar="ISO",
                       help="pretend it is this instant, e.g. 2021-12-13T08:45-08:00; 'now' "
                       "is the real clock ($BOT_NOW)")

    run = commands.add_parser(
        "run", parents=[program, clock],
        help="run the bot: Discord and Slack when configured, else a console chat",
        description="Run the bot. Discord and Slack start when their tokens are set; with "
        "none, an interactive console chat starts on the program. Platforms always run on "
        "the real clock. The console alone, with no --at, on a program that is already "
        "over, rehearses it: its clock starts "
        f"{REHEARSAL_LEAD.total_seconds() / 60:g} minutes before the first session (--at "
        "now or BOT_NOW=now keeps the real clock).",
    )
    run.add_argument("--speed", type=_speed, metavar="N",
                     help="run the clock N times faster from --at ($BOT_SPEED)")
    run.add_argument("--console", action="store_true", default=None,
                     help="start the console chat beside the platforms ($BOT_CONSOLE)")

    commands.add_parser(
        "web", parents=[program, clock],
        help="serve only the web pages: dashboard, room screens, calendar feeds",
        description="Serve the web pages on BOT_HTTP_HOST:BOT_HTTP_PORT without connecting "
        "to a platform: the moderators' dashboard (/mod), the room screens (/screen), the "
        "calendar feeds (/ics/...), /healthz and /metrics. Needs BOT_WEB_SECRET. `run` "
        "serves the same pages beside the platforms (BOT_WEB); a page's actions reach a "
        "platform only through a `run` process's adapters.",
    )

    ask = commands.add_parser(
        "ask", parents=[program, clock], help="answer one question and print the answer",
        description="Answer one question, as the bot would in a chat, and print it.",
    )
    ask.add_argument("text", metavar="TEXT", help="the question, e.g. \"what's next?\"")
    ask.add_argument("--tz", metavar="ZONE", help="the asker's timezone, e.g. Europe/Berlin")

    commands.add_parser(
        "reload", parents=[program],
        help="load an edited program file; running bots reschedule and tell people",
        description="Validate the program file and write it to the database. Running bots "
        "follow within BOT_RELOAD_POLL seconds (or at once on SIGHUP): moved sessions are "
        "rescheduled and their subscribers told, removed ones cancelled. A bad file changes "
        "nothing.",
    )

    qa = commands.add_parser(
        "qa", parents=[program], help="Q&A: create the threads, or export the questions",
        description="Q&A from the command line: 'setup' connects to the configured platforms "
        "and creates one thread per paper and talk (reusing those that exist); 'export' "
        "writes every question, with votes, status, platform, time and author.",
    )
    qa_commands = qa.add_subparsers(dest="qa_command", required=True, metavar="ACTION")
    qa_commands.add_parser("setup", parents=[program],
                           help="create the Q&A threads on Discord and Slack")
    export = qa_commands.add_parser("export", parents=[program],
                                    help="write the questions as Markdown, CSV or JSON")
    export.add_argument("what", nargs="?", default="all", metavar="PAPER",
                        help="a paper or talk (default: all)")
    export.add_argument("--format", choices=("md", "csv", "json"), default="md")
    export.add_argument("--output", type=Path, metavar="FILE",
                        help="where to write (default: standard output)")

    commands.add_parser(
        "migrate", help="create the database's tables, or upgrade them to this version",
        description="Apply the database migrations this version needs to DATABASE_URL, "
        "printing a line for each, and exit ('run' and every other command do the same "
        "when they start). A database made by an earlier release, before migrations, is "
        "adopted and upgraded without losing a row. Safe to run from several processes at "
        "once; exit status 2 when the database cannot be reached.",
    )

    commands.add_parser(
        "check", parents=[program], help="validate a program file and write nothing",
        description="Validate a program file: every problem is printed on its own line.",
    )

    imports = commands.add_parser(
        "import", parents=[zone_option],
        help="write our program YAML from conference exports and papers CSVs",
        description="Read pretalx / frab JSON, frab / Pentabarf XML, iCalendar, Sessionize "
        "view/All JSON, our YAML and accepted-papers CSV files, and write one program YAML "
        "to edit. The first file that names the event names it; every file's events and "
        "papers are added. Nothing is written unless the whole program is valid.",
    )
    imports.add_argument("files", nargs="+", type=Path, metavar="FILE",
                         help="exports, programs and papers CSVs, in any order")
    imports.add_argument("-o", "--output", type=Path, metavar="FILE",
                         help="the YAML to write (default: standard output)")
    imports.add_argument("--force", action="store_true",
                         help="overwrite the output file if it exists")

    export = commands.add_parser(
        "export", parents=[program],
        help="write the program for other tools: 'ics' for calendar apps",
        description="Write the whole program as an iCalendar file (RFC 5545) with its time "
        "zone, rooms and speakers; every session keeps its UID from one export to the next.",
    )
    export.add_argument("what", choices=("ics",), metavar="FORMAT", help="ics")
    export.add_argument("-o", "--output", type=Path, metavar="FILE",
                        help="where to write (default: standard output)")
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    return load_settings(
        bot_program=getattr(args, "program", None),
        bot_now=getattr(args, "at", None),
        bot_speed=getattr(args, "speed", None),
        bot_console=getattr(args, "console", None),
        bot_program_timezone=getattr(args, "program_timezone", None),
    )


def _say(lines: Sequence[str], what: str = "") -> None:
    """Lines on stderr, each one line however it was made: what a file or setting said is
    in them, so no line break, terminal escape or 100,000 characters of it get through."""
    for line in lines:
        print(f"workshop-bot: {what}{clipped(line, LONGEST_LINE)}", file=sys.stderr)


def _warn(lines: Sequence[str]) -> None:
    _say(lines, "warning: ")


def _destination(path: Path | None) -> Path | None:
    """An output file's path, checked before any work, so that a bad one is refused
    before a program is read or a database opened (and nothing is written)."""
    if path is None:
        return None
    if path.is_dir():
        raise UsageError(f"{path}: cannot write it: it is a folder")
    folder = path.parent
    if not folder.is_dir():
        raise UsageError(f"{path}: cannot write it: there is no folder {folder}")
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise UsageError(f"{path}: cannot write it: permission denied")
    return path


def _write(path: Path, data: bytes) -> None:
    """Write ``path`` whole or not at all: into a file beside it, then renamed over it,
    so a full disk or an interrupt never leaves half an export where the last one was.
    (A device or FIFO, like /dev/stdout, is written to directly.)"""
    if path.exists() and not path.is_file():
        try:
            path.write_bytes(data)
        except OSError as exc:
            raise WriteError(f"{path}: cannot write it ({exc.strerror or exc})") from None
        return
    mask = os.umask(0)
    os.umask(mask)
    temporary: Path | None = None
    try:
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.",
                                         delete=False) as file:
            temporary = Path(file.name)
            file.write(data)
        temporary.chmod(0o666 & ~mask)
        os.replace(temporary, path)
    except OSError as exc:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        raise WriteError(f"{path}: cannot write it ({exc.strerror or exc})") from None


def _check(args: argparse.Namespace) -> int:
    settings = _settings(args)
    loaded = load_program_file(settings.bot_program, program_zone(settings))
    _warn(loaded.warnings)
    spec = loaded.spec
    found = counts(spec)
    extra = "".join(f", {counts_text({k: found[k]})}" for k in ("rooms", "days") if found[k] > 1)
    source = "" if loaded.format == YAML else f" (read as {loaded.format})"
    sessions = counts_text({"sessions": found["events"], "papers": found["papers"]})
    print(f"{loaded.source}: OK: {spec.workshop.name}, {sessions}{extra}{source}")
    return EXIT_OK


def _import(args: argparse.Namespace) -> int:
    settings = _settings(args)
    if args.output is not None and args.output.exists() and not args.force:
        raise UsageError(f"{args.output} exists; pass --force to overwrite it")
    output = _destination(args.output)

    def progress(piece: Piece) -> None:
        if len(args.files) == 1:
            return  # the summary at the end says it; a bad file is then one line
        found = {"events": len(piece.raw.get("schedule") or []),
                 "papers": len(piece.raw.get("papers") or [])}
        print(f"Read {piece.path}: {piece.format}, {counts_text(found)}", file=sys.stderr,
              flush=True)

    whole, pieces = combine(args.files, program_zone(settings), progress)
    _warn(whole.warnings)
    spec = validate_piece(whole)
    names = ", ".join(p.path.name for p in pieces)
    header = (f"Workshop Bot program, written by `workshop-bot import` from {names}.\n"
              "Add chat ids (people), channels, moderators and reminders as you need them;\n"
              "check it with: workshop-bot check --program <this file>")
    in_order = sorted(whole.raw["schedule"], key=lambda s: (s["start"], str(s.get("room"))))
    text = dump_program({**whole.raw, "schedule": in_order}, header)
    summary = counts_text(counts(spec))
    if output is None:
        sys.stdout.write(text)
        print(f"{spec.workshop.name}: {summary}", file=sys.stderr)
    else:
        _write(output, text.encode("utf-8"))
        print(f"Wrote {output}: {spec.workshop.name}, {summary}", file=sys.stderr)
    return EXIT_OK


async def _export(args: argparse.Namespace) -> int:
    settings = _settings(args)
    output = _destination(args.output)
    async with open_core(settings) as services:
        program = services.catalog.current.program
        data = program_calendar(program, services.clock.now())
    if output is None:
        sys.stdout.buffer.write(data)
    else:
        _write(output, data)
        print(f"Wrote {output}: {len(program.scheduled)} sessions of "
              f"{program.workshop.full_name} ({len(data):,} bytes)", file=sys.stderr)
    return EXIT_OK


async def _ask(args: argparse.Namespace) -> int:
    settings = _settings(args)
    zone = None
    if args.tz:
        try:
            zone = parse_timezone(args.tz)
        except TimezoneError as exc:
            raise UsageError(f"--tz: {exc}") from None
    clock = SimulatedClock(settings.bot_now, speed=0) if settings.bot_now else None
    async with open_core(settings, clock) as services:
        user = UserRef("console", getpass.getuser())  # the same person as in the console
        reply = await services.router.handle(IncomingMessage(user, args.text, zone=zone))
        print(render(reply))
        if reply.attachment is not None:
            print(f"(a file comes with this answer, {reply.attachment.filename}: "
                  "`workshop-bot qa export` writes it)")
    return EXIT_OK


async def _reload(args: argparse.Namespace) -> int:
    settings = _settings(args)
    report = await reload_program(settings)
    if not report.changed:
        print(f"{settings.bot_program}: unchanged (revision {report.revision}); nothing to do")
        return EXIT_OK
    print(f"{settings.bot_program}: reloaded as revision {report.revision}: {report.summary()}")
    zone = parse_timezone(report.timezone)

    def local(instant: datetime) -> str:
        return f"{instant.astimezone(zone):%a %d %b %H:%M %Z}"

    for change in report.sessions:
        what = f"{change.title} ({change.slug})" if change.title != change.slug else change.slug
        if change.change == "moved" and change.old_start and change.new_start:
            print(f"  moved:   {what}: {local(change.old_start)} -> "
                  f"{local(change.new_start)}")
        elif (start := change.new_start or change.old_start) is not None:
            print(f"  {change.change + ':':8} {what}: {local(start)}")
    follow = ("at once (PostgreSQL tells them; at the latest within "
              f"BOT_RELOAD_POLL, {settings.bot_reload_poll:g} s)"
              if settings.database_url.startswith("postgres") else
              f"within BOT_RELOAD_POLL ({settings.bot_reload_poll:g} s)")
    print(f"Running bots follow {follow} and tell subscribers once.")
    return EXIT_OK


async def _qa(args: argparse.Namespace) -> int:
    settings = _settings(args)
    output = _destination(args.output) if args.qa_command == "export" else None
    if args.qa_command == "setup" and not (settings.discord_token or settings.slack_bot_token):
        raise UsageError(NO_PLATFORM)  # before the database is opened: nothing written
    async with open_core(settings) as services:
        operator = UserRef("cli", getpass.getuser(), getpass.getuser())  # a moderator
        if args.qa_command == "export":
            words = f"export {args.what} {args.format}"
            reply = await services.router.handle(IncomingMessage(operator, words, command="qa"))
            if reply.attachment is None:
                raise UsageError(render(reply).splitlines()[0])
            if output is None:
                sys.stdout.buffer.write(reply.attachment.data)
            else:
                _write(output, reply.attachment.data)
                print(f"Wrote {output} ({len(reply.attachment.data):,} bytes)")
            return EXIT_OK
        adapters = [a for a in choose_adapters(services) if not a.fallback]
        if not adapters:
            raise UsageError(NO_PLATFORM)
        reply = await run_alongside(services, adapters, services.router.handle(
            IncomingMessage(operator, "setup", command="qa")))
        print(render(reply))
        return EXIT_OK if reply.kind == "answer" else EXIT_FAILED


async def _migrate(args: argparse.Namespace) -> int:
    settings = _settings(args)
    where = async_url(settings.database_url).render_as_string(hide_password=True)
    try:
        db = Database(settings.database_url, timeout=settings.bot_db_timeout)
        try:
            steps = await db.migrate(lambda step: print(step.line(), flush=True))
            revision = await db.revision()
        finally:
            await db.dispose()
    except DATABASE_DOWN as exc:
        why = reason(exc)
        if isinstance(exc, TimeoutError) and not str(exc):  # a stalled server says nothing
            why = f"no answer within {settings.bot_db_timeout:g} s (BOT_DB_TIMEOUT)"
        raise UsageError(f"cannot use the database {where}: {why}") from None
    except NewerDatabaseError as exc:
        raise UsageError(f"cannot use the database {where}: {exc}") from None
    state = "now at" if steps else "already up to date at"
    print(f"{where}: {state} revision {revision}")
    return EXIT_OK


async def _run(args: argparse.Namespace) -> int:
    """Serve the platforms, else the console. The clock is decided once, before the core
    opens: platforms keep real time; the console alone rehearses a program that is over
    (unless --at or BOT_NOW set the clock, "now" included)."""
    settings = _settings(args)
    async with open_core(settings, rehearse_if_over=not settings.platforms_configured,
                         web=settings.web_enabled) as services:
        return await serve(services, choose_adapters(services))


async def _web(args: argparse.Namespace) -> int:
    """The web pages alone (``workshop-bot web``): no platform, no reminders."""
    settings = _settings(args)
    async with open_core(settings, web=True) as services:
        return await serve_pages(services)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = _settings(args)
        quiet = args.command in ("ask", "check", "import", "export", "migrate") and \
            "LOG_LEVEL" not in _env_keys()
        configure_logging("WARNING" if quiet else settings.log_level)
        if args.command == "check":
            return _check(args)
        if args.command == "import":
            return _import(args)
        runner = {"ask": _ask, "run": _run, "web": _web, "reload": _reload, "qa": _qa,
                  "export": _export, "migrate": _migrate}[args.command]
        return asyncio.run(runner(args))
    except (ProgramError, SettingsError) as exc:
        _say(exc.lines)
        return EXIT_USAGE
    except UsageError as exc:
        _say([str(exc)])
        return EXIT_USAGE
    except (StartupError, WriteError) as exc:
        _say([str(exc)])
        return EXIT_FAILED
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug: still one line; LOG_LEVEL=DEBUG shows where
        log.debug("unexpected error", exc_info=True)
        _say([f"unexpected error: {type(exc).__name__}: {exc} (please report it; "
              "LOG_LEVEL=DEBUG shows where it happened)"])
        return EXIT_FAILED


def _env_keys() -> set[str]:
    import os

    return {key.upper() for key in os.environ}


if __name__ == "__main__":
    sys.exit(main())
