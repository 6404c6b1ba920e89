"""The machinery: what to read, render and write again (cache, record, reads, workers, writer)."""
