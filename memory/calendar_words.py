"""Month and weekday names as regex alternations, for the request readers that look for dates (English only).

    >>> import re
    >>> bool(re.fullmatch(MONTHS, "september")), bool(re.fullmatch(WEEKDAYS, "sunday"))
    (True, True)
"""

from __future__ import annotations

import calendar

__all__ = ["MONTHS", "WEEKDAYS"]

MONTHS = "|".join(calendar.month_name[i].lower() for i in range(1, 13))  # january|...|december
WEEKDAYS = "|".join(day.lower() for day in calendar.day_name)  # monday|...|sunday
