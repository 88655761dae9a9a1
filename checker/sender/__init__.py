"""The sender's side (issue 11): a sender domain as receivers judge it: SPF, DMARC, DKIM, MX (sans-I/O core).

DNS is asked for, never done here: see ``checker.sender.dns``.
"""
