"""The program currently being served, with its search index, swapped whole on reload.

Answers read ``catalog.current`` once per question, so a reload in the middle of a
question can never mix two versions of the program.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.matching import ProgramIndex
from bot.program import Program


@dataclass(frozen=True, slots=True)
class Snapshot:
    program: Program
    index: ProgramIndex


class Catalog:
    def __init__(self, program: Program) -> None:
        self.current = Snapshot(program, ProgramIndex(program))

    def replace(self, program: Program) -> None:
        self.current = Snapshot(program, ProgramIndex(program))
