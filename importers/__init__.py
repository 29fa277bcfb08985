"""Pure importers: bytes in, normalised references and a per-record report out.

Nothing in this package touches HTTP servers, databases, settings or the clock.
"""
