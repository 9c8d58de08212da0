# ruff: noqa: S101 - tests assert (pyproject ignores S101 under tests/ and in conftest.py only)
"""Helpers shared by the browser scenarios (not collected: no ``test_`` prefix)."""

import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext
from PIL import Image

SCREENSHOTS_DIR = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
EXACT_COLOURS = 96  # of the 256 in a screenshot's palette

# Chromium reports a blocked resource as a console error; the listener below adds the directive, so a
# CSP problem reads plainly in the failure message.
_CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline"}` +
                ` at ${event.sourceFile || document.location.pathname}:${event.lineNumber}`);
});
"""


@dataclass
class BrowserProblems:
    """Console errors, uncaught exceptions, CSP violations and 5xx responses seen in a test's pages."""

    seen: list[str] = field(default_factory=list)
    allowed: list[re.Pattern[str]] = field(default_factory=list)

    def watch(self, page: Any, *, name: str) -> None:
        page.add_init_script(_CSP_LISTENER)
        page.on("console", lambda msg: self._console(name, msg))
        page.on("pageerror", lambda exc: self.seen.append(f"[{name}] uncaught exception: {exc}"))
        page.on("response", lambda response: self._response(name, response))
        # data-confirm buttons ask window.confirm(); a person clicks OK (Playwright would dismiss).
        page.on("dialog", lambda dialog: dialog.accept())

    def _console(self, name: str, msg: Any) -> None:
        if msg.type == "error":
            location = msg.location or {}
            self.seen.append(f"[{name}] console error: {msg.text} ({location.get('url', '')})")

    def _response(self, name: str, response: Any) -> None:
        if response.status >= 500:
            self.seen.append(f"[{name}] HTTP {response.status} from {response.request.method} {response.url}")

    def allow(self, pattern: str) -> None:
        """Expect problems matching ``pattern`` (a regex), e.g. the 404 a test provokes on purpose."""
        self.allowed.append(re.compile(pattern))

    def unexpected(self) -> list[str]:
        return [p for p in self.seen if not any(a.search(p) for a in self.allowed)]

    def report(self) -> str:
        return "\n".join(f"  {p}" for p in self.unexpected())


def zh(message: str | Promise) -> str:
    """``message`` as the Chinese console shows it (from the same catalogue the server uses)."""
    with translation.override("zh-hans"):
        return str(message) if isinstance(message, Promise) else gettext(message)


def login(page: Any, username: str, *, password: str | None = None) -> None:
    """Sign in on /login/ as a demo user, through the form, and wait for the home page."""
    page.goto("/login/")
    page.get_by_label(re.compile(r"^(用户名|Username)$")).fill(username)
    page.get_by_label(re.compile(r"^(密码|Password)$")).fill(password or settings.AFTERSALES["DEMO_PASSWORD"])
    page.get_by_role("button", name=re.compile(r"^(登录|Sign in)$")).click()
    page.wait_for_url(lambda url: "/login/" not in url)


def screenshots_wanted() -> bool:
    """``make screenshots`` sets AFTERSALES_SCREENSHOTS=1; an ordinary test run leaves docs/ alone."""
    return os.environ.get("AFTERSALES_SCREENSHOTS", "").lower() in {"1", "true", "yes"}


