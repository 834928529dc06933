"""Adapters of the outreach loop (architecture: ``outreach/``): SMTP sending, DKIM, templates, and
the readers of what comes back.

* ``template``: the message template file (TOML: subject, text, HTML; Jinja2, sandboxed).
* ``compose``: one recipient's message — the footer and headers the decision requires.
* ``dkim``: DKIM signatures (dkimpy canonicalisation, OpenSSL for RSA).
* ``smtp``: one SMTP connection for a whole send, retries on 4xx, a verdict per message.
* ``ratelimit``: messages per second and per hour.
* ``inbox``: a received message (raw RFC 5322) read for the reply classifier (``domain.replies``).
* ``mailboxes``: mbox, Maildir, a directory of ``.eml`` files, one ``.eml`` → raw messages.

The loop itself — re-decide, compose, claim in the send log, deliver, record — is the command
``commands.send``; the send log is ``store.outreach.send_log``. What comes back is processed by
``commands.inbound`` into the inbound log (``store.outreach.inbound_log``).
"""
