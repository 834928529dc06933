"""The public pages recipients reach without an API key (``web.pages``); the mail they may get is
composed and sent by ``messaging``. Server-rendered with Jinja2, accessible, and complete without JavaScript."""
