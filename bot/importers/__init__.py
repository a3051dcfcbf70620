"""Reading the programs conference tools publish: pretalx and frab JSON, frab and Pentabarf
XML, iCalendar, Sessionize, and accepted-papers CSV files (``bot.program_loader`` picks
the reader by a file's content and validates what it builds)."""
