"""Whether a pattern compiles. Upstream compiles ECMAScript regexes; Python's `re` is the
closest pure check we have (a few JS-only constructs may be judged differently)."""

from __future__ import annotations

import re


def regex_error(pattern: str) -> str | None:
    try:
        re.compile(pattern)
    except re.error as error:
        return str(error)
    except (RecursionError, OverflowError):
        return "pattern too complex"
    return None
