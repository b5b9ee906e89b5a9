"""The one error customer services raise; its message is for the user."""


class CustomerError(ValueError):
    """A customer change that the rules refuse; the message is for the user."""
