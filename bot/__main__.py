"""``python -m bot`` is the same as the ``workshop-bot`` command."""

import sys

from bot.cli import main

sys.exit(main())
