#!/usr/bin/env python3
"""Writes the seed corpora under Fuzz/corpus/ (run from the repository root).

Fields of multi-field targets are separated by 0xFF, as FuzzFields reads them.
Keys are generated fresh; they are test material for the parsers, never used.
"""
import base64, json, os, pathlib, shutil, sys

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

root = pathlib.Path("Fuzz/corpus")
SEP = b"\xff"


def write(target, name, data):
    folder = root / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data if isinstance(data, bytes) else data.encode())


def fields(*parts):
    return SEP.join(p if isinstance(p, bytes) else str(p).encode() for p in parts)


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


shutil.rmtree(root, ignore_errors=True)
examples = sorted(pathlib.Path("examples").glob("*.yaml"))

# YAML and manifests: the examples, plus shapes the examples do not use.
yaml_extras = {
    "anchors-merge.yaml": "x-base: &b {scope: a b, timeout: 5s}\nclients:\n  - <<: *b\n    name: one\n  - <<: [*b, {retries: 2}]\n    name: two\n",
    "block-scalars.yaml": "a: |\n  line one\n  line two\nb: >-\n  folded\n  text\nc: |+\n  keep\n\n",
    "flow.yaml": "{a: [1, 2.5, -3e2, .inf, ~, true, 'q''s', \"e\\t\\u00e9\\x41\"], b: {c: null}}\n",
    "tags.yaml": "a: !!str 123\nb: !!int '7'\nc: !custom value\nd: !!binary aGVsbG8=\n",
    "multi.yaml": "---\na: 1\n...\n---\n- b\n- c\n",
    "keys.yaml": "? [complex, key]\n: value\n'quoted key': 1\n\"<<\": not a merge\n2026-11-26: date\n",
    "unicode.yaml": "name: \"\\u2028\\u0085\\ufeff\"\nplain: caf\u00e9 \u00fc\nemoji: \"\U0001F511\"\n",
}
for path in examples:
    write("yaml", path.name, path.read_bytes())
    write("manifest", path.name, path.read_bytes())
for name, text in yaml_extras.items():
    write("yaml", name, text)

manifest_extras = {
    "literal-secret-flow.yaml": "version: 1\nissuers:\n  - {name: a, issuer: https://a.example}\nclients:\n  - {name: c1, issuer: a, client_id: x, auth: {method: client_secret_post, secret: Lit3ralSecretValue77, bogus: 1}}\n",
    "env-secret.yaml": "version: 1\nissuers:\n  - name: a\n    issuer: ${ISSUER}\nclients:\n  - name: c1\n    issuer: a\n    client_id: x\n    auth:\n      method: client_secret_basic\n      secret: ${FUZZ_SECRET}\n    outputs:\n      - {format: env, path: out/c1.env}\n",
    "errors.yaml": "version: 2\nissuers:\n  - name: a\n    issuer: http://a.example\n    max_concurency: 4\nclients:\n  - name: ../escape\n    issuer: b\n    auth: {method: private_key_jwt, key_file: /nonexistent.pem}\n  - name: dup\n    issuer: a\n  - name: dup\n    issuer: a\n",
    "multiline-secret.yaml": "version: 1\nissuers: [{name: a, token_endpoint: https://a.example/token}]\nclients:\n  - name: c\n    issuer: a\n    client_id: x\n    auth:\n      method: client_secret_basic\n      secret: |\n        MultiLineSecretValue1\n        MultiLineSecretValue2\n    scope: [a, b]\n",
    "misspelt-secret-keys.yaml": "version: 1\napi_key: TopLevelApiKey42\nissuers:\n  corp: {token_endpoint: https://a.example/token}\nclients:\n  - name: c\n    issuer: corp\n    client_id: x\n    password: ClientLevelPass7\n    auth:\n      method: client_secret_basic\n      client_secret: BlockAuthSecret9\n      zork: UnknownAuthValue3\n",
    "misspelt-secret-flow.yaml": "version: 1\nx-t:\n  base: &base {method: client_secret_post, secert: TemplateSecret8Q}\nissuers:\n  corp: {token_endpoint: https://a.example/token}\nclients:\n  - {name: c, issuer: corp, client_id: x, auth: {<<: *base, clientSecret: FlowCamelSecret5, BareSecretKey6}}\n",
}
for name, text in manifest_extras.items():
    write("manifest", name, text)

