"""The review desk: a small Starlette app with server-rendered Jinja2 pages and a little htmx.

Routes: `/` the queue (filters reason, run, seller), `/record/{id}` one record, its page image at
`/record/{id}/page.png`, decisions posted to `/record/{id}/decide` (capture/review/decisions.py),
the audit trail at `/audit`, `/login` and `/logout` when the desk is open on the network
(capture/review/login.py), and the vendored static files. No route takes a file path: files are
found from the record's relative name and sha256 inside the configured folders only
(capture/review/files.py). The words are Chinese by default, English with `lang="en"`
(capture/review/words.py).
"""

from __future__ import annotations

import html
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from capture.contract.kinds import KINDS
from capture.register.desk import ReviewStore, reason_tags
from capture.review import decisions
from capture.review.files import SourceFiles
from capture.review.form import field_values
from capture.review.login import COOKIE, Gate
from capture.review.pages import PageViews
from capture.review.words import Said, Words

HERE = Path(__file__).parent
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


@dataclass
class Desk:
    """What every request needs: the store path, the files and page views, who decides, the
    words, and the login gate (None on loopback)."""

    store: Path
    views: PageViews
    user: str
    token: str
    w: Words
    login: Gate | None = None

    def open(self) -> ReviewStore:
        return ReviewStore(self.store)


