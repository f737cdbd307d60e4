"""The review desk: a small Starlette app with server-rendered Jinja2 pages and a little htmx.

Routes: `/` the queue (filters reason, run, seller), `/record/{id}` one record, its page image at
`/record/{id}/page.png`, decisions posted to `/record/{id}/decide`, the audit trail at `/audit`,
and the vendored static files. No route takes a file path: files are found from the record's
relative name and sha256 inside the configured folders only (capture/review/files.py).
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
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from capture import decide
from capture.contract.fields import label
from capture.register.desk import ReviewStore
from capture.register.store import utc_now
from capture.review.files import SourceFiles
from capture.review.form import changes_from_form, field_values
from capture.review.pages import PageViews

HERE = Path(__file__).parent
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
ACTIONS = ("accept", "duplicate", "reject")
@dataclass
class Desk:
    """What every request needs: the store path, the files and page views, who decides."""

    store: Path
    views: PageViews
    user: str
    token: str

    def open(self) -> ReviewStore:
        return ReviewStore(self.store)


def create_app(store: Path, inboxes: list[Path], user: str, hosts: list[str] | None = None) -> Starlette:
    """The desk over a ledger store, serving invoice files from `inboxes` only."""
    ReviewStore(store).close()  # create or migrate the store before the first request
    desk = Desk(store, PageViews(SourceFiles(inboxes)), user, secrets.token_urlsafe(24))
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals.update(label=label, desk=desk)

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
        context = {
            "record": record, "run_id": run_id, "emitted_at": emitted_at, "fields": _fields(record, values, view.boxes, form),
            "failed": [c for c in record.checks if not c.ok], "counterpart": _side_by_side(values, counterpart),
            "trail": trail, "next_id": next_id, "view": view, "refused": refused,
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
            return _problem("This form has expired: reload the page.", 403)
        action = form.get("action", "")
        if action not in ACTIONS:
            return _problem("Unknown action.", 400)
        record_id = request.path_params["record_id"]
        note = form.get("note", "").strip() or None
        with desk.open() as book:
            found = book.record(record_id)
            if found is None:
                return _not_found()
            record = found[0]
            if record.status != "review":
                return _problem(f"Record {record_id} was already decided ({record.status}).", 409)
            at = utc_now()
            submitted = {k[2:]: v for k, v in form.items() if k.startswith("f:")}
            changes = changes_from_form(record.invoice, submitted)
            if action == "accept":
                view = await run_in_threadpool(desk.views.view, record)
                outcome = decide.accept(record, changes, desk.user, at, book.ledger, view.qr)
                if outcome.record is None:
                    book.log_refusal(record_id, desk.user, "fix" if changes else "accept", changes, " | ".join(outcome.refused))
                    return await _refused(request, submitted, outcome.refused)
                decided, logged = outcome.record, "fix" if changes else "accept"
            else:
                status = "duplicate" if action == "duplicate" else "rejected"
                decided, logged, changes = decide.close(record, status, desk.user, at, note), action, []
            if not book.decide(decided, desk.user, logged, changes, note):
                return _problem(f"Record {record_id} was decided meanwhile.", 409)
            next_id = book.next_in_queue(record_id)
        query = urlencode({"decided": record_id, "result": decided.status})
        target = f"/record/{next_id}?{query}" if next_id else f"/?{query}"
        if request.headers.get("HX-Request"):
            return Response(status_code=200, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)

    async def _refused(request: Request, submitted: dict, refused: list[str]) -> Response:
        if request.headers.get("HX-Request"):
            return page(request, "_refused.html", {"refused": refused})
        return await _record_page(request, submitted, refused, 422)

    async def audit(request: Request) -> Response:
        with desk.open() as book:
            trail = book.decisions(request.query_params.get("record") or None)
        return page(request, "audit.html", {"trail": list(reversed(trail))})

    routes = [
        Route("/", queue),
        Route("/audit", audit),
        Route("/record/{record_id}", record),
        Route("/record/{record_id}/page.png", page_image),
        Route("/record/{record_id}/decide", decide_record, methods=["POST"]),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    allowed = hosts or ["127.0.0.1", "localhost", "[::1]"]
    return Starlette(routes=routes, middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=allowed)])


def _problem(message: str, status: int) -> Response:
    """A refusal the page shows where the result of a decision goes."""
    body = f'<div class="refused" role="alert" id="refused"><strong>{html.escape(message)}</strong></div>'
    return HTMLResponse(body, status_code=status, headers=SECURITY_HEADERS)


def _not_found() -> Response:
    return HTMLResponse("<h1>Not found</h1>", status_code=404, headers=SECURITY_HEADERS)


def _fields(record, values: dict, boxes: dict, form: dict) -> list[dict]:
    """The form rows from the record's field values: name, label, value (as submitted after a
    refusal), confidence, the failed checks that name the field, and whether it has a box on the page."""
    failing: dict[str, list[str]] = {}
    for check in record.checks:
        if not check.ok:
            failing.setdefault(check.field, []).append(check.message)
    rows = []
    for name, value in values.items():
        box = "items" if name.startswith("items[") else name
        confidence = record.confidence.get(name, record.confidence.get(box))
        shown = form.get(name, value if value is not None else "")
        if value is None and not failing.get(name) and name not in form and _optional(name):
            continue
        rows.append({
            "name": name, "label": label(name), "value": shown, "confidence": confidence,
            "problems": failing.get(name, []), "box": box if box in boxes else None, "item": name.startswith("items["),
        })
    return rows


def _optional(name: str) -> bool:
    """Fields many invoices leave blank: hidden when blank and not in question."""
    return name.split(".")[-1] in {"address_phone", "bank_account", "machine_number", "payee", "reviewer", "spec", "unit", "check_code", "code", "remarks"}


def _side_by_side(values: dict, counterpart: dict | None) -> dict | None:
    if counterpart is None:
        return None
    rows = [
        {"name": name, "label": label(name), "ours": values.get(name), "theirs": theirs,
         "differs": (values.get(name) or "") != (theirs or "") and theirs is not None}
        for name, theirs in counterpart["fields"].items()
    ]
    return {"title": counterpart["title"], "ref": counterpart["ref"], "rows": rows}
