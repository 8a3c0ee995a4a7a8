"""The importable entities and the reference data rows point at, registered by each
domain app from its ``AppConfig.ready()`` (the engine names no app).

Entities are kept in dependency order: everything an entity references comes first.
Each app gives its entities a position (``order``) on one scale, so that the order
holds across apps: units 10, persons 20, suppliers 30, systems 40, usages 50,
integrations 60, contracts 70, cost lines 80, competencies 90, data assets 100,
processing activities 110, agreements 120, role assignments last (1000: a role may be
held on any of the others, created by the same file). The containers below are filled
in place, so a module that imported them sees every registration.
"""

from __future__ import annotations

from .spec import EntitySpec

ENTITY_SPECS: list[EntitySpec] = []
SPECS_BY_KEY: dict[str, EntitySpec] = {}
# Reference data that rows point at but the import does not create.
REFERENCE_SOURCES: list = []
SOURCES_BY_KEY: dict = {}
ENTITY_KEYS: list[str] = []
_ORDER: dict[str, int] = {}


def register_entity(spec: EntitySpec, *, order: int) -> None:
    """Make `spec` importable and exportable, at position `order` (see above)."""
    if spec.key in SPECS_BY_KEY:
        return
    _ORDER[spec.key] = order
    ENTITY_SPECS.append(spec)
    ENTITY_SPECS.sort(key=lambda registered: _ORDER[registered.key])
    SPECS_BY_KEY[spec.key] = spec
    SOURCES_BY_KEY[spec.key] = spec
    ENTITY_KEYS[:] = [registered.key for registered in ENTITY_SPECS]


def register_reference(source) -> None:
    """Let rows point at `source` (role types, disciplines, data categories, KLE)."""
    if source.key in SOURCES_BY_KEY:
        return
    REFERENCE_SOURCES.append(source)
    SOURCES_BY_KEY[source.key] = source
