"""Errors a user can act on. The CLI prints them as one line and exits with
the code each class names; anything else is a bug."""


class ClaimgraphError(Exception):
    exit_code = 1


class UsageError(ClaimgraphError):
    """A bad option or argument value."""

    exit_code = 2


class InputError(ClaimgraphError):
    """An input that cannot be read or analysed: missing, empty, binary, too long."""

    exit_code = 3


class ResourceError(ClaimgraphError):
    """A resource (spaCy model, lexicon) is missing or broken."""

    exit_code = 4
