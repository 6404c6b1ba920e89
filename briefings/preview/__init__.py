"""The live preview: the engine kept in memory, served with live reload."""
