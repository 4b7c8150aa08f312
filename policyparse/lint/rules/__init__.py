"""Every rule module; importing this package registers them all."""

from . import placeholder, residue  # noqa: F401