def screenshot(page: Any, name: str, *, from_top: bool = True, element: Any = None) -> Path:
    """Save the visible part of ``page`` as docs/screenshots/<name>.png (CSS pixels, so a phone is 375 wide).

    Only under ``make screenshots`` (AFTERSALES_SCREENSHOTS=1): a normal run would otherwise rewrite the
    committed pictures every time. The picture starts at the top of the page, as a user opening it sees
    it, unless ``from_top`` is false (to show a part further down that the test scrolled to), or only
    ``element`` (a locator: one panel of a wide page whose other columns are empty that far down).
    """
    path = SCREENSHOTS_DIR / f"{name}.png"
    if not screenshots_wanted():
        return path
    SCREENSHOTS_DIR.mkdir(parents=True, exist_ok=True)
    if from_top:
        page.evaluate("window.scrollTo({top: 0, behavior: 'instant'})")
    page.evaluate("document.fonts.ready.then(() => true)")
    # No focus ring or caret in the picture: it should show the screen, not where the test clicked.
    page.evaluate("document.activeElement && document.activeElement.blur && document.activeElement.blur()")
    if element is not None:
        png = element.screenshot(animations="disabled", caret="hide", scale="css")
    else:
        png = page.screenshot(full_page=False, animations="disabled", caret="hide", scale="css")
    _palette_png(Image.open(io.BytesIO(png)).convert("RGB")).save(path, optimize=True)
    return path


def _palette_png(image: Image.Image) -> Image.Image:
    """The screenshot in 256 colours, a third of the size of the original (these files are committed
    again after every run). Max-coverage quantising keeps every colour within a few steps of the
    original; then the most frequent colours are put back exactly, so backgrounds, text and status
    badges keep their true colour rather than a faint tint."""
    palette_image = image.quantize(256, method=Image.Quantize.MAXCOVERAGE, dither=Image.Dither.NONE)
    frequent = [colour for _count, colour in sorted(image.getcolors(1 << 24) or [], reverse=True)[:EXACT_COLOURS]]
    wanted, first_at = set(frequent), {}
    for position, colour in enumerate(image.get_flattened_data()):
        if colour in wanted and colour not in first_at:
            first_at[colour] = position
            if len(first_at) == len(wanted):
                break
    palette = palette_image.getpalette() or []
    for colour in reversed(frequent):  # the most frequent last: it wins an entry two of them share
        index = palette_image.getpixel((first_at[colour] % image.width, first_at[colour] // image.width))
        palette[3 * index : 3 * index + 3] = colour
    palette_image.putpalette(palette)
    return palette_image


def draw_signature(page: Any, canvas: Any) -> None:
    """Draw a name-like scribble on ``canvas`` with mouse strokes, as a finger would."""
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box is not None and box["width"] > 50 and box["height"] > 30, f"signature pad too small: {box}"
    left, top, width, height = box["x"], box["y"], box["width"], box["height"]
    strokes = [
        [(0.10, 0.70), (0.18, 0.25), (0.26, 0.70), (0.34, 0.30)],
        [(0.40, 0.55), (0.48, 0.35), (0.55, 0.65), (0.62, 0.40), (0.70, 0.60)],
        [(0.75, 0.30), (0.80, 0.75), (0.90, 0.45)],
    ]
    for stroke in strokes:
        x, y = stroke[0]
        page.mouse.move(left + x * width, top + y * height)
        page.mouse.down()
        for x, y in stroke[1:]:
            page.mouse.move(left + x * width, top + y * height, steps=8)
        page.mouse.up()


def follow_nav(page: Any, name: str, *, exact: bool = False) -> None:
    """Follow the top bar's link ``name`` (the text the user reads), from its group's menu when the
    link is in one (every group after the day's work with more than one link, templates/includes/navbar.html)."""
    nav = page.get_by_role("navigation", name=zh("Main"))
    link = page.get_by_role("link", name=name, exact=exact, include_hidden=True)
    if not nav.locator(link).is_visible():
        nav.locator(".dropdown", has=link).get_by_role("button").click()
    nav.locator(link).click()


def pick(page: Any, label: str, *, typed: str, option: str) -> None:
    """Choose ``option`` in the search picker labelled ``label`` (core.widgets.SearchPicker) as a user does:
    type ``typed`` (nothing: the picker offers on entry) and click the option among those offered."""
    box = page.get_by_label(re.compile(rf"^{re.escape(label)}\s*\*?$"))  # a required field's label ends in *
    box.click()
    if typed:
        box.press_sequentially(typed)
    listbox = page.locator(f"#{box.get_attribute('id')}_options")
    listbox.get_by_role("option", name=option).first.click()
