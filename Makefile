# Switchboard: the everyday commands. Each target calls the npm scripts of package.json or Docker Compose.
# `make` alone lists them.

.DEFAULT_GOAL := help
.PHONY: help install dev dev-backend dev-frontend test build lint format docker-build docker-up docker-down docker-logs

# Docker Compose v2 (`docker compose`); `make docker-up COMPOSE="docker-compose"` for the old binary.
COMPOSE ?= docker compose
# `make docker-up SCALE=1`: two backend replicas on PostgreSQL behind nginx (deploy/docker-compose.scale.yml).
ifdef SCALE
COMPOSE_ARGS := -f deploy/docker-compose.scale.yml --env-file .env
else
COMPOSE_ARGS := -f docker-compose.yml
endif

help: ## Show all available commands
	@echo "Usage: make <target>"
	@grep -E '^[a-z][a-z-]*:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  %-14s %s\n", $$1, $$2}'

install: ## Install dependencies (npm ci, from the lock file)
	npm ci

dev: ## Start backend (tsx watch, :8000) and frontend (Vite, :5173) in dev mode
	$(MAKE) -j2 dev-backend dev-frontend

dev-backend:
	npm run dev -w backend

dev-frontend:
	npm run dev

test: ## Run all tests (backend and frontend, no browser)
	npm test

build: ## Build application (backend and frontend)
	npm run build

lint: ## Run linting checks (Biome) and the type checks
	npm run lint
	npm run typecheck

format: ## Format code (Biome)
	npm run format

docker-build: ## Build Docker images (SCALE=1: the scale-out layout)
	$(COMPOSE) $(COMPOSE_ARGS) build

docker-up: ## Start containers in the background (needs .env: cp .env.example .env)
	$(COMPOSE) $(COMPOSE_ARGS) up -d

docker-down: ## Stop containers (volumes are kept)
	$(COMPOSE) $(COMPOSE_ARGS) down

docker-logs: ## Follow container logs
	$(COMPOSE) $(COMPOSE_ARGS) logs -f
