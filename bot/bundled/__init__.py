"""What the package carries for a bot given no program: the bundled example program.

It lives inside the package, not in ``config/``, so every install carries it (a plain
``pip install`` copies packages, not the project's folders), and it is found with
:mod:`importlib.resources`, so it is found wherever the package was installed.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

PROGRAM_FILE = "program.yaml"


def program_path() -> Path:
    """The bundled program file, as a path on disk.

    A path rather than a stream because a program is served from a file: the bot watches
    it for edits and reads the files it names beside it. pip installs (wheel, sdist and
    editable alike) unpack packages onto the disk, so the resource is a file there.
    """
    resource = files(__name__).joinpath(PROGRAM_FILE)
    if not isinstance(resource, Path):  # a zipped package: no file to watch
        raise RuntimeError(f"the bundled {PROGRAM_FILE} is not a file on disk ({resource}); "
                           "install Workshop Bot unzipped or set BOT_PROGRAM")
    return resource
