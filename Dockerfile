# The irsagen image: the release's static Linux binary on a distroless base, run as non-root.
# Built from dist/ (make release or make release-snapshot), never from source, so the image runs
# exactly the binary of the release archives:
#
#   make release-snapshot && docker buildx build --platform linux/amd64,linux/arm64 -t irsagen .
#
# The base carries CA certificates (for `irsagen plan` and `apply`) and nothing else: no shell,
# no package manager. Pin it by digest when you mirror it into a private registry.
FROM gcr.io/distroless/static-debian12:nonroot
ARG TARGETOS=linux
ARG TARGETARCH
COPY --chmod=0555 dist/${TARGETOS}_${TARGETARCH}/irsagen /usr/local/bin/irsagen
USER 65532:65532
WORKDIR /work
ENTRYPOINT ["/usr/local/bin/irsagen"]
CMD ["--help"]
