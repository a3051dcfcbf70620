"""The ``workshop-bot`` command: ``run`` the bot, ``ask`` one question, ``check`` a program,
``reload`` it, ``import`` exports into our YAML, ``export ics``, ``qa`` setup and export,
and ``migrate`` the database.

Exit status: 0 on success, 2 for bad input (a program file, a setting, an option), 1 when
the bot could not run (e.g. the database is unreachable; for ``migrate``, whose only input
is the database, that is 2). Errors are one line each.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from bot.app import (
    StartupError,
    choose_adapters,
    open_core,
    reload_program,
    run_alongside,
    serve,
)
from bot.calendar_export import program_calendar
from bot.clock import SimulatedClock
from bot.messages import IncomingMessage, UserRef
from bot.program_file import ProgramError, counts, counts_text, dump_program
from bot.program_loader import YAML, Piece, combine, load_program_file, validate_piece
from bot.render_text import render
from bot.settings import (
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


class UsageError(Exception):
    """A bad command-line value."""


def _instant(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO 8601 time; write e.g. 2021-12-13T10:15:00-08:00"
        ) from None
    if value.utcoffset() is None:
        raise argparse.ArgumentTypeError(
            f"{text!r} has no UTC offset; write e.g. 2021-12-13T10:15:00-08:00"
        )
    return value


def _speed(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 < value <= 100_000:
        raise argparse.ArgumentTypeError("the speed must be above 0 and at most 100000")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="workshop-bot",
        description="A community bot for academic workshops: schedule answers, reminders "
        "and Q&A on Discord, Slack and a console.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    zone_option = argparse.ArgumentParser(add_help=False)
    zone_option.add_argument(
        "--program-timezone", metavar="ZONE",
        help="the zone of a program whose times carry no offset or zone (Sessionize, "
        "Pentabarf XML), and its zone when the file names none ($BOT_PROGRAM_TIMEZONE)")
    program = argparse.ArgumentParser(add_help=False, parents=[zone_option])
    program.add_argument("--program", type=Path, metavar="FILE",
                         help="program file: our YAML, a pretalx / frab JSON or XML export, "
                         "an iCalendar file or a Sessionize export (default: $BOT_PROGRAM or "
                         "the bundled program)")
    clock = argparse.ArgumentParser(add_help=False)
    clock.add_argument("--at", type=_instant, metavar="ISO",
                       help="pretend it is this instant, e.g. 2021-12-13T08:45-08:00 ($BOT_NOW)")

    run = commands.add_parser(
        "run", parents=[program, clock],
        help="run the bot: Discord and Slack when configured, else a console chat",
        description="Run the bot. Discord and Slack start when their tokens are set; with "
        "none, an interactive console chat starts on the program.",
    )
    run.add_argument("--speed", type=_speed, metavar="N",
                     help="run the clock N times faster from --at ($BOT_SPEED)")
    run.add_argument("--console", action="store_true", default=None,
                     help="start the console chat beside the platforms ($BOT_CONSOLE)")

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


def _warn(lines: Sequence[str]) -> None:
    for line in lines:
        print(f"workshop-bot: warning: {line}", file=sys.stderr)


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

    def progress(piece: Piece) -> None:
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
    if args.output is None:
        sys.stdout.write(text)
        print(f"{spec.workshop.name}: {summary}", file=sys.stderr)
    else:
        args.output.write_text(text, encoding="utf-8")
        print(f"Wrote {args.output}: {spec.workshop.name}, {summary}", file=sys.stderr)
    return EXIT_OK


async def _export(args: argparse.Namespace) -> int:
    settings = _settings(args)
    async with open_core(settings) as core:
        program = core.catalog.current.program
        data = program_calendar(program, core.clock.now())
    if args.output is None:
        sys.stdout.buffer.write(data)
    else:
        args.output.write_bytes(data)
        print(f"Wrote {args.output}: {len(program.scheduled)} sessions of "
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
    async with open_core(settings, clock) as core:
        user = UserRef("console", getpass.getuser())  # the same person as in the console
        reply = await core.router.handle(IncomingMessage(user, args.text, zone=zone))
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
    print(f"Running bots follow within {settings.bot_reload_poll:g} s and tell subscribers once.")
    return EXIT_OK


async def _qa(args: argparse.Namespace) -> int:
    settings = _settings(args)
    async with open_core(settings) as core:
        operator = UserRef("cli", getpass.getuser(), getpass.getuser())  # a moderator
        if args.qa_command == "export":
            words = f"export {args.what} {args.format}"
            reply = await core.router.handle(IncomingMessage(operator, words, command="qa"))
            if reply.attachment is None:
                raise UsageError(render(reply).splitlines()[0])
            if args.output is None:
                sys.stdout.buffer.write(reply.attachment.data)
            else:
                args.output.write_bytes(reply.attachment.data)
                print(f"Wrote {args.output} ({len(reply.attachment.data):,} bytes)")
            return EXIT_OK
        adapters = [a for a in choose_adapters(core) if not a.fallback]
        if not adapters:
            raise UsageError("no platform is configured: set DISCORD_TOKEN and/or "
                             "SLACK_BOT_TOKEN (see README)")
        reply = await run_alongside(core, adapters, core.router.handle(
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
    settings = _settings(args)
    async with open_core(settings) as core:
        return await serve(core, choose_adapters(core))


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
        runner = {"ask": _ask, "run": _run, "reload": _reload, "qa": _qa,
                  "export": _export, "migrate": _migrate}[args.command]
        return asyncio.run(runner(args))
    except (ProgramError, SettingsError) as exc:
        for line in exc.lines:
            print(f"workshop-bot: {line}", file=sys.stderr)
        return EXIT_USAGE
    except UsageError as exc:
        print(f"workshop-bot: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except StartupError as exc:
        print(f"workshop-bot: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return 130


def _env_keys() -> set[str]:
    import os

    return {key.upper() for key in os.environ}


if __name__ == "__main__":
    sys.exit(main())
