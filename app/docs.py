"""``/docs`` (Swagger UI) and ``/redoc`` that work without internet.

FastAPI's own pages load Swagger UI and ReDoc from a CDN (and ReDoc its fonts from Google), so
on a workshop's Wi-Fi, or none, they stay blank. The same pages here load their scripts, styles
and favicon from the app itself, under ``/docs/assets``. The files come from the fastapi-offline
package (pinned in requirements-app.txt), which ships Swagger UI's and ReDoc's release bundles:
upgrading them is a version bump, not files copied by hand. No fonts are downloaded: Swagger UI's
stylesheet names only system fonts, and ReDoc is told not to fetch Google's, so it falls back to
the system's sans-serif.
"""

from importlib.resources import files

from fastapi import FastAPI, Request
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.routing import APIRoute
from starlette.responses import HTMLResponse
from starlette.routing import Route
from starlette.staticfiles import StaticFiles

ASSETS = files("fastapi_offline") / "static"
ASSETS_PATH = "/docs/assets"
# The pages may load only from the app. ReDoc's sidebar footer always asks cdn.redoc.ly for a
# logo (hiding itself when that fails, no option turns it off): this policy makes the browser
# refuse that request instead of sending it. Inline script and styles are the pages' own
# (Swagger UI's start-up script, ReDoc's styled components); ReDoc runs a worker from a blob.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; font-src 'self' data:"
)


def _self_only(page: HTMLResponse) -> HTMLResponse:
    page.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    return page


def install_docs(app: FastAPI) -> None:
    """Serve ``app.docs_url`` and ``app.redoc_url`` with assets from the app itself, replacing
    the CDN-loading pages FastAPI registered for those URLs (each one left off stays off)."""
    docs_url, redoc_url = app.docs_url, app.redoc_url
    oauth2_redirect_url = app.swagger_ui_oauth2_redirect_url
    cdn_pages = {docs_url, redoc_url, oauth2_redirect_url if docs_url else None} - {None}
    app.router.routes[:] = [
        route
        for route in app.router.routes
        if not (isinstance(route, Route | APIRoute) and route.path in cdn_pages)
    ]
    app.mount(ASSETS_PATH, StaticFiles(directory=str(ASSETS)), name="docs-assets")

    def asset(request: Request, name: str) -> str:
        return f"{request.scope.get('root_path', '')}{ASSETS_PATH}/{name}"

    def openapi_url(request: Request) -> str:
        return f"{request.scope.get('root_path', '')}{app.openapi_url}"

    if docs_url:

        async def swagger_ui(request: Request) -> HTMLResponse:
            return _self_only(
                get_swagger_ui_html(
                    openapi_url=openapi_url(request),
                    title=f"{app.title} - Swagger UI",
                    swagger_js_url=asset(request, "swagger-ui-bundle.js"),
                    swagger_css_url=asset(request, "swagger-ui.css"),
                    swagger_favicon_url=asset(request, "favicon.png"),
                    oauth2_redirect_url=oauth2_redirect_url,
                    init_oauth=app.swagger_ui_init_oauth,
                    swagger_ui_parameters=app.swagger_ui_parameters,
                )
            )

        app.add_route(docs_url, swagger_ui, include_in_schema=False)
        if oauth2_redirect_url:

            async def oauth2_redirect(request: Request) -> HTMLResponse:
                return get_swagger_ui_oauth2_redirect_html()

            app.add_route(oauth2_redirect_url, oauth2_redirect, include_in_schema=False)

    if redoc_url:

        async def redoc(request: Request) -> HTMLResponse:
            return _self_only(
                get_redoc_html(
                    openapi_url=openapi_url(request),
                    title=f"{app.title} - ReDoc",
                    redoc_js_url=asset(request, "redoc.standalone.js"),
                    redoc_favicon_url=asset(request, "favicon.png"),
                    with_google_fonts=False,
                )
            )

        app.add_route(redoc_url, redoc, include_in_schema=False)
