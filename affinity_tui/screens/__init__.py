"""One module per screen; a screen wires widgets to ``data`` calls through workers."""
