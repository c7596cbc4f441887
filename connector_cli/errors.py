"""Errors a user can cause: caught once in cli.main and printed as a plain sentence."""


class UserError(Exception):
    """A refused action: bad value, unknown person, a rule broken. Exit code 1, nothing written."""

    exit_code = 1


class AmbiguousPerson(UserError):
    """A name fragment matching several people; `matches` holds their rows (a picker at a
    terminal offers them)."""

    def __init__(self, message: str, matches: list) -> None:
        super().__init__(message)
        self.matches = matches
