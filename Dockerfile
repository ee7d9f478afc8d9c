# promote as a container: the GitHub Action (action.yml), GitLab CI jobs
# and promote serve.
#
#   docker build -t promote .                          # the default image
#   docker build --target nonroot -t promote:nonroot . # USER 65532 built in
#
# Releases publish ghcr.io/gitops-promote/promote:vX.Y.Z, the same image
# built with ko (.goreleaser.yaml); action.yml runs it. docs/automation.md,
# "The image", says how to run it as a non-root user.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 GOFLAGS=-buildvcs=false go build -trimpath \
      -ldflags "-s -w -X github.com/gitops-promote/promote/internal/buildinfo.version=${VERSION}" \
      -o /out/promote ./cmd/promote

# distroless/static: CA certificates, /tmp, no shell, no package manager.
FROM gcr.io/distroless/static-debian12 AS runtime
COPY --from=build /out/promote /usr/local/bin/promote
ENTRYPOINT ["/usr/local/bin/promote"]
CMD ["--help"]

# For promote serve and anywhere the user is not chosen at run time:
# distroless's nonroot user.
FROM runtime AS nonroot
USER 65532:65532

# The default image sets no USER: GitHub runs a Docker action as the
# image's default user and requires it to be root (the workspace and
# $GITHUB_OUTPUT belong to the runner's user, whose uid differs between
# hosted, self-hosted and ARC runners). Elsewhere choose the user at run
# time (docker run --user, Kubernetes securityContext.runAsUser) or use
# the nonroot target.
FROM runtime AS action
