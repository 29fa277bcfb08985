"""SQL lives here: repositories query and flush, never commit."""
