"""Template helpers of the detail pages: links to an object's pages by its model."""

from django import template

from kitos.detail import object_url

register = template.Library()


@register.filter
def detail_url(obj) -> str:
    """The URL of `obj`'s detail page ("" when it has none)."""
    return (object_url(obj) or "") if obj is not None else ""


@register.filter
def action_url(obj, action: str) -> str:
    """The URL of `obj`'s update or delete page ("" when it has none)."""
    return (object_url(obj, action) or "") if obj is not None else ""
