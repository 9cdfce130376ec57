"""``python -m pia.cli``: the same as the ``pia`` command."""

import sys

from pia.cli import main

sys.exit(main())
