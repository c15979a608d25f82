# syntax=docker/dockerfile:1
# agis image: one image for every role (AGIS_ROLES picks api, bot, scheduler at run time).
#   docker build -t agis:0.1.0 .
#   docker run --rm -p 3000:3000 -e DATABASE_URL=postgres://... agis:0.1.0

# --- build: compile TypeScript, then drop dev dependencies ---
FROM node:20-bookworm-slim AS build
WORKDIR /app
ENV NODE_ENV=development
# Dependencies first, so a source change does not re-run npm ci.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src ./src
COPY migrations ./migrations
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# --- runtime: compiled code and production dependencies only, as a non-root user ---
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    DATA_DIR=/tmp/agis-data
# A fixed numeric uid/gid, so Kubernetes runAsNonRoot can verify it (the chart runs as 10001 too).
RUN groupadd --system --gid 10001 agis \
 && useradd --system --uid 10001 --gid agis --home-dir /app --no-create-home --shell /usr/sbin/nologin agis
WORKDIR /app
# Owned by root and read-only for the app user: the running process cannot change its own code.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER 10001:10001
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The readiness sidecar of every GameServer pod runs from this image too: node dist/src/sidecar.js
CMD ["node", "dist/src/main.js"]
