class UserFacingError(Exception):
    """An error whose message is written for the member and shown to them as it is."""
