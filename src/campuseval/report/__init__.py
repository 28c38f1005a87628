"""Reports: Markdown and self-contained HTML rendered from Results with jinja2 templates."""
