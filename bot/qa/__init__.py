"""Q&A: a question queue per paper and talk, shared by every platform.

``service.py`` keeps the queue (asking, votes, moderation, speakers' answers) and tells
the connected platforms what changed; ``roles.py`` says who may moderate or answer;
``export.py`` writes the queue as Markdown, CSV or JSON.
"""
