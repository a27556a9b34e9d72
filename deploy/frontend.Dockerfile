# syntax=docker/dockerfile:1
# The Switchboard UI served by nginx, which also proxies /api, /v1, /docs, /ping, /openapi.json and
# /metrics to the backend (deploy/nginx.conf). Build from the repository root:
#   docker build -f deploy/frontend.Dockerfile -t switchboard-frontend .

# --- build: Vite production build -----------------------------------------------------------------
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY backend/package.json backend/
COPY frontend/package.json frontend/
RUN npm ci --workspace frontend --include-workspace-root=false --no-audit --no-fund
COPY tsconfig.base.json ./
COPY frontend/ frontend/
RUN npm run build -w frontend

# --- runtime: static files and the reverse proxy ----------------------------------------------------
FROM nginx:alpine AS runtime
COPY deploy/nginx.conf /etc/nginx/conf.d/default.conf
# One backend by default; deploy/docker-compose.scale.yml mounts nginx-upstream.scale.conf here.
COPY deploy/nginx-upstream.conf /etc/nginx/switchboard/upstream.conf
COPY --from=build /app/frontend/dist /usr/share/nginx/html
EXPOSE 80
HEALTHCHECK --interval=15s --timeout=5s --start-period=10s --retries=3 \
    CMD ["wget", "-q", "-O", "/dev/null", "http://127.0.0.1/"]
