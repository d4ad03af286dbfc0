"""`python -m checker …` is the `checker` command."""

import sys

from .cli import main

sys.exit(main())
