import Foundation
import LocalIssuer
import Testing

/// Assertions and DPoP proofs produced by Python's `cryptography` package: a second,
/// unrelated implementation, so the server is not only checked against swift-crypto.
@Suite("Interop with Python cryptography")
struct PythonInteropTests {
    static let script = #"""
        import base64, hashlib, hmac, json, sys, time, uuid
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
        from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

        issuer, token_endpoint = sys.argv[1], sys.argv[2]
        b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
        H = {"256": hashes.SHA256, "384": hashes.SHA384, "512": hashes.SHA512}

        def sign(alg, key, data):
            if alg.startswith("HS"):
                return hmac.new(key, data, getattr(hashlib, "sha" + alg[2:])).digest()
            if alg.startswith("RS"):
                return key.sign(data, padding.PKCS1v15(), H[alg[2:]]())
            if alg.startswith("PS"):
                h = H[alg[2:]]()
                return key.sign(data, padding.PSS(mgf=padding.MGF1(h), salt_length=h.digest_size), h)
            if alg.startswith("ES"):
                size = {"256": 32, "384": 48, "512": 66}[alg[2:]]
                r, s = decode_dss_signature(key.sign(data, ec.ECDSA(H[alg[2:]]())))
                return r.to_bytes(size, "big") + s.to_bytes(size, "big")
            return key.sign(data)

        def jws(header, claims, alg, key):
            data = (b64(json.dumps(header).encode()) + "." + b64(json.dumps(claims).encode())).encode()
            return data.decode() + "." + b64(sign(alg, key, data))

        def make(alg):
            if alg[:2] in ("RS", "PS"): return rsa.generate_private_key(public_exponent=65537, key_size=2048)
            if alg == "ES256": return ec.generate_private_key(ec.SECP256R1())
            if alg == "ES384": return ec.generate_private_key(ec.SECP384R1())
            if alg == "ES512": return ec.generate_private_key(ec.SECP521R1())
            return ed25519.Ed25519PrivateKey.generate()

        out = []
        now = int(time.time())
        rsa_key = make("RS256")
        for alg in ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA", "Ed25519"]:
            key = rsa_key if alg[:2] in ("RS", "PS") else make(alg)
            pem = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
            cid = "py-" + alg
            claims = {"iss": cid, "sub": cid, "aud": issuer, "jti": str(uuid.uuid4()), "iat": now, "exp": now + 60}
            out.append({"client": cid, "public_key": pem, "assertion": jws({"alg": alg}, claims, alg, key)})
        for alg in ["HS256", "HS512"]:
            cid = "py-" + alg
            claims = {"iss": cid, "sub": cid, "aud": token_endpoint, "jti": str(uuid.uuid4()), "iat": now, "exp": now + 60}
            out.append({"client": cid, "secret": "python-secret", "assertion": jws({"alg": alg}, claims, alg, b"python-secret")})
        dpop_key = ec.generate_private_key(ec.SECP256R1())
        numbers = dpop_key.public_key().public_numbers()
        jwk = {"kty": "EC", "crv": "P-256", "x": b64(numbers.x.to_bytes(32, "big")), "y": b64(numbers.y.to_bytes(32, "big"))}
        thumbprint = b64(hashlib.sha256(json.dumps({k: jwk[k] for k in ["crv", "kty", "x", "y"]}, separators=(",", ":"), sort_keys=True).encode()).digest())
        proof = jws({"typ": "dpop+jwt", "alg": "ES256", "jwk": jwk}, {"jti": str(uuid.uuid4()), "htm": "POST", "htu": token_endpoint, "iat": now}, "ES256", dpop_key)
        print(json.dumps({"clients": out, "dpop": proof, "jkt": thumbprint}))
        """#

    @Test("Python-signed assertions for every algorithm and a Python DPoP proof are accepted")
    func pythonSigned() async throws {
        try await withIssuer { issuer in
            let result = try await Subprocess.run("/usr/bin/env", ["python3", "-c", Self.script, issuer.issuer, issuer.tokenEndpoint])
            try #require(result.status == 0, "\(result.stderr)")
            let output = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            let entries = try #require(output["clients"] as? [[String: String]])
            #expect(entries.count == 13)
            for entry in entries {
                let id = entry["client"] ?? ""
                let authentication: RegisteredClient.Authentication =
                    entry["secret"].map { .clientSecretJWT(secret: $0) } ?? .privateKeyJWT(publicKey: entry["public_key"] ?? "")
                issuer.register(RegisteredClient(id: id, authentication: authentication))
                let response = try await HTTP.postForm(issuer.tokenEndpoint, ClientAssertionTests.form(entry["assertion"] ?? ""))
                #expect(response.status == 200, "\(id): \(response.body)")
            }
            #expect(issuer.statistics().assertionAudienceByClient["py-HS256"] == issuer.tokenEndpoint)
            #expect(issuer.statistics().assertionAudienceByClient["py-ES256"] == issuer.issuer)

            let proof = try #require(output["dpop"] as? String)
            let dpop = try await HTTP.postForm(
                issuer.tokenEndpoint, [clientCredentials, ("client_id", "public")], headers: [("DPoP", proof)])
            #expect(dpop.status == 401)  // unknown client: the proof alone authenticates nothing
            issuer.register(RegisteredClient(id: "public", authentication: .none))
            let python = try await Subprocess.run("/usr/bin/env", ["python3", "-c", Self.script, issuer.issuer, issuer.tokenEndpoint])
            let second = try #require(try JSONSerialization.jsonObject(with: Data(python.stdout.utf8)) as? [String: Any])
            let accepted = try await HTTP.postForm(
                issuer.tokenEndpoint, [clientCredentials, ("client_id", "public")], headers: [("DPoP", second["dpop"] as? String ?? "")])
            #expect(accepted.status == 200)
            #expect(
                (jwtClaims(accepted.json["access_token"] as? String ?? "")["cnf"] as? [String: String])?["jkt"] == second["jkt"] as? String)
        }
    }
}
