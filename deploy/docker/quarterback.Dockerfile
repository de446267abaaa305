# The quarterback image: the native sidecar of every micro pod (the Kubernetes quarterback,
# sidecar/entrypoint/kube-main.ts, as one bundled file with every package in it), which also
# carries the gate entrypoint that the pod's init container copies to the shared volume
# (/strata/entrypoint.sh, runtime/kubernetes/pod-layout.ts).
# Build from the repository root:
#   docker build -f deploy/docker/quarterback.Dockerfile -t strata/quarterback:0.1.0 .
#
# The build stage compiles and bundles (scripts/build.mjs: dist/bundle/kube-quarterback.js);
# the image holds that one file and no node_modules: a pod's quarterback loads one module
# instead of the Kubernetes client's ~1,000 through tsx (0.4 s of CPU a pod against 1.2 s,
# docs/performance.md). The test suite's stand-in cluster runs the same bundle copied alone
# into a directory of its own, as here (test/runtime/kubernetes/support/process-cluster.ts).
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
RUN node scripts/build.mjs

FROM node:20-bookworm-slim
ENV NODE_ENV=production
COPY --from=build /app/dist/bundle/kube-quarterback.js /app/kube-quarterback.js
COPY sidecar/entrypoint/entrypoint.sh /strata/entrypoint.sh
USER 1000:1000
ENTRYPOINT ["node", "/app/kube-quarterback.js"]
