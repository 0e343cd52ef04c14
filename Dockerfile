# syntax=docker/dockerfile:1
# The charge-guard image: one image for `ingest`, `api` and `simulate` (docker-compose.yml picks
# the command). The build stage bundles the TypeScript into dist/main.mjs (scripts/build.mjs,
# esbuild); the image runs that plain JavaScript, so no TypeScript loader is in memory at run time.

# Stage 1: production dependencies. better-sqlite3 downloads a prebuilt binary when one matches;
# the compilers are here for when none does, and stay out of the final image.
FROM node:24-bookworm-slim AS deps
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force

# Stage 2: the bundle. All dependencies for esbuild, whichever section of package.json lists it;
# install scripts are skipped (nothing native is needed to bundle, packages stay external).
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN node scripts/build.mjs

# Stage 3: the runtime, as the image's unprivileged "node" user (uid 1000).
FROM node:24-bookworm-slim
ENV NODE_ENV=production \
    DATA_DIR=/var/lib/charge-guard \
    API_HOST=0.0.0.0 \
    INGEST_HTTP_HOST=0.0.0.0
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
# Files stay owned by root: the app cannot rewrite its own code. The bundle and the packages are
# all it runs; examples/ is there for `evaluate examples/proposals/…` and a first site file.
COPY package.json ./
COPY examples ./examples
COPY --from=build /app/dist ./dist
# A named volume mounted here starts with this owner, so the journal and SQLite files are writable.
RUN mkdir -p /var/lib/charge-guard && chown node:node /var/lib/charge-guard
USER node
VOLUME ["/var/lib/charge-guard"]
EXPOSE 3000 9464
# node itself (not npx or a wrapper) is the process that receives SIGTERM, so the app's shutdown
# handler drains and closes cleanly. NODE_OPTIONS=--enable-source-maps makes stack traces name
# the TypeScript lines (dist/main.mjs.map), at some memory. No HEALTHCHECK here: the endpoint
# depends on the command (api: 3000/readyz, ingest: 9464/readyz); docker-compose.yml declares
# one per service.
ENTRYPOINT ["node", "dist/main.mjs"]
CMD ["--help"]
