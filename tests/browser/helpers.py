"""Steps the browser tests share: logging in and choosing in a picker by keyboard."""

from __future__ import annotations

import re

PASSWORD = "test-password-123"  # tests.factories.UserFactory's password


def log_in(page, url: str, username: str = "chef") -> None:
    """Open `url`, which sends an anonymous visitor to the login page, and log in."""
    page.goto(url)
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()


def pick(page, label: str, text: str) -> None:
    """Type `text` into the picker the label names, wait for a matching option, choose
    it with Enter and close the list, as a keyboard user does."""
    picker = page.get_by_role("combobox", name=label, exact=True)
    picker.click()
    picker.press_sequentially(text)
    page.get_by_role("listbox", name=label, exact=True).get_by_role(
        "option", name=re.compile(re.escape(text))).first.wait_for()
    picker.press("Enter")
    picker.press("Escape")
