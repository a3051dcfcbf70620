"""The bot's web side: one HTTP server (``server``) for Slack's HTTP mode, the
moderators' live dashboard and the room screens (``dashboard``, ``screen``, fed by
``live``), health and metrics, and the calendar feeds (``feeds``); ``keys`` signs what
the pages trust and ``links`` makes the addresses the bot hands out."""
