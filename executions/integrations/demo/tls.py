"""Throw-away TLS material: a CA, a server certificate for 127.0.0.1/localhost and a client certificate.

Generated with `cryptography` on each run, so the tests exercise certificate verification (a custom CA
bundle) and mutual TLS (a client certificate) without any file checked in.
"""
from __future__ import annotations

import datetime
import ipaddress
import ssl
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


@dataclass(frozen=True, slots=True)
class TlsMaterial:
    """A CA, a server certificate for 127.0.0.1/localhost and a client certificate, as PEM files and strings."""

    directory: Path
    ca_cert_pem: str
    server_cert_pem: str
    server_key_pem: str
    client_cert_pem: str
    client_key_pem: str

    @property
    def ca_cert_path(self) -> Path:
        return self.directory / "ca.pem"

    @property
    def server_cert_path(self) -> Path:
        return self.directory / "server.pem"

    @property
    def server_key_path(self) -> Path:
        return self.directory / "server-key.pem"

    @property
    def client_cert_path(self) -> Path:
        return self.directory / "client.pem"

    @property
    def client_key_path(self) -> Path:
        return self.directory / "client-key.pem"

    def server_context(self, *, require_client_cert: bool = False) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.server_cert_path, self.server_key_path)
        if require_client_cert:
            context.verify_mode = ssl.CERT_REQUIRED
            context.load_verify_locations(cafile=self.ca_cert_path)
        return context

    def client_context(self, *, with_client_cert: bool = False) -> ssl.SSLContext:
        """A client context trusting this CA only, presenting the client certificate when asked to."""
        context = ssl.create_default_context(cafile=str(self.ca_cert_path))
        if with_client_cert:
            context.load_cert_chain(self.client_cert_path, self.client_key_path)
        return context


def make_tls_material(directory: str | Path) -> TlsMaterial:
    """Generate a CA and the server and client certificates it signs (EC P-256, valid 30 days) into `directory`."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    now = datetime.datetime.now(datetime.timezone.utc)

    def name(common_name: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Flowdeck demo"),
                          x509.NameAttribute(NameOID.COMMON_NAME, common_name)])

    def key_pem(key) -> str:
        return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                 serialization.NoEncryption()).decode()

    def cert_pem(cert) -> str:
        return cert.public_bytes(serialization.Encoding.PEM).decode()

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_ski = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(name("Flowdeck demo CA")).issuer_name(name("Flowdeck demo CA"))
        .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                     crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(ca_ski, critical=False)
        .sign(ca_key, hashes.SHA256())
    )

    def leaf(common_name: str, usage, sans: list | None):
        key = ec.generate_private_key(ec.SECP256R1())
        builder = (
            x509.CertificateBuilder()
            .subject_name(name(common_name)).issuer_name(ca_cert.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=True, key_cert_sign=False,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False)
        )
        if sans:
            builder = builder.add_extension(x509.SubjectAlternativeName(sans), critical=False)
        return key, builder.sign(ca_key, hashes.SHA256())

    server_key, server_cert = leaf("localhost", ExtendedKeyUsageOID.SERVER_AUTH, [
        x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
        x509.IPAddress(ipaddress.ip_address("::1"))])
    client_key, client_cert = leaf("flowdeck-demo-client", ExtendedKeyUsageOID.CLIENT_AUTH, None)

    material = TlsMaterial(directory=directory, ca_cert_pem=cert_pem(ca_cert),
                           server_cert_pem=cert_pem(server_cert), server_key_pem=key_pem(server_key),
                           client_cert_pem=cert_pem(client_cert), client_key_pem=key_pem(client_key))
    material.ca_cert_path.write_text(material.ca_cert_pem)
    material.server_cert_path.write_text(material.server_cert_pem)
    material.server_key_path.write_text(material.server_key_pem)
    material.client_cert_path.write_text(material.client_cert_pem)
    material.client_key_path.write_text(material.client_key_pem)
    for path in (material.server_key_path, material.client_key_path):
        path.chmod(0o600)
    return material
