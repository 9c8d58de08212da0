"""Device secrets: long random strings (generated, or flashed at the factory), kept as SHA-256 hashes.
SHA-256 is enough for secrets of that entropy, and keeps the HTTP endpoint's check cheap at thousands
of messages a second (a password hash would cost that per request)."""

import hashlib
import hmac

from aftersales.devices.models import Device


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def secret_matches(device: Device, secret: str) -> bool:
    return hmac.compare_digest(device.secret_hash, hash_secret(secret))
