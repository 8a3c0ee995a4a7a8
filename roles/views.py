"""Roles pages."""
