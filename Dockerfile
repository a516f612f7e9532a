# syntax=docker/dockerfile:1
# Build: the official Swift image, release mode, Swift runtime linked statically.
ARG SWIFT_VERSION=6.3
FROM swift:${SWIFT_VERSION}-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends libyaml-dev pkg-config \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Resolve dependencies in their own layer so source edits do not refetch them.
COPY Package.swift ./
RUN swift package resolve
COPY Sources ./Sources
RUN swift build -c release --static-swift-stdlib --product tokensmith \
 && install -D -m 0755 "$(swift build -c release --show-bin-path)/tokensmith" /out/tokensmith \
 && strip /out/tokensmith

# Run: slim Debian with only libyaml and CA certificates, as a non-root user.
# scripts/check-docker checks that these packages and the base image provide
# every shared library the binary needs.
FROM debian:bookworm-slim
# OCI labels: pass --build-arg VERSION=… SOURCE=… for a release; VERSION's
# default is what `tokensmith --version` prints (scripts/check-docker checks).
ARG VERSION=0.1.0
ARG SOURCE=https://github.com/tokensmith/tokensmith
LABEL org.opencontainers.image.title="tokensmith" \
      org.opencontainers.image.description="Batch OAuth 2.0 client-credentials provisioner" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN apt-get update \
 && apt-get install -y --no-install-recommends libyaml-0-2 ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 tokensmith \
 && useradd --system --uid 10001 --gid tokensmith --no-create-home --shell /usr/sbin/nologin tokensmith
COPY --from=build /out/tokensmith /usr/local/bin/tokensmith
USER 10001:10001
WORKDIR /work
ENTRYPOINT ["tokensmith"]
CMD ["--help"]
