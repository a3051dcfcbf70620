"""The organizer's side of other formats, as subprocesses: `check`, `reload`, `import`
and `export ics` on real exports, and bad files refused with one line each, exit status
2 and the database untouched."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import icalendar
import pytest

from tests.test_cli import bot
from tests.test_importers import DATA, SESSIONIZE

XML = (DATA / "frab-31c3-2014.xml").read_bytes()
PRETALX = (DATA / "pretalx-democon.json").read_text()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


BAD_FILES = [
    ("truncated.json", PRETALX[: len(PRETALX) // 2], "not valid JSON"),
    ("truncated.xml", XML[: len(XML) // 3].decode("utf-8", "ignore"), "not valid XML"),
    ("bomb.xml", '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
     '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
     '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
     "<schedule><conference><title>&lol3;</title></conference></schedule>",
     "refused: the XML declares or refers to entities"),
    ("external.xml", '<?xml version="1.0"?><!DOCTYPE s [<!ENTITY x SYSTEM '
     '"file:///etc/passwd">]><schedule><conference><title>&x;</title></conference>'
     "</schedule>", "refused: the XML declares or refers to entities"),
    ("empty.ics", "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//EN\r\nEND:VCALENDAR\r\n",
     "the calendar holds no events (no VEVENT)"),
    ("nostart.ics", "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//EN\r\nBEGIN:VEVENT\r\n"
     "UID:a@b\r\nSUMMARY:Keynote\r\nDTSTAMP:20240101T000000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
     "event a@b ('Keynote'): DTSTART: missing: the event has no start"),
    ("sessionize.json", json.dumps(SESSIONIZE),
     "carry no UTC offset and it names no time zone; name the zone with --program-timezone"),
    ("nostart.json", json.dumps({"schedule": {"version": "1", "conference": {
        "title": "X", "acronym": "x", "days": [{"date": "2024-01-01", "rooms": {"A": [
            {"guid": "g1", "title": "No time", "duration": "00:30"}]}}]}}}),
     "event g1 ('No time'): date: missing: the event has no start time"),
]


@pytest.mark.parametrize(("name", "text", "expected"), BAD_FILES,
                         ids=[name for name, _, _ in BAD_FILES])
def test_a_bad_file_gets_one_line_exit_2_and_the_database_is_untouched(
        tmp_path: Path, name: str, text: str, expected: str) -> None:
    loaded = bot("reload", cwd=tmp_path)  # the bundled program, in data/workshop-bot.db
    assert loaded.returncode == 0, loaded.stderr
    database = tmp_path / "data" / "workshop-bot.db"
    before = _digest(database)
    path = tmp_path / name
    path.write_text(text)
    for command in ("check", "reload", "ask"):
        args = [command, "--program", str(path)] + (["what's on now?"] if command == "ask" else [])
        done = bot(*args, cwd=tmp_path)
        assert done.returncode == 2, (command, done.stdout, done.stderr)
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1, lines
        assert lines[0].startswith(f"workshop-bot: {path}: ")
        assert expected in lines[0]
        assert done.stdout == ""
    assert _digest(database) == before


def test_every_problem_of_a_file_at_once(tmp_path: Path) -> None:
    events = [{"guid": f"g{n}", "title": f"Event {n}", "date": "2024-01-01T10:00:00+01:00",
               "duration": "soon"} for n in range(3)]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"schedule": {"version": "1", "conference": {
        "title": "X", "acronym": "x", "days": [{"date": "2024-01-01", "rooms": {"A": events}}]}}}))
    done = bot("check", "--program", str(path), cwd=tmp_path)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert [line.split(": ", 2)[2] for line in lines] == [
        f"event g{n} ('Event {n}'): duration: 'soon' is not a duration like 00:30, and there "
        "is no 'end'" for n in range(3)]


def test_overlapping_events_in_a_room_are_named_by_the_export(tmp_path: Path) -> None:
    events = [{"guid": "first", "id": 1, "title": "One", "date": "2024-01-01T10:00:00+01:00",
               "duration": "01:00"},
              {"guid": "second", "id": 2, "title": "Two", "date": "2024-01-01T10:30:00+01:00",
               "duration": "00:30"}]
    path = tmp_path / "overlap.json"
    path.write_text(json.dumps({"schedule": {"version": "1", "conference": {
        "title": "X", "acronym": "x", "days": [{"date": "2024-01-01", "rooms": {"A": events}}]}}}))
    done = bot("check", "--program", str(path), cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip() == (
        f"workshop-bot: {path}: event 2 ('Two'): start: overlaps event 1 ('One') "
        "(2024-01-01T10:00:00+01:00 to 2024-01-01T11:00:00+01:00) in room 'A'")


def test_check_reads_an_export_and_warns_in_one_line(tmp_path: Path) -> None:
    done = bot("check", "--program", str(DATA / "pretalx-democon.json"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith(
        "OK: DemoCon, 36 sessions, 0 papers, 2 rooms, 3 days (read as pretalx / frab schedule "
        "JSON)")
    (warning,) = done.stderr.strip().splitlines()
    assert warning.startswith("workshop-bot: warning: ") and "+01:00" in warning


def test_import_writes_yaml_that_reads_back_the_same(tmp_path: Path) -> None:
    papers = tmp_path / "papers.csv"
    papers.write_text("id,title,authors\n1,Lightning talk notes,Ada Lovelace\n")
    out = tmp_path / "program.yaml"
    done = bot("import", str(DATA / "frab-31c3-2014.xml"), str(papers), "-o", str(out),
               "--program-timezone", "Europe/Berlin", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    progress = done.stderr.strip().splitlines()
    assert progress == [
        f"Read {DATA / 'frab-31c3-2014.xml'}: frab / Pentabarf schedule XML, 138 events, 0 papers",
        f"Read {papers}: papers CSV, 0 events, 1 paper",
        f"Wrote {out}: 31. Chaos Communication Congress, 138 events, 4 rooms, 4 days, "
        "198 people, 1 paper",
    ]
    text = out.read_text()
    assert text.startswith("# Workshop Bot program, written by `workshop-bot import`")
    assert "timezone: Europe/Berlin" in text and "day: 2014-12-27" in text
    again = bot("check", "--program", str(out), cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == (f"{out}: OK: 31. Chaos Communication Congress, 138 sessions, "
                                    "1 paper, 4 rooms, 4 days")
    refused = bot("import", str(DATA / "frab-31c3-2014.xml"), "-o", str(out), cwd=tmp_path)
    assert refused.returncode == 2
    assert refused.stderr.strip() == f"workshop-bot: {out} exists; pass --force to overwrite it"
    forced = bot("import", str(DATA / "frab-31c3-2014.xml"), "-o", str(out), "--force",
                 cwd=tmp_path)
    assert forced.returncode == 0, forced.stderr


def test_ask_on_an_export_by_setting(tmp_path: Path) -> None:
    env = {"BOT_PROGRAM": str(DATA / "frab-31c3-2014.xml"), "BOT_PROGRAM_TIMEZONE": "Europe/Berlin"}
    done = bot("ask", "what's on now?", "--at", "2014-12-28T14:10:00+01:00", cwd=tmp_path,
               env=env)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "On now, in 4 rooms:"
    assert "• 14:00 – 15:00 CET (now, ends in 50 min) · Saal 1 · Security Analysis of " \
           "Estonia's Internet Voting System — J. Alex Halderman" in lines
    bad = bot("ask", "now", "--program-timezone", "Mars/Olympus", cwd=tmp_path, env=env)
    assert bad.returncode == 2
    assert bad.stderr.startswith("workshop-bot: --program-timezone: unknown timezone "
                                 "'Mars/Olympus'")


def test_export_ics_parses_back_with_the_same_instants_and_uids(tmp_path: Path) -> None:
    first, second = tmp_path / "a.ics", tmp_path / "b.ics"
    for out in (first, second):
        done = bot("export", "ics", "-o", str(out), cwd=tmp_path)
        assert done.returncode == 0, done.stderr
    calendar = icalendar.Calendar.from_ical(first.read_bytes())
    events = calendar.walk("VEVENT")
    assert len(events) == 9
    assert [tz.tz_name for tz in calendar.timezones] == ["America/Los_Angeles"]
    kraska = next(e for e in events if "Kraska" in str(e["SUMMARY"]))
    assert kraska.start.isoformat() == "2021-12-13T09:30:00-08:00"
    assert str(kraska["DTSTART"].params["TZID"]) == "America/Los_Angeles"
    assert kraska.end.isoformat() == "2021-12-13T10:05:00-08:00"
    assert str(kraska["UID"]) == "kraska-talk@mlforsys-2021.workshop-bot"
    assert "Speaker: Tim Kraska" in str(kraska["DESCRIPTION"])
    again = icalendar.Calendar.from_ical(second.read_bytes()).walk("VEVENT")
    assert [str(e["UID"]) for e in again] == [str(e["UID"]) for e in events]
    with sqlite3.connect(tmp_path / "data" / "workshop-bot.db") as db:
        assert db.execute("select count(*) from item").fetchone()[0] == 22
    stdout = bot("export", "ics", cwd=tmp_path)
    assert stdout.stdout.startswith("BEGIN:VCALENDAR")


def test_the_console_saves_the_askers_calendar(tmp_path: Path) -> None:
    done = bot("run", "--at", "2021-12-13T08:00:00-08:00", cwd=tmp_path,
               stdin="remind ceze 30m\nagenda ics\n")
    assert done.returncode == 0, done.stderr
    saved = tmp_path / "exports" / "mlforsys-2021-my-sessions.ics"
    assert f"Saved {saved.resolve()} ({saved.stat().st_size:,} bytes)." in done.stdout
    [event] = icalendar.Calendar.from_ical(saved.read_bytes()).walk("VEVENT")
    assert event.start.isoformat() == "2021-12-13T15:50:00-08:00"
    [alarm] = event.walk("VALARM")
    assert alarm["TRIGGER"].dt.total_seconds() == -30 * 60


HOSTILE = [
    ("deep.json", "[" * 100_000, "nests too deeply to be a program"),
    ("deep.yaml", "schedule: " + "[" * 20_000, "nests too deeply to be a program"),
    ("loop.yaml", "schedule_from: loop.yaml\n", "loop.yaml: is a program YAML, not a schedule "
     "export"),
    ("brokenstart.ics", "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x\r\n"
     "SUMMARY:A\r\nDTSTART:garbage\r\nDTEND:20240101T110000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
     "event x ('A'): DTSTART: 'garbage' is not a valid DTSTART"),
    ("badrule.ics", "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x\r\nSUMMARY:A\r\n"
     "DTSTART:20240101T100000Z\r\nDTEND:20240101T110000Z\r\nRRULE:FREQ=SOMETIMES\r\n"
     "END:VEVENT\r\nEND:VCALENDAR\r\n", "the calendar's repeating events cannot be read"),
    ("minutely.ics", "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x\r\nSUMMARY:A\r\n"
     "DTSTART:20240101T100000Z\r\nDTEND:20240101T110000Z\r\nRRULE:FREQ=MINUTELY\r\n"
     "END:VEVENT\r\nEND:VCALENDAR\r\n", "make more than 5000 sessions"),
    ("dupuid.ics", "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" + "".join(
        f"BEGIN:VEVENT\r\nUID:x1\r\nSUMMARY:{t}\r\nDTSTART:2024010{d}T100000Z\r\n"
        f"DTEND:2024010{d}T110000Z\r\nEND:VEVENT\r\n" for t, d in (("One", 1), ("Two", 2)))
     + "END:VCALENDAR\r\n", "event x1 ('Two'): UID: 'x1' is also the UID of event x1 ('One')"),
    ("badzone.json", json.dumps({"schedule": {"version": "1", "conference": {
        "title": "X", "acronym": "x", "time_zone_name": "Mars/Olympus", "days": [
            {"date": "2024-01-01", "rooms": {"A": [{"guid": "g", "title": "T",
                                                    "start": "10:00", "duration": "00:30"}]}}]}}}),
     "carry no UTC offset and the zone it names, 'Mars/Olympus', is not one I know"),
]


@pytest.mark.parametrize(("name", "text", "expected"), HOSTILE,
                         ids=[name for name, _, _ in HOSTILE])
def test_hostile_files_get_one_line_never_a_traceback(
        tmp_path: Path, name: str, text: str, expected: str) -> None:
    path = tmp_path / name
    path.write_text(text, newline="")
    done = bot("check", "--program", str(path), cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert expected in line and "Traceback" not in done.stderr


def test_our_own_calendar_reads_back_with_tracks_and_days(tmp_path: Path) -> None:
    out = tmp_path / "31c3.ics"
    exported = bot("export", "ics", "-o", str(out), "--program",
                   str(DATA / "frab-31c3-2014.xml"), "--program-timezone", "Europe/Berlin",
                   cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr
    for program in (DATA / "frab-31c3-2014.xml", out):
        done = bot("ask", "agenda all entertainment track", "--program", str(program),
                   "--program-timezone", "Europe/Berlin", "--at", "2014-12-28T14:10:00+01:00",
                   cwd=tmp_path, env={"DATABASE_URL": f"sqlite:///{tmp_path}/{program.name}.db"})
        assert done.returncode == 0, done.stderr
        lines = done.stdout.splitlines()
        assert lines[1:3] == ["Saturday 27 December 2014:",
                              "• 00:00 – 02:15 CET · Saal 1 · Citizenfour — Laura Poitras"]
