# syntax=docker/dockerfile:1
# Tesorio MCP server image. Build: docker build -t tesorio/tesorio-mcp:$(node -p 'require("./package.json").version') .
#
# Three stages: `build` compiles TypeScript with every dependency; `prod-deps` installs production
# dependencies alone in a clean stage; `runtime` copies only dist/, those node_modules and
# package.json (src/version.ts reads ../../package.json from dist/src). The Helm chart relies on:
# numeric non-root user 10001, tini as PID 1, `node dist/src/main.js` as the default command,
# `node dist/src/cli/main.js` for the migration Job and `kubectl exec`, /bin/sleep for the preStop
# pause, and nothing written outside /tmp and /data (the root filesystem runs read-only).
# test/e2e/deploy/dockerfile.e2e-spec.ts checks these statically (no Docker engine in CI).

# Pin by digest in your release pipeline (node:20-bookworm-slim@sha256:...).
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY migrations ./migrations
# tsconfig.build.json compiles src/ and migrations/ (not tests) into dist/src and dist/migrations.
RUN npm run build

FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
# tini: PID 1 that forwards SIGTERM to node (graceful drain) and reaps zombies. npm, npx, corepack
# and yarn are not needed at run time: removing them shrinks the image and its CVE surface.
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/* \
  && rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack /opt/yarn-* \
  && rm -f /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack /usr/local/bin/yarn /usr/local/bin/yarnpkg \
  && groupadd --system --gid 10001 tesorio \
  && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin tesorio \
  && mkdir -p /data \
  && chown 10001:10001 /data

ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    ADMIN_HOST=0.0.0.0 \
    ADMIN_PORT=3001 \
    DATA_DIR=/data

WORKDIR /app
# Owned by root and read-only to the service user: the process cannot modify its own code.
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist/src ./dist/src
COPY --from=build /app/dist/migrations ./dist/migrations
COPY package.json ./

# /data is the embedded (evaluation) database only; with DATABASE_URL nothing is written.
VOLUME ["/data"]
USER 10001:10001
EXPOSE 3000 3001
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/src/main.js"]
