"""Authoring: changes to the editor's content made by the tool - annotations written from the
preview, drifted quotes repaired by `briefings fix` - with sidecars rewritten loss-free."""
