"""One router per endpoint family, all under ``/v1``; ``api.app`` mounts them."""
