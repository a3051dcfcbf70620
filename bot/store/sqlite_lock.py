"""One serving process per SQLite file, and a warning when there are two.

SQLite is the embedded default for one process. Two ``workshop-bot run`` processes on
one file would each answer on their own, without the change notifications and the
shared receipts that PostgreSQL gives several instances (README "Scaling out"). Each
running bot holds a shared advisory lock on a file beside the database
(``<file>.run-lock``), and a bot joining learns whether any other holds one (see
:meth:`SqliteRunLock.take`); the operating system lets a lock go when its process ends,
however it ends, so a crashed bot never leaves a stale one behind. A bot that finds
another one there logs one warning and serves anyway: it may be a deliberate rehearsal
beside the live bot.
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
        """Join the bots serving from this file; False when another live one already is.

        Every serving bot holds a shared lock for its lifetime. Joining asks for the
        exclusive lock first, without waiting: it is granted only when no other bot
        holds the shared one, and is then turned into a shared lock itself. So the third
        bot of three still sees the second after the first has stopped."""
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError:
            return True  # a read-only folder: nothing to learn, nothing to warn about
        self._fd = fd
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fcntl.flock(fd, fcntl.LOCK_SH)  # others' shared locks let it in at once
            return False
        fcntl.flock(fd, fcntl.LOCK_SH)
        return True

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the file lets the lock go
            self._fd = None
