"""Reporting periods of an English council: months, financial quarters and financial years.

The financial year runs April to March, so `2025-26 Q1` is April to June 2025 and
`2025-26` is April 2025 to March 2026. A `Period` is immutable and ordered, and its
`label` is the canonical text used in returns, URLs and the store.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

FREQUENCIES = ("month", "quarter", "year")
FREQUENCY_NAMES = {"month": "Month", "quarter": "Quarter", "year": "Year"}
MONTHS_IN = {"month": 1, "quarter": 3, "year": 12}
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July",
               "August", "September", "October", "November", "December")

_MONTH_RE = re.compile(r"^(\d{4})[-/](\d{1,2})(?:[-/](\d{1,2}))?(?:[ T]00:00(?::00(?:\.0+)?)?)?$")
_YEAR_RE = re.compile(r"^(\d{4})\s*[-/]\s*(\d{2}|\d{4})$")
_YEAR6_RE = re.compile(r"^(\d{4})(\d{2})$")
_QUARTER_RE = re.compile(r"^(\d{4})\s*[-/]\s*(\d{2}|\d{4})\s*Q([1-4])$|^Q([1-4])\s*(\d{4})\s*[-/]\s*(\d{2}|\d{4})$",
                         re.IGNORECASE)
_NAMED_MONTH_RE = re.compile(r"^([A-Za-z]{3,9})[\s\-/]+(\d{2}|\d{4})$")


@dataclass(frozen=True, order=True)
class Period:
    """A month, financial quarter or financial year, identified by its first month."""

    year: int
    month: int
    frequency: str = "month"

    @property
    def label(self) -> str:
        """Canonical label: `2025-04`, `2025-26 Q1` or `2025-26`."""
        if self.frequency == "month":
            return f"{self.year:04d}-{self.month:02d}"
        fy = financial_year_label(self.fy_start)
        if self.frequency == "quarter":
            return f"{fy} Q{self.quarter}"
        return fy

    @property
    def fy_start(self) -> int:
        """Calendar year in which this period's financial year starts."""
        return self.year if self.month >= 4 else self.year - 1

    @property
    def quarter(self) -> int:
        """Financial quarter (1 = April to June) of this period's first month."""
        return (self.month - 4) % 12 // 3 + 1

    @property
    def start(self) -> dt.date:
        """The first day of the period."""
        return dt.date(self.year, self.month, 1)

    def months(self) -> tuple[Period, ...]:
        """The months the period covers, in order."""
        return tuple(self._month_offset(i) for i in range(MONTHS_IN[self.frequency]))

    @property
    def end_month(self) -> Period:
        """The last month of the period."""
        return self.months()[-1]

    def shift(self, steps: int) -> Period:
        """The period `steps` periods later (negative for earlier), same frequency."""
        moved = self._month_offset(steps * MONTHS_IN[self.frequency])
        return Period(moved.year, moved.month, self.frequency)

    def same_period_last_year(self) -> Period:
        """The matching period twelve months earlier."""
        return Period(self.year - 1, self.month, self.frequency)

    def containing(self, frequency: str) -> Period:
        """The period of `frequency` that contains this period's first month."""
        if frequency == "month":
            return Period(self.year, self.month, "month")
        if frequency == "quarter":
            first = 4 + 3 * (self.quarter - 1)
            return Period(self.fy_start + (first > 12), (first - 1) % 12 + 1, "quarter")
        return Period(self.fy_start, 4, "year")

    def display(self, up_to: Period | None = None) -> str:
        """Words for people: `April 2025`, `Q1 2025-26`, `2025-26`; `Q3 to November` when partial."""
        if self.frequency == "month":
            return f"{MONTH_NAMES[self.month - 1]} {self.year}"
        name = f"Q{self.quarter} {financial_year_label(self.fy_start)}" if self.frequency == "quarter" \
            else financial_year_label(self.fy_start)
        if up_to is not None and up_to != self.end_month:
            return f"{name} to {MONTH_NAMES[up_to.month - 1]} {up_to.year}"
        return name

    def _month_offset(self, months: int) -> Period:
        index = self.year * 12 + self.month - 1 + months
        return Period(index // 12, index % 12 + 1, "month")


def financial_year_label(start_year: int) -> str:
    """`2025` -> `2025-26`."""
    return f"{start_year}-{(start_year + 1) % 100:02d}"


def month(year: int, month_number: int) -> Period:
    """A month period."""
    return Period(year, month_number, "month")


def _fy_from_parts(first: str, second: str) -> int:
    start = int(first)
    end = int(second) if len(second) == 4 else (start // 100) * 100 + int(second)
    if len(second) == 2 and end < start:
        end += 100
    if end != start + 1:
        raise ValueError(f"'{first}-{second}' is not a financial year (the years must be consecutive)")
    return start


def _check_day(text: str, year: int, month_number: int, day: int) -> None:
    """Raise ValueError for a date that does not exist, such as 31 February."""
    days = calendar.monthrange(year, month_number)[1]
    if not 1 <= day <= days:
        raise ValueError(f"'{text}' is not a date: {MONTH_NAMES[month_number - 1]} {year} has {days} days")


def _is_next_year(first: str, second: str) -> bool:
    """True when `second` is the year after `first` (`2024-25`, `2024/2025`): a financial year, not a month.

    `2011-12` is therefore the financial year 2011-12, never December 2011; months are
    written `2025-04` or given as Excel dates.
    """
    start = int(first)
    return int(second) == (start + 1 if len(second) == 4 else (start + 1) % 100)


@lru_cache(maxsize=4096)
def _parse_text(text: str) -> Period:
    text = " ".join(text.split())
    if (m := _YEAR_RE.match(text)) and _is_next_year(m[1], m[2]):
        return Period(_fy_from_parts(m[1], m[2]), 4, "year")
    if m := _MONTH_RE.match(text):
        year, month_number = int(m[1]), int(m[2])
        if not 1 <= month_number <= 12:
            raise ValueError(f"'{text}' has no month {month_number}")
        if m[3] is not None:
            _check_day(text, year, month_number, int(m[3]))
        return Period(year, month_number, "month")
    if m := _QUARTER_RE.match(text):
        first, second, q = (m[1], m[2], m[3]) if m[1] else (m[5], m[6], m[4])
        fy = _fy_from_parts(first, second)
        return Period(fy, 4, "year")._month_offset(3 * (int(q) - 1)).containing("quarter")
    if m := _YEAR_RE.match(text):
        return Period(_fy_from_parts(m[1], m[2]), 4, "year")
    if m := _YEAR6_RE.match(text):
        if _is_next_year(m[1], m[2]):
            return Period(int(m[1]), 4, "year")
        if 1 <= int(m[2]) <= 12:
            return Period(int(m[1]), int(m[2]), "month")
        raise ValueError(f"'{text}' is neither a financial year (two consecutive years, as in 202526) nor a "
                         "month (as in 202504)")
    if m := _NAMED_MONTH_RE.match(text):
        name = m[1].lower()
        matches = [i for i, full in enumerate(MONTH_NAMES, 1)
                   if full.lower() == name or (len(name) == 3 and full.lower().startswith(name))
                   or (name == "sept" and i == 9)]
        if matches:
            year = int(m[2]) if len(m[2]) == 4 else 2000 + int(m[2])
            return Period(year, matches[0], "month")
    raise ValueError(f"'{text}' is not a period: use a month like 2025-04, a quarter like "
                     f"2025-26 Q1 or a financial year like 2025-26")


def parse_period(raw: object) -> Period:
    """Read a period from a label, an Excel date (meaning its month) or a Period.

    Raises ValueError with a message an officer can act on.
    """
    if isinstance(raw, Period):
        return raw
    if isinstance(raw, (dt.date, dt.datetime)):
        return Period(raw.year, raw.month, "month")
    if hasattr(raw, "to_pydatetime"):  # pandas Timestamp
        return Period(raw.year, raw.month, "month")
    if isinstance(raw, bool) or raw is None:
        raise ValueError("the period is blank")
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = str(raw).strip()
    if not text:
        raise ValueError("the period is blank")
    return _parse_text(text)


def month_range(first: Period, last: Period) -> list[Period]:
    """Every month from `first` to `last` inclusive."""
    months = []
    current, last = first.months()[0], last.end_month
    while current <= last:
        months.append(current)
        current = current.shift(1)
    return months


def span_display(first: Period, last: Period) -> str:
    """Words for a run of periods of one frequency: `July to August 2026`, `Q1 to Q2 2025-26`, `April 2026`."""
    if first == last:
        return first.display()
    if first.frequency == "month":
        start = MONTH_NAMES[first.month - 1] + ("" if first.year == last.year else f" {first.year}")
        return f"{start} to {last.display()}"
    if first.frequency == "quarter":
        start = f"Q{first.quarter}" + ("" if first.fy_start == last.fy_start else f" {financial_year_label(first.fy_start)}")
        return f"{start} to {last.display()}"
    return f"{first.display()} to {last.display()}"


SPAN = ".."


def span_key(first: str, last: str) -> str:
    """The key of a run of own periods, `2026-07..2026-08` (one period's own label when alone): how a
    partial period's like-for-like comparison is named in the engine and in disclosure control."""
    return first if first == last else f"{first}{SPAN}{last}"
