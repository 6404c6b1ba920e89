"""Stage 1: read the content folder into the model, checking everything."""
