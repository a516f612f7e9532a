# syntax=docker/dockerfile:1
# The image of the GitLab seed-tokens job: the tokensmith image plus kubectl.
#   docker build -f tokensmith-kubectl.Dockerfile \
#     -t registry.example.com/platform/tokensmith-kubectl:0.1.0 .
ARG TOKENSMITH_IMAGE=registry.example.com/platform/tokensmith:0.1.0
FROM ${TOKENSMITH_IMAGE}
ARG KUBECTL_VERSION=v1.32.4
ARG TARGETARCH=amd64
# kubectl is a static binary; pin its checksum with ADD --checksum=sha256:… (from
# https://dl.k8s.io/release/${KUBECTL_VERSION}/bin/linux/${TARGETARCH}/kubectl.sha256).
ADD --chmod=0755 https://dl.k8s.io/release/${KUBECTL_VERSION}/bin/linux/${TARGETARCH}/kubectl /usr/local/bin/kubectl
ENTRYPOINT []
CMD ["tokensmith", "--help"]
