"""Every rule module; importing this package registers them all."""

from . import numbering, placeholder, residue  # noqa: F401
