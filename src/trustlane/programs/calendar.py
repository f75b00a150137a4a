"""Program calendar arithmetic: today in UTC, months and years added to dates."""

from __future__ import annotations

import calendar
from datetime import date

from trustlane.db import utcnow


def today() -> date:
    """Today's date in UTC (program dates are calendar days, not instants)."""
    return utcnow().date()


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months``, kept within the target month (Jan 31 + 1 → Feb 28/29)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def add_years(day: date, years: int) -> date:
    return add_months(day, 12 * years)
