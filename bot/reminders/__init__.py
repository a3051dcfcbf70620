"""Reminders: channel announcements, speaker DMs and attendees' own reminders.

The database decides (``bot/store/ledger.py``); APScheduler only wakes the bot up at the
right moments (``scheduler.py``); ``service.py`` plans who gets what and fans it out
through the platforms' messengers at a pace each platform accepts (``pacing.py``).
"""
