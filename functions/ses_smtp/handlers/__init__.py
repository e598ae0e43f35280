"""Lambda entry points: thin wrappers that parse the event and call the plain logic."""
