# WhatsApp Gateway (headless) in a container. NOT built by our CI (it has no Docker daemon); the same steps are
# exercised there without Docker (test/selfhost/server-build.test.ts). See docs/self-hosting.md.
#   docker build -t wagw .
#   docker run -d --name wagw -p 127.0.0.1:7480:7480 -v wagw-data:/data \
#     -e WAGW_PUBLIC_URL=https://gw.example.com -e WAGW_TRUSTED_PROXY=172.17.0.1 wagw

# 1. Build: the dev toolchain bundles wagw (esbuild) and the UI (vite).
FROM node:22-bookworm-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-fund --no-audit
COPY . .
RUN npm run build:server

# 2. Production dependencies only (better-sqlite3 compiled here, for this image's Node).
FROM node:22-bookworm-slim AS deps
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-fund --no-audit

# 3. Runtime: node, the bundle, production node_modules. Non-root, data on a volume.
FROM node:22-bookworm-slim
ENV NODE_ENV=production WAGW_DATA_DIR=/data
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /src/dist/server ./dist/server
COPY package.json ./
RUN install -d -o node -g node -m 0700 /data
USER node
VOLUME ["/data"]
EXPOSE 7480
# 0.0.0.0 inside the container: publish the port on the host's loopback and put the TLS proxy there.
CMD ["node", "dist/server/wagw.mjs", "serve", "--host", "0.0.0.0", "--port", "7480"]
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:7480/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
