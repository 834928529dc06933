"""Adapters for mail going out and coming in: SMTP and DKIM (sending), mailbox readers (inbound)."""
