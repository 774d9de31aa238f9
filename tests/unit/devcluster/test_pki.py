from __future__ import annotations

import ipaddress
from pathlib import Path

from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from kubevisor.devcluster.pki import ADMIN_GROUP, ADMIN_USER, write_pki


def _load(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def test_certificates_chain_to_the_ca_with_the_right_names(tmp_path: Path) -> None:
    pki = write_pki(tmp_path / "pki", ip_addresses=("127.0.0.1", "10.0.0.1"))
    ca = _load(pki.ca_cert)
    serving = _load(pki.serving_cert)
    admin = _load(pki.admin_cert)

    for cert in (serving, admin):
        cert.verify_directly_issued_by(ca)

    san = serving.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert set(san.get_values_for_type(x509.IPAddress)) == {
        ipaddress.ip_address("127.0.0.1"),
        ipaddress.ip_address("10.0.0.1"),
    }
    assert "localhost" in san.get_values_for_type(x509.DNSName)
    serving_usage = serving.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(serving_usage) == [ExtendedKeyUsageOID.SERVER_AUTH]

    # Kubernetes takes the user from CN and the groups from O.
    cn = admin.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
    org = admin.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value
    assert (cn, org) == (ADMIN_USER, ADMIN_GROUP)
    admin_usage = admin.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(admin_usage) == [ExtendedKeyUsageOID.CLIENT_AUTH]


def test_private_keys_are_readable_by_the_owner_only(tmp_path: Path) -> None:
    pki = write_pki(tmp_path / "pki")
    for key in (pki.serving_key, pki.admin_key, pki.service_account_key):
        assert key.stat().st_mode & 0o077 == 0
    assert pki.service_account_pub.read_text().startswith("-----BEGIN PUBLIC KEY-----")
