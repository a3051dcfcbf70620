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
