"""Errors a user can cause: caught once in cli.main and printed as a plain sentence."""


class UserError(Exception):
    """A refused action: bad value, unknown person, a rule broken. Exit code 1, nothing written."""

    exit_code = 1
