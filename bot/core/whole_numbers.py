"""Whole numbers that come from outside: row ids typed by people (`feedback share 12`) or sent
back in a button's or form's id (`f_12`), and scale answers (`7`). Anything else is no number."""

from __future__ import annotations

# Ids are INTEGER columns: 32 bits in PostgreSQL.
MAX_ROW_ID = 2**31 - 1


def whole_number(text: str, most: int = MAX_ROW_ID) -> int | None:
    """`text` as a number from 0 to `most` if it is written in decimal digits; None otherwise.

    Not str.isdigit() and int(): isdigit says yes to "²", which int() refuses, and int() also
    refuses thousands of digits, while a database refuses ids past its column's range.
    """
    if not text.isdecimal() or len(text.lstrip("0")) > len(str(most)):
        return None
    number = int(text)
    return number if number <= most else None
