class SearchBackend:
    """What every backend offers. Indexing and querying arrive with the search issue."""

    name = "base"

    def __init__(self, options: dict):
        self.options = options

    def health(self) -> dict:
        """Return details when the backend can serve queries; raise when it cannot."""
        raise NotImplementedError