# Token endpoint answers: status choice, flags, content type, WWW-Authenticate, Retry-After, body.
good = json.dumps({"access_token": "eyJhbGciOiJFUzI1NiJ9.e30.sig-value-123", "token_type": "Bearer", "expires_in": 3600, "scope": "a b"})
answers = {
    "ok.bin": fields(0, 0, "application/json; charset=utf-8", "", "", good),
    "ok-dpop.bin": fields(0, 3, "application/json", "", "", good.replace("Bearer", "DPoP")),
    "bearer-for-dpop.bin": fields(0, 3, "application/json", "", "", good),
    "string-expiry.bin": fields(0, 0, "application/problem+json", "", "", '{"access_token":"tok-abcdefgh","token_type":"bearer","expires_in":"60","refresh_token":"refresh-abcdefgh","id_token":"a.b.c","x":[1,{"y":null}]}'),
    "missing-type.bin": fields(0, 0, "application/json", "", "", '{"access_token":"tok-secret-value-1"}'),
    "wrong-type.bin": fields(0, 0, "application/json", "", "", '{"access_token":"tok-secret-value-2","token_type":"mac","expires_in":-1}'),
    "html.bin": fields(0, 4, "", "", "", "<html><body>login</body></html>"),
    "bad-json.bin": fields(0, 0, "application/json", "", "", '{"access_token": "tok-secret-value-3", "token_type": "Bearer",'),
    "invalid-client.bin": fields(4, 0, "application/json", "", "", '{"error":"invalid_client","error_description":"bad \\"secret\\"","error_uri":"https://e.example/doc"}'),
    "challenge.bin": fields(5, 0, "application/json", 'Bearer realm="api", error="invalid_token", error_description="expired \\"x\\"", Basic abc==', "", ""),
    "dpop-nonce.bin": fields(4, 3, "application/json", 'DPoP error="use_dpop_nonce", algs="ES256 EdDSA"', "", '{"error":"use_dpop_nonce"}'),
    "slow-down.bin": fields(7, 0, "text/plain", "", "120", "slow down"),
    "retry-date.bin": fields(8, 0, "text/plain", "", "Wed, 21 Oct 2026 07:28:00 GMT", ""),
    "redirect.bin": fields(10, 0, "text/html", "", "", ""),
    "surrogates.bin": fields(0, 0, "application/json", "", "", '{"access_token":"\\ud83d\\udd11-tok\\u0000","token_type":"Bearer","n":1e400,"deep":[[[[[[[[[[]]]]]]]]]]}'),
}
for name, data in answers.items():
    write("token-response", name, data)

for index, header in enumerate([
    'Bearer realm="example", error="invalid_token", error_description="The access token expired"',
    'DPoP algs="ES256 PS256", error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof"',
    'Basic realm="x", charset="UTF-8", Bearer',
    "Negotiate abc123==",
    'Bearer realm="a\\"b\\\\c",scope=read, Foo  bar=baz ,  , Newauth realm="apps", type=1, title="Login to \\"apps\\""',
    "Bearer error=invalid_request, error_uri=https://e.example/x?y=1",
]):
    write("www-authenticate", f"header-{index}.txt", header)

