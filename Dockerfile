# promote as a container: the GitHub Action (action.yml), GitLab CI jobs
# and promote serve. Build: docker build -t promote .
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
FROM gcr.io/distroless/static-debian12
COPY --from=build /out/promote /usr/local/bin/promote
# Not root. 1001 is the runner user of GitHub-hosted runners, so a
# Docker action can write its workspace's .git objects and
# $GITHUB_OUTPUT; elsewhere run with --user to match your files' owner.
USER 1001:1001
ENTRYPOINT ["/usr/local/bin/promote"]
CMD ["--help"]
