"""Structure: the numbering grammar, the outline, task chapters and their owners."""
