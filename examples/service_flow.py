#!/usr/bin/env python3
"""A hotline call through the REST API alone, against a running AfterSales with the demo data.

    hotline call → warranty decided → due date on the Chinese calendar → dispatched
    → visit recorded with a signature image → completed → closed

Usage (after ``make run`` in another terminal):

    python examples/service_flow.py [--base http://127.0.0.1:8000] [--phone 13816881234]

Only the Python standard library is used. The demo users' password is ``aftersales-demo`` (demo data
only). The script exits non-zero on any answer it did not expect.
"""

import argparse
import datetime
import json
import struct
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid
import zlib
from typing import Any
from zoneinfo import ZoneInfo

DEFAULT_BASE = "http://127.0.0.1:8000"
DEMO_PASSWORD = "aftersales-demo"  # noqa: S105 - the published demo password, demo data only
# The demo's showcase customer in the 上海 centre (aftersales/demo/data.py), where the demo
# user `technician` works.
DEFAULT_PHONE = "13816881234"
LOCAL = ZoneInfo("Asia/Shanghai")


class FlowError(Exception):
    """The server answered something the scenario did not expect."""


class Api:
    """A tiny JSON client for one user: a bearer token and the expected status of every call."""

    def __init__(self, base: str, token: str | None = None) -> None:
        if urllib.parse.urlsplit(base).scheme not in ("http", "https"):
            raise FlowError(f"--base must be an http(s) address, not {base!r}")
        self.base = base.rstrip("/")
        self.token = token

    def call(
        self,
        method: str,
        path: str,
        *,
        expect: int = 200,
        json_body: Any = None,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        query: dict[str, Any] | None = None,
    ) -> Any:
        url = f"{self.base}{path}"
        if query:
            url += "?" + urllib.parse.urlencode(query)
        all_headers = {"Accept": "application/json", **(headers or {})}
        if self.token:
            all_headers["Authorization"] = f"Bearer {self.token}"
        if json_body is not None:
            body = json.dumps(json_body).encode()
            all_headers["Content-Type"] = "application/json"
        request = urllib.request.Request(url, data=body, method=method, headers=all_headers)  # noqa: S310 - http(s) only, checked above
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        except urllib.error.URLError as error:
            raise FlowError(f"{method} {url}: cannot connect ({error.reason}); is the server running?") from error
        if status != expect:
            raise FlowError(f"{method} {path}: expected {expect}, got {status}: {raw.decode(errors='replace')[:500]}")
        return json.loads(raw) if raw else None

    def login(self, username: str, password: str = DEMO_PASSWORD) -> "Api":
        # A client name of its own: a rerun replaces this script's token, not the user's other clients'.
        body = {"username": username, "password": password, "name": "service-flow-example"}
        answer = self.call("POST", "/api/v1/auth/token", json_body=body)
        return Api(self.base, answer["token"])


