-- wrk script: client_credentials token requests with client_secret_basic against a
-- fast-mode tokensmith-local-issuer (see Benchmarks/local-issuer-bench.json).
--
--   tokensmith-local-issuer --config Benchmarks/local-issuer-bench.json
--   wrk -t2 -c64 -d10s -s Benchmarks/wrk-token.lua http://127.0.0.1:PORT/token
--
-- Credentials: client "bench", secret "bench-secret" (base64 of "bench:bench-secret").
wrk.method = "POST"
wrk.body = "grant_type=client_credentials&scope=read"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Accept"] = "application/json"
wrk.headers["Authorization"] = "Basic YmVuY2g6YmVuY2gtc2VjcmV0"
