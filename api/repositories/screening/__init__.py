"""Screening SQL: the decision log and resolutions, the stored stage state, ranking, views."""
