"""The public pages recipients reach without an API key (``web.pages``), and the mail they may get
(``web.mailer``). Server-rendered with Jinja2, accessible, and complete without JavaScript."""
