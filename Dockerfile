# CoachLine container image. See docs/operations.md.
#
#   docker build -t coachline .
#   docker run -p 8080:8080 --env-file .env coachline            # web + jobs (serve)
#   docker run --env-file .env coachline work                    # jobs only, no HTTP port
#   docker run --env-file .env coachline migrate                 # run pending migrations, then exit
#
# The image's ENTRYPOINT is the binary, so the container command is the subcommand: `serve` (default),
# `work` or `migrate` (Kubernetes `args`, Fly.io `[processes]`, `docker run IMAGE work`).
# SQLite in a container: mount a volume at /data (the default DATABASE_URL below points there) and run
# one container only. Several containers need PostgreSQL: DATABASE_URL=postgres://...

# ---- build ----
FROM swift:6.2-noble AS build
WORKDIR /build

# Dependencies first, so this layer is reused while only the sources change.
# Package.* picks up Package.resolved when it exists (it is not committed).
COPY Package.* ./
RUN swift package resolve \
    $([ -f ./Package.resolved ] && echo "--force-resolved-versions" || true)

COPY Sources ./Sources
COPY Tests ./Tests
RUN swift build -c release --product coachline --static-swift-stdlib

# The binary and its resource bundles (CoachCore's questions.json lives in
# coachline_CoachCore.resources); Bundle.module finds a bundle next to the executable.
RUN mkdir /staging \
    && bin="$(swift build -c release --show-bin-path)" \
    && cp "$bin/coachline" /staging/ \
    && find -L "$bin" -maxdepth 1 -name '*.resources' -exec cp -Ra {} /staging/ \; \
    && ls -d /staging/coachline_CoachCore.resources

# ---- runtime ----
FROM ubuntu:noble

# ca-certificates: TLS to PostgreSQL (sslmode=require...) and to the AI providers.
# libxml2: FoundationXML (the `call` simulator's TwiML parser) links it dynamically even with a
# static Swift standard library. libstdc++6 and zlib are in the base image; no libcurl (we do not
# use FoundationNetworking).
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates libxml2 \
    && rm -rf /var/lib/apt/lists/*

# A fixed numeric user, so Kubernetes' runAsNonRoot can verify it.
RUN groupadd --system --gid 10001 coachline \
    && useradd --system --uid 10001 --gid 10001 --home-dir /app --no-create-home coachline \
    && mkdir -p /app /data \
    && chown coachline:coachline /data

WORKDIR /app
COPY --from=build /staging/ /app/

# PORT is overridden by platforms that inject their own (Railway, Heroku); HOST must not be
# 127.0.0.1 in a container. /app on PATH lets a Procfile say `coachline work`.
ENV PORT=8080 \
    HOST=0.0.0.0 \
    DATABASE_URL=sqlite:///data/coachline.sqlite \
    PATH=/app:$PATH

USER 10001:10001
EXPOSE 8080

ENTRYPOINT ["/app/coachline"]
CMD ["serve"]
