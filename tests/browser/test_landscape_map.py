"""The landscape map on the demo data in Chromium (issue #18's acceptance): the demo's
100+ integrations are drawn in under 2 seconds once the page has arrived, every system on the map
is reachable from the keyboard and Enter opens it, the PNG export downloads a picture,
and the page keeps the CSP."""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from portfolio.models import Integration

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "kitos-demo-2026"
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "landscape-map.png"
RENDER_BUDGET_MS = 2000


def test_the_demo_map_renders_fast_and_every_system_is_reachable_by_keyboard(
        live_server, page):
    call_command("seed_demo", stdout=StringIO())
    assert Integration.objects.filter(organisation__slug="demo").count() >= 100

    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.goto(f"{live_server.url}/konto/log-ind/?next=/")
    page.get_by_label("Brugernavn").fill("chef")
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url(re.compile(r"/$"))

    # Timed from the navigation itself: data-rendered-ms is performance.now() when
    # cytoscape has drawn its first frame (navigation start is 0). One visit first, as a
    # running server has had: the first one compiles the templates and loads the scripts.
    page.set_viewport_size({"width": 1600, "height": 1000})
    page.goto(f"{live_server.url}/landskab/kort/")
    page.locator("#landscape-map[data-rendered]").wait_for(state="attached", timeout=10_000)
    page.goto(f"{live_server.url}/landskab/kort/")
    container = page.locator("#landscape-map[data-rendered]")
    container.wait_for(state="attached", timeout=10_000)
    rendered_ms = int(container.get_attribute("data-rendered-ms"))
    edges = int(container.get_attribute("data-edge-count"))
    nodes = int(container.get_attribute("data-node-count"))
    assert edges >= 100, edges
    drawing_from = int(container.get_attribute("data-draw-start-ms"))
    # The map's own drawing is held to the budget; the time before it is the server's
    # answer, which a loaded CI machine stretches (a suite asserts no server timings).
    drawing_ms = rendered_ms - drawing_from
    print(f"{edges} integrations: navigation to first frame {rendered_ms} ms, "
          f"drawing {drawing_ms} ms")
    assert 0 <= drawing_ms < RENDER_BUDGET_MS, (
        f"{edges} integrations drawn in {drawing_ms} ms (from {drawing_from} ms to "
        f"{rendered_ms} ms after navigation)")
    # The table beside the map carries the same integrations.
    assert page.locator("table.data tbody tr").count() == edges

    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=False)

    # The PNG export is cytoscape's own picture of the whole map.
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Eksportér som PNG").click()
    assert download_info.value.suggested_filename.startswith("landskabskort-")
    assert download_info.value.path().read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    # Keyboard: Tab reaches the list of systems (one stop), the arrows walk it, and each
    # system they land on is the one selected in the map.
    links = page.locator("#map-nodes a[data-node]")
    assert links.count() == nodes
    page.locator("#map-filters button[type=submit]").focus()
    selected = set()
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.hasAttribute('data-node')"):
            break
    else:
        pytest.fail("Tab never reached the list of systems")
    for _ in range(nodes):
        focused = page.evaluate("document.activeElement.getAttribute('data-node')")
        assert page.evaluate(
            "id => window.landscapeMap.getElementById(id).selected()", focused)
        selected.add(focused)
        page.keyboard.press("ArrowDown")
    all_ids = set(page.evaluate(
        "window.landscapeMap.nodes('.usage').map(node => node.id())"))
    assert selected == all_ids

    # Enter opens the system the keyboard is on.
    page.keyboard.press("Home")
    name = page.evaluate("document.activeElement.textContent").strip()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/systemanvendelser/[0-9a-f-]+/"))
    assert name.split(" (")[0] in page.locator("h1").inner_text()
    assert not violations, violations
