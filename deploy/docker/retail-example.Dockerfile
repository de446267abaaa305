# The retail example's step images (examples/retail): one image per program, its
# entrypoint that program. Build from the repository root, once per program:
#   for p in store-sales rollup total report; do
#     docker build -f deploy/docker/retail-example.Dockerfile --build-arg PROGRAM=$p -t retail/$p .
#   done
# Inside micro pods the gate entrypoint runs steps by the commands of
# examples/retail/images.json, whose ./programs/... the worker reads from the map's own
# directory (/app/examples/retail here and in the worker's image: the same paths).
FROM node:20-bookworm-slim
ARG PROGRAM
ENV PROGRAM=${PROGRAM}
WORKDIR /app
COPY examples/retail ./examples/retail
USER 1000:1000
ENTRYPOINT ["sh", "-c", "exec node /app/examples/retail/programs/${PROGRAM}.mjs \"$@\"", "--"]
