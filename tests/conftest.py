"""Hypothesis profiles shared by every test: `quick` while developing, `thorough` in CI.

CI sets the `CI` variable, which selects `thorough`; `HYPOTHESIS_PROFILE=thorough make test`
does the same on a workstation. Property tests scale their example counts from the profile's
`max_examples` instead of fixing their own, so one switch makes the whole suite deeper.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("quick", max_examples=50, deadline=None)
settings.register_profile("thorough", max_examples=300, deadline=None)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("thorough" if os.environ.get("CI") else "quick")
)
