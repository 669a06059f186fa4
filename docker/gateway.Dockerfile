# cligate gateway (serves the client API, the admin API and the built panel on one port).
# Build from the repository root: docker build -f docker/gateway.Dockerfile -t cligate-gateway .
FROM node:20-bookworm-slim AS build
WORKDIR /app
ENV CHECKPOINT_DISABLE=1 NEXT_TELEMETRY_DISABLED=1 TURBO_TELEMETRY_DISABLED=1 PRISMA_SCHEMA_ENGINE_BINARY=/bin/false
COPY package.json package-lock.json .npmrc turbo.json prisma.config.ts ./
COPY apps/gateway/package.json apps/gateway/package.json
COPY apps/panel/package.json apps/panel/package.json
RUN npm install --no-audit --no-fund
COPY prisma prisma
COPY apps apps
RUN npx turbo run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=7861 DATA_DIR=/data
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/package.json package.json
COPY --from=build /app/prisma/migrations prisma/migrations
COPY --from=build /app/apps/gateway/package.json apps/gateway/package.json
COPY --from=build /app/apps/gateway/dist apps/gateway/dist
COPY --from=build /app/apps/panel/out apps/panel/out
VOLUME /data
EXPOSE 7861
USER node
CMD ["node", "apps/gateway/dist/main.js"]
