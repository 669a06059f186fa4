# The panel as its own static service (docker compose): nginx serving the Next.js export, forwarding
# every API path to the gateway so browser and API share one origin.
FROM node:20-bookworm-slim AS build
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1 TURBO_TELEMETRY_DISABLED=1
COPY package.json package-lock.json .npmrc turbo.json ./
COPY apps/gateway/package.json apps/gateway/package.json
COPY apps/panel/package.json apps/panel/package.json
RUN npm install --no-audit --no-fund
COPY apps/panel apps/panel
RUN npm run build -w apps/panel

FROM nginx:1.27-alpine
COPY docker/panel.nginx.conf /etc/nginx/conf.d/default.conf
COPY --from=build /app/apps/panel/out /usr/share/nginx/html
EXPOSE 8080
