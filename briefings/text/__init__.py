"""Stage 2: Markdown to HTML, and every annotation's quote anchored in the visible text."""
