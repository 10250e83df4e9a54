"""The ``govwatch`` command line for a child process, built in one place."""

import sys


def govwatch_command(*args, python: str | None = None) -> list[str]:
    """``govwatch ARGS`` as an argument list for :mod:`subprocess`.

    It runs the CLI module with ``python`` (this interpreter by default) rather than the
    ``govwatch`` script, so a child needs no PATH and uses the same virtualenv.
    """
    return [python or sys.executable, "-m", "monitor.cli.main", *map(str, args)]
