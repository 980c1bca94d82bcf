"""The recipe domain: pure Python, standard library only."""
