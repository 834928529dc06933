"""The HTTP API (``lawfulreach serve``): a thin FastAPI layer over ``api.backend.Backend``.

``create_app(backend)`` builds the application; ``Backend.open(ApiConfig(...))`` builds what it
serves. Importing this package does not import FastAPI until ``create_app`` is used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lawfulreach.api.app import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from lawfulreach.api.app import create_app

        return create_app
    raise AttributeError(name)
