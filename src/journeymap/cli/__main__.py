"""``python -m journeymap.cli``: the same as the ``journeymap`` command."""

from journeymap.cli.app import main

main()