# Output escaping: flags, client name, issuer, client id, token, token type, scope, expiry, prefix.
escapes = {
    "plain.bin": fields(bytes([0]), "billing", "https://issuer.example", "billing-client", "eyJhbGciOi.e30.c2ln", "Bearer", "read write", (1_800_000_000).to_bytes(4, "little"), "APP_"),
    "shell-quotes.bin": fields(bytes([0x11]), "web.v2", "https://i.example/t?a=b&c=d", "id with space", "it's a \"token\" $HOME `x` ~", "DPoP", "a\nb", (1).to_bytes(4, "little"), ""),
    "dotenv.bin": fields(bytes([0x12]), "svc", "iss", "cid", "back\\slash 'quote' and #hash", "Bearer", "${NOT_EXPANDED", (0).to_bytes(4, "little"), "X_"),
    "dotenv-refused.bin": fields(bytes([0x12]), "svc", "iss", "cid", "ends with \\", "Bearer", "s", b"", "X_"),
    "unicode.bin": fields(bytes([0x51]), "ns", "https://\u00e9.example".encode(), "\u2028\u0085\ufeff".encode(), "t\u00f6k\U0001F511n".encode(), "Bearer", "", b"", ""),
    "nul.bin": fields(bytes([0x21]), "c", "i", "id", b"a\x00b", "Bearer", "", b"", "BAD-PREFIX"),
    "digits.bin": fields(bytes([0x41]), "c0", "2026-11-26", "1:30", "0123", "true", "null", (0xFFFFFFFF).to_bytes(4, "little"), ""),
}
for name, data in escapes.items():
    write("output-escaping", name, data)

# Keys: algorithm choice (0 = infer, then JWSAlgorithm.allCases order), key id, text.
ALG_INDEX = {None: 0, "RS256": 4, "PS256": 7, "ES256": 10, "ES384": 11, "ES512": 12, "EdDSA": 13}
pkcs8, traditional = serialization.PrivateFormat.PKCS8, serialization.PrivateFormat.TraditionalOpenSSL
none = serialization.NoEncryption()
PEM = serialization.Encoding.PEM
rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
p256 = ec.generate_private_key(ec.SECP256R1())
p384 = ec.generate_private_key(ec.SECP384R1())
p521 = ec.generate_private_key(ec.SECP521R1())
edkey = ed25519.Ed25519PrivateKey.generate()
keys = {
    "rsa-pkcs8.bin": fields(bytes([ALG_INDEX["RS256"]]), "", rsa_key.private_bytes(PEM, pkcs8, none)),
    "rsa-pkcs1-ps.bin": fields(bytes([ALG_INDEX["PS256"]]), "k1", rsa_key.private_bytes(PEM, traditional, none)),
    "p256-sec1.bin": fields(bytes([ALG_INDEX["ES256"]]), "", p256.private_bytes(PEM, traditional, none)),
    "p384-pkcs8.bin": fields(bytes([0]), "", p384.private_bytes(PEM, pkcs8, none)),
    "p521-wrong-alg.bin": fields(bytes([ALG_INDEX["ES256"]]), "", p521.private_bytes(PEM, pkcs8, none)),
    "ed25519.bin": fields(bytes([ALG_INDEX["EdDSA"]]), "", edkey.private_bytes(PEM, pkcs8, none)),
    "encrypted.bin": fields(bytes([0]), "", p256.private_bytes(PEM, pkcs8, serialization.BestAvailableEncryption(b"pw"))),
}
numbers = p256.private_numbers()
jwk = {"kty": "EC", "crv": "P-256", "kid": "j1",
       "x": b64url(numbers.public_numbers.x.to_bytes(32, "big")),
       "y": b64url(numbers.public_numbers.y.to_bytes(32, "big")),
       "d": b64url(numbers.private_value.to_bytes(32, "big"))}
keys["jwk-ec.bin"] = fields(bytes([0]), "", json.dumps(jwk))
keys["jwk-set.bin"] = fields(bytes([0]), "j1", json.dumps({"keys": [jwk, dict(jwk, kid="j2")]}))
raw = edkey.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, none)
pub = edkey.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
keys["jwk-okp.bin"] = fields(bytes([0]), "", json.dumps({"kty": "OKP", "crv": "Ed25519", "x": b64url(pub), "d": b64url(raw)}))
keys["public-only.bin"] = fields(bytes([0]), "", p256.public_key().public_bytes(PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
for name, data in keys.items():
    write("key-loading", name, data)

print(f"wrote {sum(1 for _ in root.rglob('*') if _.is_file())} seeds under {root}", file=sys.stderr)
