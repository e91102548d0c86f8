"""Entry point for `python -m service`."""

from service.ops.cli import main

raise SystemExit(main())
