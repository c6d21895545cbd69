# Patchbay in a container: three stages (web app, binary, runtime), Debian 12 throughout.
#
#   podman build -t patchbay .          (or docker build)
#   podman run -d --name patchbay --network host -v patchbay-data:/var/lib/patchbay patchbay
#
# Host networking: SIP and RTP carry addresses inside their messages (Via, Contact, SDP) and use a
# range of 10,000 UDP ports, which port publishing (-p) and its NAT do not handle. Run with
# `--network host` and set PATCHBAY_SIP_LISTEN to the host's own address (the default,
# 127.0.0.1:5060, answers only the host itself). See the README, "Install".

# 1. The web app (Node 20.19 or later; Debian 12 ships Node 18).
FROM docker.io/library/node:20-bookworm-slim AS web
WORKDIR /src/web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-fund --no-audit --loglevel=error
COPY web/ ./
RUN npm run build

# 2. The release binary with the web app embedded. The build fetches PocketSphinx and the number
# location data from PyPI (pip) and compiles them with CMake and the C compiler.
FROM docker.io/library/rust:1.95-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends cmake python3-pip \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
COPY --from=web /src/web/dist web/dist
ENV CARGO_TARGET_DIR=/src/target
RUN cargo build --release --locked -p patchbay \
 && install -m 0755 target/release/patchbay /usr/local/bin/patchbay

# 3. Runtime: the binary, a user, a data volume.
FROM docker.io/library/debian:12-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home-dir /var/lib/patchbay --create-home --shell /usr/sbin/nologin patchbay
COPY --from=build /usr/local/bin/patchbay /usr/local/bin/patchbay
ENV PATCHBAY_DATA_DIR=/var/lib/patchbay \
    PATCHBAY_HTTP_LISTEN=0.0.0.0:8080 \
    PATCHBAY_LOG_FORMAT=json
VOLUME ["/var/lib/patchbay"]
USER patchbay
WORKDIR /var/lib/patchbay
# With --network host these are the host's ports; listed for tools that read them.
EXPOSE 8080/tcp 5060/udp 5060/tcp 20000-29999/udp
ENTRYPOINT ["/usr/local/bin/patchbay"]
CMD ["serve"]
