"""Reports: Markdown and self-contained HTML rendered from Results with jinja2 templates."""

from campuseval.report.render import render

__all__ = ["render"]
