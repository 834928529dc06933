"""Readers for the message check: an ``.eml``, HTML, plain text or Markdown → ``domain.message.Message``.

``read.parse_message(data, name, kind)`` is the one entry point (the CLI's ``lint`` and ``POST
/v1/lint`` both call it); ``eml`` (the standard library's ``email`` with ``policy.default``), ``html``
(lxml) and ``text`` (plain text and Markdown, with markdown-it-py) are the formats. Anything they
cannot read is a ``MessageError``: one line, exit code 2.
"""
