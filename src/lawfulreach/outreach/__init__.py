"""Adapters of the outreach loop (architecture: ``outreach/``): SMTP sending, DKIM, templates.

* ``template``: the message template file (TOML: subject, text, HTML; Jinja2, sandboxed).
* ``compose``: one recipient's message — the footer and headers the decision requires.
* ``dkim``: DKIM signatures (dkimpy canonicalisation, OpenSSL for RSA).
* ``smtp``: one SMTP connection for a whole send, retries on 4xx, a verdict per message.
* ``ratelimit``: messages per second and per hour.

The loop itself — re-decide, compose, claim in the send log, deliver, record — is the command
``commands.send``; the send log is ``store.outreach.send_log``.
"""
