"""`python -m claimgraph.analyse.places build|lookup`: the gazetteer's command line."""

import sys

from claimgraph.analyse.places.gazetteer import main

sys.exit(main())
