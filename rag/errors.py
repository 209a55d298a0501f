"""Errors a user can act on. Each message names the problem and what to do about it."""


class NewsragError(Exception):
    """Base class: the CLI prints the message (no traceback) and exits non-zero."""


class QuestionError(NewsragError, ValueError):
    """The question is empty, too long or contains control characters. No model was called."""


class BackendError(NewsragError):
    """A model or server is missing, down or too slow; the message names the setting to change."""


class IndexNotReadyError(NewsragError):
    """No index yet, or it was built with another embedding model; the message says which command fixes it."""
