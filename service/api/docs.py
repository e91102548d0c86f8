"""The OpenAPI document and the pages that render it, all served from local assets."""

import base64
import hashlib
import html
from pathlib import Path

from aiohttp import web
from aiohttp.typedefs import Handler
from swagger_ui.core import SWAGGER_UI_PY_ROOT

from service.api.appkeys import OPENAPI, SETTINGS

SWAGGER_UI_ASSETS = SWAGGER_UI_PY_ROOT / "static"
REDOC_ASSETS = Path(__file__).resolve().parent.parent / "static"

SWAGGER_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{title} - Swagger UI</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="/docs/static/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/static/swagger-ui-bundle.js"></script>
  <script>{init}</script>
</body>
</html>
"""

SWAGGER_INIT = """
    window.ui = SwaggerUIBundle({
      url: "/openapi.json",
      dom_id: "#swagger-ui",
      validatorUrl: null,
      deepLinking: true
    });
"""

REDOC_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{title} - ReDoc</title>
  <link rel="icon" href="data:,">
</head>
<body>
  <redoc spec-url="/openapi.json"></redoc>
  <script src="/redoc/static/redoc.standalone.js"></script>
</body>
</html>
"""


def _hash(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"


# The pages load everything from this origin. Both UIs set inline styles, Swagger UI's CSS uses
# data: images, and ReDoc's search runs in a Web Worker made from a blob: URL.
DOCS_CSP = "; ".join(
    (
        "default-src 'self'",
        f"script-src 'self' {_hash(SWAGGER_INIT)}",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "worker-src 'self' blob:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
    )
)


async def openapi_json(request: web.Request) -> web.Response:
    return web.json_response(request.app[OPENAPI])


def _page(template: str) -> Handler:
    async def page(request: web.Request) -> web.Response:
        title = html.escape(request.app[SETTINGS].app_name)
        page = template.format(title=title, init=SWAGGER_INIT)
        return web.Response(
            text=page, content_type="text/html", headers={"Content-Security-Policy": DOCS_CSP}
        )

    return page


swagger_page = _page(SWAGGER_PAGE)
redoc_page = _page(REDOC_PAGE)
