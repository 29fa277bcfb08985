"""Data extraction: forms, entries per study and person, consensus, exports of extracted data."""
