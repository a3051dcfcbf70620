"""Answer handlers: one module per family of questions, each a plain function from an
:class:`~bot.answers.context.Ask` (program, asker's zone, now) and an argument to a
:class:`~bot.messages.Reply`. They never touch a platform or the database.
"""
