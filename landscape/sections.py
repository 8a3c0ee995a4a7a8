"""The landscape's front page lists its analyses; each part adds its own entry from its
`<feature>_setup.register()`, so the page never names a part."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class Section:
    title: str
    description: str
    url_name: str
    order: int

    @property
    def url(self) -> str:
        return reverse(self.url_name)


_sections: dict[str, Section] = {}


def add_section(*, title, description, url_name: str, order: int) -> None:
    """Registering the same page twice (a reloaded app) keeps one entry."""
    _sections[url_name] = Section(title, description, url_name, order)


def sections() -> list[Section]:
    return sorted(_sections.values(), key=lambda section: (section.order, section.url_name))
