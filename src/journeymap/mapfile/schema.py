"""Print the JSON Schema of map files: ``python -m journeymap.mapfile.schema``.

The published copy is regenerated with::

    python -m journeymap.mapfile.schema > schema/journeymap.schema.json

This module is only the command-line entry; the package does not import it, so running
it with ``-m`` executes it once (the schema itself lives in ``json_schema.py``).
"""

from __future__ import annotations

import sys

from journeymap.mapfile.json_schema import json_schema_text


def main() -> None:
    """Write the schema to standard output as UTF-8, whatever the console's encoding."""
    sys.stdout.buffer.write(json_schema_text().encode("utf-8"))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
