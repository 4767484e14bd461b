"""`python -m umlautfix`: the same as the `umlautfix` command."""

from .cli import entry_point

if __name__ == "__main__":
    entry_point()
