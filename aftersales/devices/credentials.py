"""Device secrets: long random strings (generated, or flashed at the factory), kept as SHA-256 hashes.
SHA-256 is enough for secrets of that entropy, and keeps the HTTP endpoint's check cheap at thousands
of messages a second (a password hash would cost that per request)."""

import base64
import hashlib
import hmac
import secrets

from aftersales.devices.models import Device


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def secret_matches(device: Device, secret: str) -> bool:
    return hmac.compare_digest(device.secret_hash, hash_secret(secret))


# Mosquitto's password file format ``$7$<iterations>$<salt>$<hash>`` (PBKDF2-SHA512, what
# ``mosquitto_passwd`` writes): the broker checks a device's secret itself (``manage.py
# mosquitto_auth``). Computed when the secret is known (registered or rotated), as only its hash is kept.
BROKER_ITERATIONS = 1000


def broker_hash(secret: str, *, salt: bytes | None = None, iterations: int = BROKER_ITERATIONS) -> str:
    salt = salt or secrets.token_bytes(12)
    digest = hashlib.pbkdf2_hmac("sha512", secret.encode(), salt, iterations)
    return f"$7${iterations}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"
