"""README's Layout names every module of the core and the adapters, and nothing that is
gone: a reader finds any feature on the first guess only if the map matches the tree."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def layout() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]
    return section.split("```", 2)[1]


def modules(package: str) -> set[str]:
    return {p.stem for p in (ROOT / package).glob("*.py")
            if p.stem not in ("__init__", "__main__")}


def test_every_module_is_on_the_map() -> None:
    text = layout()
    named = set(re.findall(r"[a-z_]+", text))
    for package in ("bot", "bot/answers", "bot/qa", "bot/reminders", "bot/importers", "bot/web",
                    "adapters", "adapters/slack", "adapters/discord"):
        missing = modules(package) - named
        assert not missing, f"README Layout does not name {package}/{sorted(missing)}"


def test_nothing_on_the_map_is_gone() -> None:
    for path in re.findall(r"^\s+([a-z_]+\.py)\s", layout(), flags=re.MULTILINE):
        assert list(ROOT.glob(f"**/{path}")), f"README Layout names {path}, which is gone"
