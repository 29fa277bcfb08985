"""Screening use cases: the queue and votes, resolutions, the stored stage state, ranking."""
