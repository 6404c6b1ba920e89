"""Stage 5: what is made beside the pages: the W3C annotation export, Pages files, the search index."""
