"""Production settings plus one bare view, the framework floor the benchmark compares against."""

from .prod import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