def signature_png(width: int = 96, height: int = 32) -> bytes:
    """A tiny valid PNG (8-bit greyscale) with a wavy pen stroke, built with zlib and struct alone."""
    pixels = [[255] * width for _ in range(height)]
    for x in range(4, width - 4):
        # a triangle wave: down and up across the box, like a quick signature
        phase = (x * 2) % (2 * (height - 8))
        y = 4 + (phase if phase < height - 8 else 2 * (height - 8) - phase)
        for dy in (0, 1):
            pixels[min(y + dy, height - 1)][x] = 20
    raw = b"".join(b"\x00" + bytes(row) for row in pixels)  # filter type 0 before each row

    def chunk(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale, no interlace
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def multipart(fields: dict[str, str], files: dict[str, tuple[str, str, bytes]]) -> tuple[bytes, str]:
    """A multipart/form-data body by hand: text fields, then files as (filename, content type, bytes)."""
    boundary = f"----aftersales{uuid.uuid4().hex}"
    parts: list[bytes] = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, content_type, content) in files.items():
        head = (
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def local(iso: str | None) -> str:
    if not iso:
        return "-"
    return datetime.datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(LOCAL).strftime("%Y-%m-%d %H:%M")


def main(base_url: str = DEFAULT_BASE, *, phone: str = DEFAULT_PHONE, out: Any = print) -> dict[str, Any]:
    """Run the scenario; return the closed order. Raises ``FlowError`` on any unexpected answer."""
    anonymous = Api(base_url)
    agent, dispatcher, technician, manager = (
        anonymous.login(name) for name in ("agent", "dispatcher", "technician", "manager")
    )
    out(f"Logged in as agent, dispatcher, technician and manager at {base_url}")

    # 1. The hotline call: the agent finds the caller by phone, then the unit and its warranty.
    customers = agent.call("GET", "/api/v1/customers", query={"phone": phone})["items"]
    if not customers:
        raise FlowError(f"no customer has a contact with phone {phone}: is the demo data loaded?")
    customer = customers[0]
    contact = next((c for c in customer["contacts"] if c["mobile"].endswith(phone[-8:])), customer["contacts"][0])
    out(f"\n[agent] Caller {contact['name']} ({contact['mobile']}) of {customer['name']} (customer #{customer['id']})")

    units = agent.call("GET", "/api/v1/units", query={"customer_id": customer["id"]})["items"]
    if not units:
        raise FlowError(f"customer #{customer['id']} has no units")
    unit, best = units[0], None
    for candidate in units:
        warranty = agent.call("GET", f"/api/v1/units/{candidate['id']}/warranty")
        state = "in warranty" if warranty["covered"] else "NOT covered"
        out(
            f"  unit {candidate['serial_number']} {candidate['product_model_name']}: {state} ({warranty['reason']}) {warranty['detail']}"
        )
        if best is None or (warranty["covered"] and not best["covered"]):
            unit, best = candidate, warranty

    # 2. The agent opens a repair order; the Idempotency-Key makes a retried POST harmless.
    key = str(uuid.uuid4())
    payload = {
        "kind": "repair",
        "channel": "hotline",
        "customer_id": customer["id"],
        "contact_id": contact["id"],
        "unit_id": unit["id"],
        "reporter_name": contact["name"],
        "reporter_phone": contact["mobile"],
        "description": "空压机运行中异响，排气压力上不去（示例脚本）",
        "priority": "high",
    }
    order = agent.call("POST", "/api/v1/orders", expect=201, json_body=payload, headers={"Idempotency-Key": key})
    again = agent.call("POST", "/api/v1/orders", expect=201, json_body=payload, headers={"Idempotency-Key": key})
    if again["id"] != order["id"]:
        raise FlowError("the same Idempotency-Key created a second order")
    warranty, sla = order["warranty"], order["sla"]
    out(
        f"\n[agent] Opened {order['number']} (#{order['id']}), status {order['status']}; a retry with the same key gave the same order"
    )
    out(
        f"  warranty: {'covered' if warranty['covered'] else 'not covered'} ({warranty['reason']}): {warranty['detail']}"
    )
    out(f"  respond by {local(sla['respond_by'])}; due {local(sla['due_at'])} (working days, Chinese calendar)")
    out(f"  calendar warning: {sla['calendar_warning']}" if sla["calendar_warning"] else "  calendar warning: none")

    # 3. The dispatcher sees the technicians with their load and assigns the demo user `technician`.
    technicians = dispatcher.call("GET", "/api/v1/technicians")
    out("\n[dispatcher] Technicians (open orders):")
    for tech in technicians:
        centre = tech["service_center"]["name"] if tech["service_center"] else "-"
        out(f"  {tech['username']:<12} {tech['name']:<8} {centre}  {tech['open_load']}")
    tech = next((t for t in technicians if t["username"] == "technician"), None)
    if tech is None:
        raise FlowError("the demo user `technician` is not among the dispatcher's technicians")
    order = dispatcher.call("POST", f"/api/v1/orders/{order['id']}/assign", json_body={"technician_id": tech["id"]})
    out(f"  assigned to {order['technician']['name']}; status {order['status']}")
    if order["status"] != "dispatched":
        raise FlowError(f"expected status dispatched after assignment, got {order['status']}")

    # 4. The technician records the visit, the customer signs on the screen, the work is completed.
    visit = technician.call(
        "POST",
        f"/api/v1/orders/{order['id']}/visits",
        expect=201,
        headers={"Idempotency-Key": str(uuid.uuid4())},
        json_body={
            "arrival_confirmed_by": contact["name"],
            "diagnosis": "进气阀阀片磨损，卸载不完全",
            "work_done": "更换进气阀维修包，调整卸载压力，试机30分钟正常",
            "parts_replaced": "进气阀维修包1套",
            "old_parts": "handed_to_customer",
            "rating": 5,
            "customer_remarks": "处理及时",
        },
    )
    out(f"\n[technician] Visit #{visit['id']} recorded: arrived {local(visit['arrived_at'])}")
    body, content_type = multipart(
        {"signer_name": contact["name"]}, {"signature": ("signature.png", "image/png", signature_png())}
    )
    signed = technician.call(
        "POST", f"/api/v1/visits/{visit['id']}/signature", body=body, headers={"Content-Type": content_type}
    )
    out(f"  signed by {signed['signer_name']} at {local(signed['signed_at'])}; image at {signed['signature_url']}")
    order = technician.call("POST", f"/api/v1/orders/{order['id']}/transitions", json_body={"to": "completed"})
    out(f"  status {order['status']}")

    # 5. The service manager reviews and closes.
    order = manager.call("POST", f"/api/v1/orders/{order['id']}/transitions", json_body={"to": "closed"})
    out(f"\n[manager] Closed {order['number']} at {local(order['closed_at'])}")
    if order["status"] != "closed":
        raise FlowError(f"expected status closed, got {order['status']}")

    # 6. The timeline: every change with who and when.
    events = manager.call("GET", f"/api/v1/orders/{order['id']}/events")
    out("\nTimeline:")
    for event in events:
        actor = event["actor"]["name"] if event["actor"] else "system"
        move = f" {event['from_status'] or '·'} → {event['to_status']}" if event["to_status"] else ""
        reason = f" ({event['reason']})" if event["reason"] else ""
        out(f"  {local(event['created_at'])}  {event['type']:<18} {actor}{move}{reason}")
    return order


def cli() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", default=DEFAULT_BASE, help=f"the server's address (default {DEFAULT_BASE})")
    parser.add_argument("--phone", default=DEFAULT_PHONE, help="the caller's phone number (a demo customer's)")
    args = parser.parse_args()
    try:
        main(args.base, phone=args.phone)
    except FlowError as error:
        print(f"FAILED: {error}", file=sys.stderr)
        return 1
    print("\nOK: the whole scenario ran through the API.")
    return 0


if __name__ == "__main__":
    sys.exit(cli())
