"""`python -m claimgraph.cli ...`: the `claimgraph` command."""

import sys

from claimgraph.cli import main

sys.exit(main())
