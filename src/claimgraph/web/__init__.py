"""The web app: `claimgraph serve`, an HTTP API and pages over the ledger.

>>> from claimgraph.web.app import create_app                # doctest: +SKIP
>>> app = create_app("news.sqlite")                       # doctest: +SKIP

Pages are rendered on the server (Jinja2, every value escaped) and each has a
JSON twin; the API's endpoints are the `claimgraph.ledger` functions. Front-end
libraries are vendored (scripts/vendor_frontend.py), so nothing is fetched
from elsewhere. Needs the `fastapi`, `uvicorn` and `jinja2` packages.
"""
