"""Q&A: a question queue per paper and talk, shared by every platform.

``service.py`` keeps the queue (asking, votes, moderation, speakers' answers) and tells
the connected platforms what changed; ``threads.py`` knows which thread is whose, also
when another process made it; ``roles.py`` says who may moderate or answer;
``blank.py`` tells text that shows nothing; ``export.py`` writes the queue as Markdown,
CSV or JSON that spreadsheets and viewers take as plain text.
"""
