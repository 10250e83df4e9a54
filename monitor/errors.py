"""The two kinds of error a govwatch command reports as one line."""


class UsageError(Exception):
    """Bad input from the user: printed as one line, exit status 2."""


class RunError(Exception):
    """The run could not do its job: printed as one line, exit status 1."""
