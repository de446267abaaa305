# The quarterback image: the native sidecar of every micro pod
# (sidecar/entrypoint/kube-bin.js), which also carries the gate entrypoint that the pod's
# init container copies to the shared volume (/strata/entrypoint.sh, runtime/kubernetes/pod-layout.ts).
# Build from the repository root:
#   docker build -f deploy/docker/quarterback.Dockerfile -t strata/quarterback:0.1.0 .
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY src ./src
COPY runtime ./runtime
COPY sidecar ./sidecar
COPY sidecar/entrypoint/entrypoint.sh /strata/entrypoint.sh
USER 1000:1000
ENTRYPOINT ["node", "/app/sidecar/entrypoint/kube-bin.js"]
