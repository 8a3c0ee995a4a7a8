"""``{% sso_providers as providers %}``: the configured IdPs for the login buttons."""

from django import template

from sso.providers import configured_providers

register = template.Library()


@register.simple_tag
def sso_providers():
    return configured_providers()
