"""Stage 4: the page plan, and rendering it through the templates."""
