"""The API's JSON parser, bounded in nesting depth.

No kitos resource nests deeper than a few levels, but a 1,000-deep body (``[[[[…]]]]``)
reached Python's recursion limit inside the parser or the serializers and answered 500.
Bodies deeper than ``MAX_DEPTH`` are refused with 400 before any serializer sees them.
(Its own module: DRF imports it while loading its settings.)
"""

from __future__ import annotations

import json

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 20


def depth_of(value) -> int:
    """Nesting depth of a parsed JSON value, without recursion (1 for a scalar)."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
    return deepest


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = stream.read().decode(encoding)
            data = json.loads(text, parse_constant=_refuse_constant)
        except RecursionError:
            raise ParseError(_too_deep()) from None
        except (ValueError, UnicodeDecodeError) as error:
            raise ParseError(_("Ugyldig JSON: %(error)s") % {"error": error}) from None
        if depth_of(data) > MAX_DEPTH:
            raise ParseError(_too_deep())
        return data


def _refuse_constant(name: str):
    # NaN and Infinity are not JSON (RFC 8259); Python's json accepts them by default.
    raise ValueError(_("%(name)s er ikke en gyldig JSON-værdi") % {"name": name})


def _too_deep() -> str:
    return _("JSON-data må højst være indlejret %(depth)s niveauer dybt.") % {
        "depth": MAX_DEPTH
    }
