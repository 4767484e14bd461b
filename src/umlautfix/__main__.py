"""`python -m umlautfix`: the same as the `umlautfix` command."""

from .cli import entry_point

entry_point()
