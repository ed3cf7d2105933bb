"""Settings for a developer's laptop and `make demo`."""

from .base import *  # noqa: F403

DEBUG = True
