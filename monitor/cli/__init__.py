"""The ``govwatch`` command: parsing arguments and dispatching to each concern's code."""
