"""The one mail the public pages send: the verification link of a privacy request.

It says who asked for what, how long the link works and that ignoring it does nothing; it names no
data the workspace holds (the form answers the same whether or not the address is known).
"""

from __future__ import annotations

from email.message import EmailMessage

from lawfulreach.messaging.compose import compose

SUBJECT = "Confirm your privacy request"


def verification_message(
    *, sender: str, to: str, organisation: str, request_type: str, hours: int, link: str
) -> EmailMessage:
    """The message asking ``to`` to confirm a ``request_type`` request by opening ``link``."""
    text = (
        f"Someone asked {organisation} to act on a privacy request for this email address "
        f"({request_type.replace('_', ' ')}).\n\n"
        f"If that was you, confirm the request within {hours} hours by opening this link:\n\n{link}\n\n"
        "The link works once. If you did not ask for this, ignore this message: nothing will happen.\n"
    )
    return compose(sender, to, SUBJECT, text)
