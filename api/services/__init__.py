"""Use cases, one transaction each: they flush, the request boundary commits."""
