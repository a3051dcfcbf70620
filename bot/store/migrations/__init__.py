"""The database's migrations (Alembic): the schema of every release, one step at a time.

``workshop-bot run`` (and every command that opens the database) and ``workshop-bot
migrate`` apply what is missing (:mod:`.apply`); a database made before migrations is
adopted at the baseline first (:mod:`.baseline`). A change to ``bot.store.tables`` needs
a new file in ``versions/``; write it from the project folder with Alembic's command line
on a database at the current head (tests/test_migrations.py fails until models and
migrations agree)::

    export DATABASE_URL=sqlite:///data/dev.db
    .venv/bin/workshop-bot migrate
    .venv/bin/alembic revision --autogenerate --rev-id 0003 -m "what changes"
"""

from __future__ import annotations

# The newest migration in versions/. Written here so that the usual start, on a database
# already there, is one query and no Alembic to load (Database.migrate); the tests hold
# it to the scripts' head, so a new migration without it fails there.
HEAD = "0005"


class NewerDatabaseError(Exception):
    """The database is at a revision this version does not know: a newer release has
    upgraded it, and this one cannot tell what its tables now mean."""

    def __init__(self, revision: str) -> None:
        super().__init__(
            f"it is at revision {revision}, which this version of the bot does not know "
            f"(its newest is {HEAD}): a newer release upgraded it; run that one, or restore "
            "a backup from before the upgrade")
        self.revision = revision
