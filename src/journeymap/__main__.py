"""``python -m journeymap``: the same as the ``journeymap`` command."""

from journeymap.cli.app import main

main()
