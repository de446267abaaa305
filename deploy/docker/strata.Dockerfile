# The strata image: the API and coordinator (`serve`), step workers (`worker`), the
# operator (`operator`) and the command line. The build stage compiles and bundles the
# TypeScript (scripts/build.mjs: dist/, the command line as dist/bundle/strata.js, which
# bin/strata.js runs) and builds the web UI (ui/, vite); only their output is kept. Each
# process starts without compiling TypeScript through tsx (docs/performance.md, "The CLI's start").
# Build from the repository root:
#   docker build -f deploy/docker/strata.Dockerfile -t strata/strata:0.1.0 .
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` builds the UI, which the ui stage does with the dev dependencies.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
COPY runtime ./runtime
COPY sidecar ./sidecar
COPY generators ./generators
COPY rules ./rules
COPY ui ./ui
RUN node scripts/build.mjs && node scripts/build-ui.mjs --force

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    STRATA_HOME=/var/lib/strata
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY bin ./bin
COPY src ./src
COPY generators ./generators
COPY rules ./rules
COPY runtime ./runtime
COPY sidecar ./sidecar
COPY examples ./examples
COPY --from=build /app/dist ./dist
COPY --from=build /app/ui/dist ./ui/dist
RUN mkdir -p /var/lib/strata && chown 1000:1000 /var/lib/strata
# numeric, so that runAsNonRoot can check it
USER 1000:1000
ENTRYPOINT ["node", "/app/bin/strata.js"]
CMD ["serve"]
