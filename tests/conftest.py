"""Shared pytest set-up: hypothesis profiles and the torch oracle's threads."""
import os

from hypothesis import HealthCheck, settings

# "dev" for quick local runs, "ci" (default when CI=true) draws more cases.
settings.register_profile(
    "ci",
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,
)
settings.register_profile(
    "dev",
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))

try:  # torch is the oracle; keep it to the machine's two cores and quiet.
    import torch

    torch.set_num_threads(2)
except ImportError:  # pragma: no cover - torch is in requirements.txt
    pass
