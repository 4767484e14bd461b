"""Hypothesis profiles for the property tests.

CI runs the fast "ci" profile (the default) so the whole suite stays quick; the
"full" profile runs many more examples and the heavy adversarial checks:

    UMLAUTFIX_HYPOTHESIS=full /tmp/venv/bin/python -m pytest tests/test_properties.py tests/test_regex_safety.py

The profile name is also exposed as `PROFILE` so tests can size their
non-hypothesis work (adversarial line lengths) the same way.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, Phase, settings

PROFILE_ENV = "UMLAUTFIX_HYPOTHESIS"

# No deadline: timing is checked by the regex-safety tests and the fuzz script,
# where a slow input is a finding with a number, not a flaky per-example error.
# No "explain" phase: it traces every line (sys.settrace), which slows the library
# down many times over and runs into the CPU-time alarms some properties set.
PHASES = (Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink)
settings.register_profile(
    "ci",
    max_examples=60,
    deadline=None,
    phases=PHASES,
    derandomize=True,  # the same examples on every CI run: a failure is reproducible
    database=None,  # and the same locally: no saved examples replayed from .hypothesis/
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "full",
    max_examples=2000,
    deadline=None,
    phases=PHASES,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "dev",
    max_examples=200,
    deadline=None,
    phases=PHASES,
    suppress_health_check=[HealthCheck.too_slow],
)

PROFILE = os.environ.get(PROFILE_ENV, "ci")
settings.load_profile(PROFILE)
