"""Hypothesis profiles for the fuzz tests, kept out of the shared conftest:
"quick" (the default, a few seconds in `make test`) and "fuzz" (`make fuzz`),
chosen by $HYPOTHESIS_PROFILE. Applied per test as a decorator, so loading this
changes nothing global. No example database: `.hypothesis/` is not ignored by git."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_COMMON = {"deadline": None, "database": None, "suppress_health_check": [HealthCheck.too_slow]}
settings.register_profile("quick", max_examples=15, derandomize=True, **_COMMON)  # same examples each run
settings.register_profile("fuzz", max_examples=4000, **_COMMON)

FUZZ = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "quick"))
