"""The collaborative web app: server-rendered pages and a JSON API over one workspace.

>>> app = create_app(Path("demo-workspace"))  # doctest: +SKIP
>>> uvicorn.run(app, host="127.0.0.1", port=8000)  # doctest: +SKIP
"""

from journeymap.web.app import close_app, create_app
from journeymap.web.settings import LoginThrottle, WebSettings

__all__ = ["LoginThrottle", "WebSettings", "close_app", "create_app"]
