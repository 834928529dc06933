"""Adapters of the outreach loop (architecture: ``outreach/``): mail going out and coming in.

Sending:

* ``template``: the message template file (TOML: subject, text, HTML; Jinja2, sandboxed).
* ``compose``: one recipient's message — the footer and headers the decision requires.
* ``dkim``: DKIM signatures (dkimpy canonicalisation, OpenSSL for RSA).
* ``smtp``: one SMTP connection for a whole send, retries on 4xx, a verdict per message.
* ``ratelimit``: messages per second and per hour.

Receiving: ``inbox`` reads a received message for the reply classifier (``domain.replies``);
``mailboxes`` reads mbox, Maildir and ``.eml`` files.

The loops themselves — re-decide, compose, claim in the send log, deliver, record; classify a reply
and record what it causes — are the commands ``commands.send`` and ``commands.inbound``; the logs are
``store.outreach.send_log`` and ``store.outreach.inbound_log``.
"""
