"""A plain install carries everything the bot reads at run time: the wheel built from
this project holds the bundled program and the migrations, and the package unpacked from
it (as ``pip install`` puts it in site-packages) finds its program with
importlib.resources, answers and migrates from any folder, with no checkout around.

The wheel is built with the venv's own setuptools (a dev dependency, no build isolation),
so the test downloads nothing; installing it into a fresh venv is left out for speed:
that would only add the dependencies, which the test's own venv already has."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from bot.store.migrations.apply import head_revision
from tests.support import ROOT

CLEAN = {k: v for k, v in os.environ.items()
         if not k.startswith(("BOT_", "DATABASE_", "DISCORD_", "SLACK_", "LOG_", "PYTHON"))}
MIGRATIONS = sorted(p.name for p in (ROOT / "bot" / "store" / "migrations" / "versions")
                    .glob("[0-9]*.py"))


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel of a copy of the project's sources (a build in the checkout itself
    would leave build/ behind and race other test runs)."""
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    for package in ("bot", "adapters"):
        shutil.copytree(ROOT / package, source / package,
                        ignore=shutil.ignore_patterns("__pycache__"))
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
         str(source),
         "--wheel-dir", str(out)],
        env=CLEAN, capture_output=True, text=True, timeout=600, check=False,
    )
    assert done.returncode == 0, done.stderr
    (built,) = out.glob("workshop_bot-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel unpacked, as pip lays it out in site-packages."""
    site = tmp_path_factory.mktemp("site-packages")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    return site


def test_the_wheel_carries_the_program_and_the_migrations(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        entry_points = next(archive.read(n).decode() for n in names
                            if n.endswith(".dist-info/entry_points.txt"))
    assert "bot/bundled/program.yaml" in names
    assert "bot/start_guards.json" in names  # read at start-up (bot.cheap_patterns)
    for needed in ("env.py", "script.py.mako", "apply.py", "baseline.py", "versions/__init__.py"):
        assert f"bot/store/migrations/{needed}" in names
    assert MIGRATIONS and all(f"bot/store/migrations/versions/{name}" in names
                              for name in MIGRATIONS)
    assert not any(name.startswith(("config/", "tests/", "bench/")) for name in names)
    assert "workshop-bot = bot.cli:main" in entry_points


def _python(site: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The installed package first on the path, run from a folder with no checkout."""
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env={**CLEAN, "PYTHONPATH": str(site)},
        input="", capture_output=True, text=True, timeout=120, check=False,
    )


def test_the_installed_package_finds_its_program_with_importlib_resources(
    installed: Path, tmp_path: Path,
) -> None:
    done = _python(installed, tmp_path, "-c",
                   "import bot, bot.settings; print(bot.__file__); "
                   "print(bot.settings.BUNDLED_PROGRAM)")
    assert done.returncode == 0, done.stderr
    package, program = done.stdout.splitlines()
    assert Path(package) == installed / "bot" / "__init__.py"  # not the checkout
    assert Path(program) == installed / "bot" / "bundled" / "program.yaml"


def test_the_installed_bot_checks_answers_and_migrates_from_another_folder(
    installed: Path, tmp_path: Path,
) -> None:
    program = installed / "bot" / "bundled" / "program.yaml"
    check = _python(installed, tmp_path, "-m", "bot", "check")
    assert check.returncode == 0, check.stderr
    assert check.stdout == f"{program}: OK: ML for Systems, 9 sessions, 13 papers\n"

    ask = _python(installed, tmp_path, "-m", "bot", "ask", "what's on now?",
                  "--at", "2021-12-13T16:35:00-08:00")
    assert ask.returncode == 0, ask.stderr
    assert "Autotuning a production ML compiler" in ask.stdout
    assert (tmp_path / "data" / "workshop-bot.db").is_file()

    migrate = _python(installed, tmp_path, "-m", "bot", "migrate")
    assert migrate.returncode == 0, migrate.stderr
    assert migrate.stdout.endswith(f"already up to date at revision {head_revision()}\n")
