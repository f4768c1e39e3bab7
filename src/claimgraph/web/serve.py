"""`claimgraph serve`: the web app under uvicorn."""

from __future__ import annotations

import threading

from claimgraph.config import Settings
from claimgraph.errors import ResourceError, UsageError

LOOPBACK = ("127.0.0.1", "::1", "localhost")


def serve(*, db: str | None = None, host: str = "127.0.0.1", port: int = 8000, settings: Settings | None = None) -> int:
    """Run the app with uvicorn until interrupted; binds to loopback unless `host` says otherwise."""
    if not 0 < port < 65536:
        raise UsageError(f"--port {port} is not a TCP port (1-65535)")
    try:
        import uvicorn
    except ImportError as exc:
        raise ResourceError(f"the web app needs uvicorn: {exc} (pip install -e .)") from None
    settings = settings or Settings()
    from claimgraph.web.app import create_app

    app = create_app(db, settings=settings)
    # the whole-ledger figures (seconds on a large ledger) before the first visitor asks for them
    threading.Thread(target=app.state.warm, name="claimgraph-warm", daemon=True).start()
    where = f"[{host}]" if ":" in host else host
    print(f"claimgraph: serving the ledger on http://{where}:{port}/ (Ctrl-C stops)", flush=True)
    if host not in LOOPBACK:
        print(f"claimgraph: listening on {host}, not only this machine: anyone who can reach it can read", flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)
    return 0


__all__ = ["serve"]
