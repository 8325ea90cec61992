"""The issuer's Ed25519 key, canonical JSON, and Data Integrity proofs (eddsa-jcs-2022). No Flask here.

Canonical JSON is RFC 8785 (JCS) for the values we sign: strings, integers, null, lists and objects
with ASCII keys, so sorted keys and no whitespace give the same bytes as a full JCS implementation.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

KEY_FILE = "certificate_signing_key.pem"
#: multicodec prefix of an Ed25519 public key, as did:key and Multikey write it
_ED25519_MULTICODEC = b"\xed\x01"
_BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


@dataclass(frozen=True)
class IssuerKey:
    private: Ed25519PrivateKey | None
    public: Ed25519PublicKey

    @property
    def key_id(self) -> str:
        return public_key_id(self.public)

    @property
    def multibase(self) -> str:
        return "z" + b58encode(_ED25519_MULTICODEC + raw_public(self.public))


def raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_key_id(key: Ed25519PublicKey) -> str:
    return "key-" + hashlib.sha256(raw_public(key)).hexdigest()[:16]


def load_or_create(instance: Path) -> IssuerKey:
    """The issuer's key pair from the instance folder, created there (mode 0600) on first use.

    The new key is written to a private temporary file, then linked into place: two processes
    starting at once both end up with the one key that won the link.
    """
    path = instance / KEY_FILE
    if not path.exists():
        private = Ed25519PrivateKey.generate()
        pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
        temporary = instance / f".{KEY_FILE}.{secrets.token_hex(8)}"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(pem)
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    private = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(private, Ed25519PrivateKey):
        raise ValueError(f"{path} is not an Ed25519 private key")
    return IssuerKey(private, private.public_key())


def canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(key: IssuerKey, value: Any) -> str:
    """Base64url Ed25519 signature over the canonical JSON of `value`."""
    if key.private is None:
        raise ValueError("a public key cannot sign")
    return b64url(key.private.sign(canonical(value)))


def is_signed_by(public: Ed25519PublicKey, value: Any, signature: str) -> bool:
    try:
        public.verify(b64url_decode(signature), canonical(value))
    except (InvalidSignature, ValueError):
        return False
    return True


def b58encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    out = ""
    while number:
        number, remainder = divmod(number, 58)
        out = _BASE58[remainder] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


def b58decode(text: str) -> bytes:
    number = 0
    for char in text:
        number = number * 58 + _BASE58.index(char)  # ValueError on a foreign character
    body = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body


def public_from_multibase(text: str) -> Ed25519PublicKey:
    if not text.startswith("z"):
        raise ValueError("not a base58btc multibase key")
    data = b58decode(text[1:])
    if not data.startswith(_ED25519_MULTICODEC) or len(data) != 34:
        raise ValueError("not an Ed25519 multikey")
    return Ed25519PublicKey.from_public_bytes(data[2:])


def _hash_data(document: dict, proof_options: dict) -> bytes:
    """What eddsa-jcs-2022 signs: SHA-256 of the proof options, then of the document without proof."""
    options = {key: value for key, value in proof_options.items() if key != "proofValue"}
    options["@context"] = document["@context"]
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    return hashlib.sha256(canonical(options)).digest() + hashlib.sha256(canonical(unsecured)).digest()


def add_proof(key: IssuerKey, document: dict, verification_method: str, created: str) -> dict:
    """`document` with a DataIntegrityProof (cryptosuite eddsa-jcs-2022) by the issuer's key."""
    if key.private is None:
        raise ValueError("a public key cannot sign")
    proof = {"type": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022", "created": created,
             "verificationMethod": verification_method, "proofPurpose": "assertionMethod"}
    proof["proofValue"] = "z" + b58encode(key.private.sign(_hash_data(document, proof)))
    return {**copy.deepcopy(document), "proof": proof}


def has_valid_proof(document: dict, public: Ed25519PublicKey) -> bool:
    """True if the document's eddsa-jcs-2022 proof was made by `public` over exactly this document."""
    proof = document.get("proof")
    if not isinstance(proof, dict) or proof.get("cryptosuite") != "eddsa-jcs-2022":
        return False
    value = proof.get("proofValue")
    if not isinstance(value, str) or not value.startswith("z") or "@context" not in document:
        return False
    try:
        public.verify(b58decode(value[1:]), _hash_data(document, proof))
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def public_key_from_file(path: Path, key_id: str | None) -> Ed25519PublicKey:
    """A public key from a PEM file (public or private) or from the issuer JSON the app publishes.

    Raises ValueError when the file holds no Ed25519 key (with `key_id`, when none has that id).
    """
    data = path.read_bytes()
    if data.lstrip().startswith(b"{"):
        issuer = json.loads(data)
        for method in issuer.get("verificationMethod", []):
            if key_id is None or method.get("id", "").endswith("#" + key_id):
                return public_from_multibase(method["publicKeyMultibase"])
        raise ValueError("the issuer file has no key with this id")
    if b"PRIVATE KEY" in data:
        key = serialization.load_pem_private_key(data, password=None).public_key()
    else:
        key = serialization.load_pem_public_key(data)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 key")
    return key
