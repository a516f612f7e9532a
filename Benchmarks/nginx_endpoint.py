"""A fixed-body token endpoint served by nginx, for the benchmark's ceiling
rows and its HTTPS and HTTP/2 rows.

nginx answers every POST with the same token JSON from memory. Two fronts
share one answering server block: plain HTTP/1.1, and TLS (HTTP/1.1 or
HTTP/2 by ALPN). The TLS front proxies to the answering block, so nginx reads
every request body, as a real server does: an HTTP/2 `return` that never reads
bodies lets the connection's flow-control window fill after a few hundred
POSTs, and the client then stalls.
"""
import datetime
import ipaddress
import os
import shutil
import socket
import subprocess
import time

TOKEN_BODY = '{"access_token":"bench-token","token_type":"Bearer","expires_in":3600}'


def nginx_binary():
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def self_signed(folder):
    """A P-256 certificate for 127.0.0.1, its key, both PEM; returns (cert, key) paths."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = os.path.join(folder, "cert.pem"), os.path.join(folder, "key.pem")
    with open(cert_path, "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(key_path, "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return cert_path, key_path


class NginxEndpoint:
    """nginx on loopback: `plain_url`, `h2_url` (TLS with http2) and `h1_tls_url`
    (TLS without http2), each ending in /token; `ca_file` trusts the TLS fronts."""

    def __init__(self, folder):
        binary = nginx_binary()
        if not binary:
            raise FileNotFoundError("nginx is not installed (scripts/bootstrap installs nginx-light)")
        os.makedirs(os.path.join(folder, "logs"), exist_ok=True)
        self.ca_file, key = self_signed(folder)
        plain, h2, h1_tls, backend = free_port(), free_port(), free_port(), free_port()
        temp = " ".join(f"{kind}_temp_path {folder}/{kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        answer = f"default_type application/json; return 200 '{TOKEN_BODY}';"
        tls = f"ssl_certificate {self.ca_file}; ssl_certificate_key {key};"
        proxy = ('location /token { proxy_pass http://answer; proxy_http_version 1.1; '
                 'proxy_set_header Connection ""; }')
        config = f"""
pid {folder}/nginx.pid;
error_log {folder}/logs/error.log;
worker_processes 1;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  keepalive_requests 1000000;
  {temp}
  upstream answer {{ server 127.0.0.1:{backend}; keepalive 64; }}
  server {{ listen 127.0.0.1:{backend}; location / {{ {answer} }} }}
  server {{ listen 127.0.0.1:{plain}; location /token {{ {answer} }} }}
  server {{ listen 127.0.0.1:{h2} ssl http2; http2_max_concurrent_streams 256; {tls} {proxy} }}
  server {{ listen 127.0.0.1:{h1_tls} ssl; {tls} {proxy} }}
}}
"""
        config_path = os.path.join(folder, "nginx.conf")
        with open(config_path, "w") as f:
            f.write(config)
        self.process = subprocess.Popen([binary, "-p", folder, "-c", config_path, "-e", f"{folder}/logs/error.log",
                                         "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while not os.path.exists(os.path.join(folder, "nginx.pid")):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"nginx did not start; see {folder}/logs/error.log")
            time.sleep(0.05)
        self.plain_url = f"http://127.0.0.1:{plain}/token"
        self.h2_url = f"https://127.0.0.1:{h2}/token"
        self.h1_tls_url = f"https://127.0.0.1:{h1_tls}/token"

    def stop(self):
        self.process.terminate()
        self.process.wait()