def create_app(
    store: Path, inboxes: list[Path], user: str, hosts: list[str] | None = None,
    lang: str = "zh", password: str | None = None,
) -> Starlette:
    """The desk over a ledger store, serving invoice files from `inboxes` only; with a
    `password`, every page but the login page needs a session."""
    ReviewStore(store).close()  # create or migrate the store before the first request
    words = Words(lang)
    desk = Desk(store, PageViews(SourceFiles(inboxes)), user, secrets.token_urlsafe(24), words, Gate(password) if password else None)
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals.update(desk=desk, w=words, kinds=KINDS)

    def page(request: Request, name: str, context: dict, status: int = 200) -> Response:
        response = templates.TemplateResponse(request, name, context, status_code=status)
        response.headers.update(SECURITY_HEADERS)
        return response

    async def queue(request: Request) -> Response:
        params = request.query_params
        filters = {k: params.get(k) or "" for k in ("reason", "run", "seller")}
        with desk.open() as book:
            found = book.queue(filters["reason"] or None, filters["run"] or None, filters["seller"] or None)
        return page(request, "queue.html", {"queue": found, "filters": filters, "decided": params.get("decided"), "result": params.get("result")})

    async def record(request: Request) -> Response:
        return await _record_page(request, {}, [], 200)

    async def _record_page(request: Request, form: dict, refused: list[str], status: int) -> Response:
        record_id = request.path_params["record_id"]
        with desk.open() as book:
            found = book.record(record_id)
            if found is None:
                return _not_found()
            record, run_id, emitted_at = found
            counterpart = book.counterpart(record.duplicate_of)
            trail = book.decisions(record_id)
            next_id = book.next_in_queue(record_id)
        view = await run_in_threadpool(desk.views.view, record)
        values = field_values(record.invoice)
        conflict = "conflict" in reason_tags(record)
        context = {
            "record": record, "run_id": run_id, "emitted_at": emitted_at, "fields": _fields(record, values, view.boxes, form),
            "failed": [c for c in record.checks if not c.ok], "counterpart": _side_by_side(values, counterpart, words),
            "trail": trail, "next_id": next_id, "view": view, "refused": refused, "conflict": conflict,
            "register_conflict": conflict and (record.duplicate_of or "").startswith("register:"),
            "boxes": [(name, box) for name, boxes in view.boxes.items() for box in boxes],
            "decided": request.query_params.get("decided"), "result": request.query_params.get("result"),
        }
        return page(request, "record.html", context, status)

    async def page_image(request: Request) -> Response:
        with desk.open() as book:
            found = book.record(request.path_params["record_id"])
        if found is None:
            return _not_found()
        view = await run_in_threadpool(desk.views.view, found[0])
        if view.png is None:
            return _not_found()
        return Response(view.png, media_type="image/png", headers={"Cache-Control": "private, max-age=3600", **SECURITY_HEADERS})

    async def decide_record(request: Request) -> Response:
        form = {k: str(v) for k, v in (await request.form()).items()}
        if not secrets.compare_digest(form.get("token", ""), desk.token):
            return _problem(words("expired"), 403)
        action = form.get("action", "")
        if action not in decisions.ACTIONS:
            return _problem(words("unknown_action"), 400)
        record_id = request.path_params["record_id"]
        with desk.open() as book:
            found = book.record(record_id)
            if found is None:
                return _not_found()
            record = found[0]
            if record.status != "review":
                return _problem(words("already_decided", id=record_id, status=words.status(record.status)), 409)
            qr = [] if action in ("duplicate", "reject") else (await run_in_threadpool(desk.views.view, record)).qr
            decided = decisions.take(book, desk.user, record, action, form, qr)
            next_id = book.next_in_queue(record_id)
        if decided.meanwhile:
            return _problem(words("decided_meanwhile", id=record_id), 409)
        if decided.refused:
            refused = _said(decided, words)
            if request.headers.get("HX-Request"):
                return page(request, "_refused.html", {"refused": refused})
            return await _record_page(request, decided.submitted, refused, 422)
        query = urlencode({"decided": record_id, "result": decided.status})
        target = f"/record/{next_id}?{query}" if next_id else f"/?{query}"
        if request.headers.get("HX-Request"):
            return Response(status_code=200, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)

    async def audit(request: Request) -> Response:
        with desk.open() as book:
            trail = book.decisions(request.query_params.get("record") or None)
        return page(request, "audit.html", {"trail": list(reversed(trail))})

    async def login(request: Request) -> Response:
        if desk.login is None:
            return RedirectResponse("/", status_code=303)
        failed = False
        if request.method == "POST":
            form = await request.form()
            session = await desk.login.log_in(str(form.get("password", "")))
            if session is not None:
                response = RedirectResponse("/", status_code=303)
                response.set_cookie(COOKIE, session, httponly=True, samesite="strict", path="/")
                return response
            failed = True
        return page(request, "login.html", {"failed": failed}, 401 if failed else 200)

    async def logout(request: Request) -> Response:
        if desk.login is not None:
            desk.login.log_out(request.cookies.get(COOKIE))
        response = RedirectResponse("/login" if desk.login else "/", status_code=303)
        response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")
        return response

    async def gate(request: Request, call_next) -> Response:
        if desk.login is None or desk.login.is_open(request.url.path) or desk.login.admits(request.cookies.get(COOKIE)):
            return await call_next(request)
        if request.method == "GET":
            return RedirectResponse("/login", status_code=303)
        return _problem(words("login_hint"), 401)

    routes = [
        Route("/", queue),
        Route("/audit", audit),
        Route("/login", login, methods=["GET", "POST"]),
        Route("/logout", logout),
        Route("/record/{record_id}", record),
        Route("/record/{record_id}/page.png", page_image),
        Route("/record/{record_id}/decide", decide_record, methods=["POST"]),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    allowed = hosts or ["127.0.0.1", "localhost", "[::1]"]
    middleware = [Middleware(TrustedHostMiddleware, allowed_hosts=allowed), Middleware(BaseHTTPMiddleware, dispatch=gate)]
    return Starlette(routes=routes, middleware=middleware)


def _problem(message: str, status: int) -> Response:
    """A refusal the page shows where the result of a decision goes."""
    body = f'<div class="refused" role="alert" id="refused"><strong>{html.escape(message)}</strong></div>'
    return HTMLResponse(body, status_code=status, headers=SECURITY_HEADERS)


def _said(decided: decisions.Decided, words: Words) -> list[Said]:
    """The reasons a decision was refused, in the desk's words (a failed check by its rule)."""
    rules = {c.message: c for c in decided.failed}
    return [
        words.check(rules[m].rule, rules[m].field, m) if m in rules else words.check("", "", m) for m in decided.refused
    ]


def _not_found() -> Response:
    return HTMLResponse("<h1>找不到 Not found</h1>", status_code=404, headers=SECURITY_HEADERS)


def _fields(record, values: dict, boxes: dict, form: dict) -> list[dict]:
    """The form rows from the record's field values: name, label, value (as submitted after a
    refusal), confidence, the failed checks that name the field, and whether it has a box on the page."""
    failing: dict[str, list[dict]] = {}
    for check in record.checks:
        if not check.ok:
            failing.setdefault(check.field, []).append({"rule": check.rule, "message": check.message})
    rows = []
    for name, value in values.items():
        box = "items" if name.startswith("items[") else name
        confidence = record.confidence.get(name, record.confidence.get(box))
        shown = form.get(name, value if value is not None else "")
        if value is None and not failing.get(name) and name not in form and _optional(name):
            continue
        rows.append({
            "name": name, "value": shown, "confidence": confidence,
            "problems": failing.get(name, []), "box": box if box in boxes else None, "item": name.startswith("items["),
        })
    return rows


def _optional(name: str) -> bool:
    """Fields many invoices leave blank: hidden when blank and not in question."""
    return name.split(".")[-1] in {"address_phone", "bank_account", "machine_number", "payee", "reviewer", "spec", "unit", "check_code", "code", "remarks"}


def _side_by_side(values: dict, counterpart: dict | None, words: Words) -> dict | None:
    """The register row or record a conflict points to, beside this invoice's fields."""
    if counterpart is None:
        return None
    rows = [
        {"name": name, "ours": values.get(name), "theirs": theirs,
         "differs": (values.get(name) or "") != (theirs or "") and theirs is not None}
        for name, theirs in counterpart["fields"].items()
    ]
    return {"title": _title(counterpart, words), "ref": counterpart["ref"], "rows": rows}


def _title(counterpart: dict, words: Words) -> str:
    """`register:register.csv:7` as 登记簿 register.csv 第 7 行 (or in English)."""
    if not words.zh:
        return counterpart["title"]
    kind, _, rest = counterpart["ref"].partition(":")
    if kind == "register":
        source, _, line = rest.rpartition(":")
        return f"登记簿 {source} 第 {line} 行"
    return f"记录 {rest}"
