"""One serving process per SQLite file, and a warning when there are two.

SQLite is the embedded default for one process. Two ``workshop-bot run`` processes on
one file would each answer on their own, without the change notifications and the
shared receipts that PostgreSQL gives several instances (README "Scaling out"). Each
running bot holds an advisory lock on a file beside the database (``<file>.run-lock``);
the operating system lets it go when the process ends, however it ends, so a crashed
bot never leaves a stale lock behind. A bot that finds the lock taken logs one warning
and serves anyway: it may be a deliberate rehearsal beside the live bot.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path


class SqliteRunLock:
    """The lock beside an SQLite database file, held while a bot serves from it."""

    def __init__(self, database: Path) -> None:
        self.path = database.with_name(database.name + ".run-lock")
        self._fd: int | None = None

    def take(self) -> bool:
        """Take the lock; False when another live process holds it (or it cannot be made)."""
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError:
            return True  # a read-only folder: nothing to learn, nothing to warn about
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the file lets the lock go
            self._fd = None
