"""The server's assembly: FastAPI app, lifespan (open the runtime once, announce where the server runs,
close everything after the last request finished), sessions, error pages, the routes of api and pages.

    >>> from workflows.config import AppConfig
    >>> sorted(p for p in create_app(AppConfig()).openapi()["paths"] if p.startswith("/api/items"))
    ['/api/items', '/api/items/{item_id}', '/api/items/{item_id}/decision']
"""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, AsyncIterator

import structlog
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from memory.errors import AlhfError
from workflows.config import AppConfig, data_dir
from workflows.governance.permissions import PermissionDenied
from workflows.review.queue import ItemNotFound
from workflows.server.auth import CsrfFailed, SignInRequired, session_secret

__all__ = ["create_app"]

HERE = Path(__file__).parent


async def _announce_when_listening(home: Path, host: str, port: int, seconds: float = 60.0) -> None:
    """Write the server file once `host:port` accepts connections (at the latest after `seconds`)."""
    from workflows.server.owner import write_server_file

    target = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)
    deadline = asyncio.get_running_loop().time() + seconds
    while asyncio.get_running_loop().time() < deadline:
        try:
            _, writer = await asyncio.open_connection(target, port)
        except OSError:
            await asyncio.sleep(0.05)
            continue
        writer.close()
        break
    write_server_file(home, host, port)


def create_app(config: AppConfig, *, runtime: Any = None, announce: tuple[str, int] | None = None) -> FastAPI:
    """The app for `config`. It opens (or is given) the Runtime when it starts and closes it when it
    stops; with `announce=(host, port)` it writes the data dir's server file meanwhile."""
    from workflows.server import api, pages

    home = data_dir(config)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from workflows.runtime import Runtime
        from workflows.server.owner import remove_server_file
        from workflows.server.service import ServerState

        owned = runtime or Runtime.open(config)
        app.state.alhf = ServerState(owned)
        # uvicorn runs this before it listens: the server file, which other commands connect by, waits for the port
        announcing = asyncio.create_task(_announce_when_listening(home, *announce)) if announce else None
        inbox = asyncio.create_task(_learn_inbox_forever(app.state.alhf, config.server.inbox_poll_seconds))
        try:
            yield
        finally:  # uvicorn gets here after the requests in flight have finished
            inbox.cancel()
            if announcing is not None:
                announcing.cancel()
            with app.state.alhf.lock:
                if announce:
                    remove_server_file(home)
                if runtime is None:
                    owned.close()

    app = FastAPI(title="alhf review server", lifespan=lifespan, version="1", docs_url=None, openapi_url=None,
                  description="Review queue, lessons and memory of an alhf data directory. Sign in at /login "
                              "(session cookie + X-CSRF-Token header on writes) or send `Authorization: Bearer "
                              "TOKEN` (`alhf users token NAME`).")
    home.mkdir(parents=True, exist_ok=True)
    app.add_middleware(SessionMiddleware, secret_key=session_secret(home), session_cookie="alhf_session",
                       max_age=int(config.server.session_hours * 3600), same_site="strict", https_only=False)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)
    _add_docs(app)

    @app.get("/health", tags=["health"])
    def health() -> dict[str, Any]:
        """Unauthenticated: the server is up and owns its store."""
        return {"status": "ok", "owns_store": hasattr(app.state, "alhf")}

    def _wants_json(request: Request) -> bool:
        path = request.url.path
        accepts = request.headers.get("accept", "")
        return path.startswith("/api/") or path.endswith(".json") or "application/json" in accepts

    def _error(request: Request, status: int, message: str) -> Response:
        if _wants_json(request):
            return JSONResponse({"error": message}, status_code=status)
        return pages.error_page(request, status, message)

    @app.exception_handler(SignInRequired)
    def _sign_in(request: Request, exc: SignInRequired) -> Response:
        if _wants_json(request):
            return JSONResponse({"error": str(exc)}, status_code=401, headers={"WWW-Authenticate": "Bearer"})
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)

    @app.exception_handler(PermissionDenied)
    def _denied(request: Request, exc: PermissionDenied) -> Response:
        return _error(request, 403, str(exc))

    @app.exception_handler(CsrfFailed)
    def _csrf(request: Request, exc: CsrfFailed) -> Response:
        return _error(request, 403, str(exc))

    @app.exception_handler(ItemNotFound)
    def _missing(request: Request, exc: ItemNotFound) -> Response:
        return _error(request, 404, str(exc))

    @app.exception_handler(AlhfError)
    def _refused(request: Request, exc: AlhfError) -> Response:
        return _error(request, 400, str(exc))

    return app


async def _learn_inbox_forever(state: Any, seconds: float) -> None:
    """Corrections queued in the inbox by other processes are learned by the owner: here, every `seconds`."""
    from starlette.concurrency import run_in_threadpool

    log = structlog.get_logger("alhf.server")
    while True:
        await asyncio.sleep(seconds)
        try:
            learned = await run_in_threadpool(state.learn_inbox)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - a failing pass is retried at the next one, never kills the server
            log.warning("learning the inbox failed", error=str(exc))
            continue
        if learned:
            log.info("learned queued corrections", count=learned)


def _add_docs(app: FastAPI) -> None:
    """/docs and /openapi.json behind sign-in too; Swagger UI served from the swagger-ui-bundle package (no CDN)."""
    from fastapi import Depends
    from fastapi.openapi.docs import get_swagger_ui_html

    from workflows.server.auth import current_account

    try:
        import swagger_ui_bundle

        app.mount("/vendor/swagger", StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="swagger")
        assets = {"swagger_js_url": "/vendor/swagger/swagger-ui-bundle.js",
                  "swagger_css_url": "/vendor/swagger/swagger-ui.css"}
    except ImportError:  # FastAPI's default: the assets come from a CDN
        assets = {}

    @app.get("/openapi.json", include_in_schema=False, dependencies=[Depends(current_account)])
    def openapi() -> dict[str, Any]:
        return app.openapi()

    @app.get("/docs", include_in_schema=False, dependencies=[Depends(current_account)])
    def docs() -> Response:
        return get_swagger_ui_html(openapi_url="/openapi.json", title="alhf review server API", **assets)
