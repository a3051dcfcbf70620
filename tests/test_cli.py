"""The ``workshop-bot`` command run as a subprocess: ask, check, run (the console), the
exit codes, and one-line errors for bad settings and options."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import BUNDLED_PROGRAM

SETTINGS = ("DATABASE_URL", "BOT_PROGRAM", "BOT_TIMEZONE", "BOT_NOW", "BOT_SPEED", "BOT_CONSOLE",
            "LOG_LEVEL", "DISCORD_TOKEN", "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN")


def bot(
    *args: str, cwd: Path, env: dict[str, str] | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in SETTINGS}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd, env={**clean, **(env or {})}, input=stdin if stdin is not None else "",
        capture_output=True, text=True, timeout=60, check=False,
    )


def test_ask_prints_the_answer_and_creates_the_default_database(tmp_path: Path) -> None:
    done = bot("ask", "when is Luis Ceze's talk?", "--at", "2021-12-13T10:00:00-08:00",
               "--tz", "Europe/Berlin", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Tue 14 Dec, 00:50 – 01:25 CET (in 5 h 50 min)" in done.stdout
    assert done.stderr == ""
    assert (tmp_path / "data" / "workshop-bot.db").is_file()


def test_ask_reads_the_clock_and_zone_from_the_environment(tmp_path: Path) -> None:
    env = {"BOT_NOW": "2021-12-13T16:35:00-08:00", "BOT_TIMEZONE": "Asia/Tokyo"}
    done = bot("ask", "what's on now?", cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    assert "Autotuning a production ML compiler" in done.stdout
    assert "09:30 – 10:00 JST (now, ends in 25 min)" in done.stdout


def test_check_accepts_the_bundled_program(tmp_path: Path) -> None:
    done = bot("check", cwd=tmp_path)
    assert done.returncode == 0
    assert done.stdout.strip() == f"{BUNDLED_PROGRAM}: OK: ML for Systems, 9 sessions, 13 papers"
    assert not (tmp_path / "data").exists()  # check writes nothing


def test_check_reports_each_problem_on_one_line_and_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    text = BUNDLED_PROGRAM.read_text().replace("timezone: America/Los_Angeles",
                                                "timezone: America/Los_Angles")
    bad.write_text(text.replace("    title: Lunch Break", "    titel: Lunch Break"))
    done = bot("check", "--program", str(bad), cwd=tmp_path)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert lines[0].startswith(f"workshop-bot: {bad}: workshop.timezone: unknown timezone "
                               "'America/Los_Angles'; did you mean America/Los_Angeles")
    assert any(f"{bad}: schedule[4] (id 'lunch'): titel: unknown key" in line for line in lines)
    assert any("schedule[4] (id 'lunch'): title: missing" in line for line in lines)


def test_ask_with_a_bad_program_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("workshop: {id: demo}\n")
    done = bot("ask", "now", "--program", str(bad), cwd=tmp_path)
    assert done.returncode == 2
    assert "workshop.name: missing" in done.stderr
    assert not (tmp_path / "data").exists()


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DATABASE_URL": "mysql://root@localhost/x"}, "DATABASE_URL: unsupported database"),
        ({"DATABASE_URL": "::::"}, "DATABASE_URL: cannot parse"),
        ({"BOT_TIMEZONE": "Europe/Berln"}, "BOT_TIMEZONE: unknown timezone 'Europe/Berln'"),
        ({"BOT_NOW": "2021-12-13T10:00"}, "BOT_NOW: 2021-12-13T10:00:00 has no UTC offset"),
        ({"BOT_NOW": "yesterday"}, "BOT_NOW: Input should be a valid datetime"),
        ({"BOT_SPEED": "-3"}, "BOT_SPEED: Input should be greater than or equal to 0"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL: 'LOUD' is not a log level"),
    ],
)
def test_bad_settings_are_one_line_and_exit_2(
    tmp_path: Path, env: dict[str, str], message: str
) -> None:
    done = bot("ask", "now", cwd=tmp_path, env=env)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [done.stderr.strip()]
    assert done.stderr.startswith(f"workshop-bot: {message}")


def test_settings_come_from_a_dotenv_file(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("BOT_TIMEZONE=America/New_York\n"
                                   "BOT_NOW=2021-12-13T09:35:00-08:00\n")
    done = bot("ask", "now", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "12:30 PM – 1:05 PM EST" in done.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ask", "now", "--tz", "Nowhere/Land"], "--tz: unknown timezone 'Nowhere/Land'"),
        (["ask", "now", "--at", "soon"], "'soon' is not an ISO 8601 time"),
        (["run", "--speed", "0"], "the speed must be above 0"),
    ],
)
def test_bad_options_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    done = bot(*args, cwd=tmp_path)
    assert done.returncode == 2
    assert message in done.stderr


def test_an_unreachable_database_is_one_line_and_exit_1(tmp_path: Path) -> None:
    env = {"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/nothing"}
    done = bot("ask", "now", cwd=tmp_path, env=env)
    assert done.returncode == 1
    assert done.stderr.startswith("workshop-bot: cannot use the database postgresql+asyncpg://")
    assert len(done.stderr.strip().splitlines()) == 1


def test_run_starts_the_console_on_the_simulated_clock(tmp_path: Path) -> None:
    session = "what's next?\ntz Asia/Tokyo\nwhen is kraska\n\nquit\n"
    done = bot("run", "--at", "2021-12-13T08:45:00-08:00", "--speed", "60",
               cwd=tmp_path, stdin=session)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.startswith("Workshop Bot · ML for Systems (NeurIPS 2021) · Monday 13 December 2021")
    assert "Simulated time: 8:45 AM PST, running 60× real time." in out
    assert "Opening Remarks\n  9:00 AM – 9:25 AM PST (in 1" in out  # about 15 min of sim time
    assert "Saved: times are now shown in Asia/Tokyo" in out
    assert "02:30 – 03:05 JST" in out
    assert out.rstrip().endswith("Bye!")
    assert "console adapter starting" in done.stderr


def test_run_ends_cleanly_at_the_end_of_input(tmp_path: Path) -> None:
    done = bot("run", cwd=tmp_path, stdin="help\n")
    assert done.returncode == 0, done.stderr
    assert "I answer questions about ML for Systems" in done.stdout
    assert done.stdout.rstrip().endswith("Bye!")  # a reminder due then is not printed after


def test_a_console_alone_rehearses_the_bundled_program_which_is_over(tmp_path: Path) -> None:
    done = bot("run", cwd=tmp_path, stdin="what's next?\nremind kraska 5m\n")
    assert done.returncode == 0, done.stderr
    banner = done.stdout.splitlines()[:3]
    assert banner[0] == "Workshop Bot · ML for Systems (NeurIPS 2021) · Monday 13 December 2021"
    assert banner[1].startswith("Rehearsal clock: the program ended ")
    assert banner[1].endswith(" ago, so the clock starts at 8:30 AM PST on its first day and "
                              "runs 1× real time; for the real clock, start with --at now (or "
                              "BOT_NOW=now).")
    assert "Next up:\n• Opening Remarks\n  9:00 AM – 9:25 AM PST (in 30 min)" in done.stdout
    assert "I'll remind you 5 min before “Talk by Tim Kraska (title TBD)”, at 9:25 AM PST" \
        in done.stdout


@pytest.mark.parametrize(("args", "env"), [(("--at", "now"), {}), ((), {"BOT_NOW": "now"})])
def test_now_keeps_the_console_on_the_real_clock(
    tmp_path: Path, args: tuple[str, ...], env: dict[str, str]
) -> None:
    done = bot("run", *args, cwd=tmp_path, env=env, stdin="what's next?\n")
    assert done.returncode == 0, done.stderr
    assert "Rehearsal" not in done.stdout and "Simulated" not in done.stdout
    assert "Nothing else is scheduled: the last session ended Mon 13 Dec 2021, 5:55 PM PST (" \
        in done.stdout


def test_the_console_saves_an_export_next_to_it(tmp_path: Path) -> None:
    done = bot("run", cwd=tmp_path, stdin="qa export all csv\n")
    assert done.returncode == 0, done.stderr
    saved = tmp_path / "exports" / "questions-mlforsys-2021.csv"
    assert f"Saved {saved.resolve()} ({saved.stat().st_size:,} bytes)." in done.stdout  # in full
    header = next(csv.reader(saved.read_text().splitlines()))
    assert header[:8] == ["id", "item", "title", "question", "votes", "status", "platform",
                          "asked_at"]


def test_a_bad_option_is_one_line_naming_the_option(tmp_path: Path) -> None:
    done = bot("ask", "now", "--at", "0001-01-01T00:00:00+00:00", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr == ("workshop-bot: argument --at: 0001-01-01T00:00:00+00:00 is outside "
                           "the years 1970 to 2999, the only ones the bot keeps time in (see "
                           "workshop-bot ask --help)\n")
    long = bot("export", "x" * 100_000, cwd=tmp_path)
    assert long.returncode == 2
    assert long.stderr.startswith("workshop-bot: argument FORMAT: invalid choice: 'xxx")
    assert len(long.stderr) < 600 and long.stderr.count("\n") == 1


def test_an_sslmode_is_given_to_postgresql_as_asyncpg_spells_it(
        tmp_path: Path, postgres_url: str | None) -> None:
    if postgres_url is None:
        pytest.skip("needs TEST_DATABASE_URL")
    env = {"DATABASE_URL": f"{postgres_url}?sslmode=disable"}
    done = bot("ask", "when is kraska?", "--at", "2021-12-13T09:00:00-08:00", cwd=tmp_path,
               env=env)
    assert done.returncode == 0, done.stderr
    assert "Tim Kraska" in done.stdout


def test_outputs_are_written_whole_with_the_usual_permissions(tmp_path: Path) -> None:
    out = tmp_path / "program.ics"
    done = bot("export", "ics", "-o", str(out), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(b"BEGIN:VCALENDAR")
    mask = os.umask(0)
    os.umask(mask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~mask
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "program.ics"]
