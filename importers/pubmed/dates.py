"""Publication-date ranges for esearch slicing (``mindate``/``maxdate`` with ``datetype=pdat``)."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

# PubMed's customary "all dates" bounds ("1000/01/01"[pdat] : "3000/12/31"[pdat]).
EARLIEST = date(1000, 1, 1)
LATEST = date(3000, 12, 31)
_PUBMED_DATE = re.compile(r"^\s*(\d{4})(?:[/-](\d{1,2})(?:[/-](\d{1,2}))?)?\s*$")


@dataclass(frozen=True, slots=True)
class DateRange:
    """Inclusive range of publication days."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise ValueError(f"date range starts after it ends: {self.start} > {self.end}")

    @property
    def is_single_day(self) -> bool:
        """True when the range cannot be halved any further."""
        return self.start == self.end

    def halves(self) -> tuple[DateRange, DateRange]:
        """Two adjacent, non-overlapping ranges that together cover this one."""
        middle = self.start + timedelta(days=(self.end - self.start).days // 2)
        return DateRange(self.start, middle), DateRange(middle + timedelta(days=1), self.end)

    def params(self) -> dict[str, str]:
        """esearch parameters restricting hits to this range by publication date."""
        return {
            "datetype": "pdat",
            "mindate": self.start.strftime("%Y/%m/%d"),
            "maxdate": self.end.strftime("%Y/%m/%d"),
        }


def parse_pubmed_date(text: str, *, end: bool = False) -> date:
    """Read ``YYYY``, ``YYYY/MM`` or ``YYYY/MM/DD`` (``-`` also accepted).

    A partial date means its first day, or its last day when *end* is true, as PubMed reads
    ``maxdate=2020`` as the whole of 2020.
    """
    match = _PUBMED_DATE.match(text)
    if match is None:
        raise ValueError(f"not a PubMed date (YYYY, YYYY/MM or YYYY/MM/DD): {text!r}")
    year, month, day = (int(part) if part else None for part in match.groups())
    assert year is not None  # the pattern requires it
    if month is None:
        return date(year, 12, 31) if end else date(year, 1, 1)
    if day is None:
        return date(year, month, calendar.monthrange(year, month)[1] if end else 1)
    return date(year, month, day)


def as_date(value: date | str | None, *, end: bool) -> date | None:
    """Accept a ``date``, a PubMed date string or ``None``."""
    if value is None or isinstance(value, date):
        return value
    return parse_pubmed_date(value, end=end)


def requested_range(mindate: date | None, maxdate: date | None) -> DateRange | None:
    """The caller's range, open ends filled with PubMed's all-dates bounds; None when unbounded."""
    if mindate is None and maxdate is None:
        return None
    return DateRange(mindate or EARLIEST, maxdate or LATEST)
