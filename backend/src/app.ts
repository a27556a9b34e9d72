/**
 * The composition root: creates every service from the settings and registers the HTTP surface.
 * `createCore` is shared with the CLI, which needs the services but no HTTP server.
 */
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import fastifyStatic from '@fastify/static'
import fastifySwagger from '@fastify/swagger'
import fastifySwaggerUi from '@fastify/swagger-ui'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { Ajv } from 'ajv'
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify'
import type { Logger } from 'pino'
import { adminRoutes } from './api/admin/admin.js'
import { backupRoutes } from './api/admin/backup.js'
import { keyRoutes } from './api/admin/keys.js'
import { metricsRoutes } from './api/admin/metrics.js'
import { modelRouteRoutes } from './api/admin/model-routes.js'
import { providerHealthRoutes } from './api/admin/provider-health.js'
import { providerRoutes } from './api/admin/providers.js'
import { Problem } from './api/admin/schemas.js'
import { gatewayRoutes } from './api/gateway/v1.js'
import { type ClientKeyVerifier, registerAuth } from './api/plugins/auth.js'
import { registerBodyGuard } from './api/plugins/body-guard.js'
import { isGatewayPath, registerErrorHandling, sendError } from './api/plugins/errors.js'
import { openApiNames } from './api/plugins/openapi-names.js'
import { generateRequestId } from './api/plugins/request-id.js'
import { registerRequestLogging } from './api/plugins/request-logging.js'
import { createKeyBox } from './core/crypto.js'
import { NotFoundError, UnavailableError } from './core/errors.js'
import { createLogger, logSinkOf, logStoreFor } from './core/logger.js'
import { createConfigRepo } from './db/config.repo.js'
import { openDatabase } from './db/database.js'
import { createHealthRepo } from './db/health.repo.js'
import { createKeysRepo } from './db/keys.repo.js'
import { createProvidersRepo } from './db/providers.repo.js'
import { createLeaderLock, createReplicasRepo } from './db/replicas.repo.js'
import { createRoutesRepo } from './db/routes.repo.js'
import { RoundRobinState } from './domain/routing.js'
import { createBackup, removeBackupLeftovers } from './services/backup.js'
import { createClientKeys } from './services/client-keys.js'
import { createConfigChanges } from './services/config-changes.js'
import { createHealth } from './services/health.js'
import { createHealthScheduler } from './services/health-scheduler.js'
import { createInventory } from './services/inventory.js'
import { createMetrics } from './services/metrics.js'
import { createModelRoutes } from './services/model-routes.js'
import { type GatewayObserver, healthEffect } from './services/observer.js'
import { createProxy } from './services/proxy.js'
import { createReplicaSync } from './services/replica-sync.js'
import { createSnapshot } from './services/snapshot.js'
import { createUpstreamAgent } from './services/upstream-agent.js'
import { repoRoot, type Settings } from './settings.js'

export async function createCore(settings: Settings, log: Logger) {
  const db = await openDatabase(settings.database)
  const keyBox = createKeyBox(settings.apiKeySecret, settings.apiKeySecretPrevious)
  const repos = {
    providers: createProvidersRepo(db.kysely),
    config: createConfigRepo(db.kysely, db.engine),
    routes: createRoutesRepo(db.kysely),
  }
  removeBackupLeftovers(settings.backupFile)
  const backup = createBackup({ file: settings.backupFile, config: repos.config, keyBox, log })
  const changes = createConfigChanges({ backup, config: repos.config, log })
  const inventory = createInventory({ providers: repos.providers, keyBox, changes })
  const snapshot = createSnapshot({ providers: repos.providers, routes: repos.routes, changes, log })
  await snapshot.reload()
  // One per process: the admin select endpoint and the gateway advance the same positions.
  const roundRobin = new RoundRobinState()
  const modelRoutes = createModelRoutes({ routes: repos.routes, snapshot, changes, roundRobin })
  const clientKeys = createClientKeys({ keys: createKeysRepo(db.kysely), changes, log })
  await clientKeys.reload()
  const metrics = createMetrics({ providers: () => snapshot.current().providers.values() })
  const logs = logStoreFor(log, settings.logDir)
  // The one pooled client for upstreams: health probes and the gateway share it.
  const upstreamAgent = createUpstreamAgent({ connectTimeoutMs: settings.gatewayTimeoutSeconds * 1000 })
  const healthRepo = createHealthRepo(db.kysely)
  const health = createHealth({
    health: healthRepo,
    providers: repos.providers,
    snapshot,
    changes,
    keyBox,
    agent: upstreamAgent,
    log,
    failureThreshold: settings.healthCheckFailureThreshold,
    requestTimeoutMs: settings.requestTimeoutSeconds * 1000,
  })
  // Built always, started by buildApp only when BACKEND_HEALTH_CHECK_ENABLED (the CLI never starts it).
  // PostgreSQL: one replica (the holder of an advisory lock) probes; SQLite: always this process.
  const healthLeader = createLeaderLock(settings.database, 'health-scheduler')
  const healthScheduler = createHealthScheduler({
    intervalMs: settings.healthCheckIntervalSeconds * 1000,
    timeoutMs: settings.healthCheckTimeoutSeconds * 1000,
    listCandidates: () => healthRepo.listProbeCandidates(),
    probeOne: (candidate, timeoutMs, signal) => health.probeAndRecord(candidate, timeoutMs, signal),
    afterCycle: () => health.publish(),
    shouldRunCycle: () => healthLeader.tryHold(),
    log,
  })
  // Every gateway attempt feeds passive health and the metrics; every request, the metrics.
  const gatewayObserver: GatewayObserver = {
    attempt(record) {
      health.recordOutcome(record.providerId, healthEffect(record.outcome))
      metrics.gatewayObserver.attempt(record)
    },
    request: (record) => metrics.gatewayObserver.request(record),
  }
  const proxy = createProxy({
    snapshot,
    roundRobin,
    agent: upstreamAgent,
    keyBox,
    observer: gatewayObserver,
    settings,
  })
  return {
    proxy,
    metrics,
    logs,
    settings,
    log,
    db,
    keyBox,
    repos,
    backup,
    changes,
    inventory,
    snapshot,
    clientKeys,
    roundRobin,
    modelRoutes,
    upstreamAgent,
    health,
    healthScheduler,
    healthLeader,
    replicaSync: createReplicaSync({
      intervalMs: settings.syncIntervalSeconds * 1000,
      revision: () => repos.config.revision(),
      healthFlags: createReplicasRepo(db.kysely).healthFlags,
      current: () => snapshot.current(),
      changedElsewhere: () => changes.changedElsewhere(),
      log,
    }),
  }
}

export type Core = Awaited<ReturnType<typeof createCore>>

declare module 'fastify' {
  interface FastifyInstance {
    /** The services behind the HTTP surface; tests and main.ts reach them through here. */
    core: Core
  }
}

export interface BuildOptions {
  /** A logger to use instead of the one built from the settings (tests pass a silent one). */
  logger?: Logger
}

function createValidators() {
  // Bodies are checked strictly (a string is not an integer, unknown fields are refused);
  // params and query strings arrive as text and are coerced.
  const strict = new Ajv({
    allErrors: true,
    coerceTypes: false,
    removeAdditional: false,
    useDefaults: true,
    strict: false,
  })
  const coercing = new Ajv({
    allErrors: true,
    coerceTypes: true,
    removeAdditional: false,
    useDefaults: true,
    strict: false,
  })
  for (const ajv of [strict, coercing]) ajv.addKeyword('kind').addKeyword('modifier')
  return { strict, coercing }
}

export async function buildApp(settings: Settings, options: BuildOptions = {}): Promise<FastifyInstance> {
  const log = options.logger ?? createLogger(settings)
  const core = await createCore(settings, log)
  const app = Fastify({
    loggerInstance: log as FastifyBaseLogger,
    genReqId: generateRequestId,
    // request lines are written by api/plugins/request-logging.ts
    logController: new LogController({ requestIdLogLabel: 'request_id', disableRequestLogging: true }),
    bodyLimit: settings.apiBodyLimitBytes,
    trustProxy: false,
    // Requests that reach a closing server get our 503 (problem document / OpenAI shape) below.
    return503OnClosing: false,
  })

  // Every body is JSON: text/plain gets 415 like any other media type, not a confusing 422.
  app.removeContentTypeParser('text/plain')
  const validators = createValidators()
  app.setValidatorCompiler(({ schema, httpPart }) =>
    (httpPart === 'body' ? validators.strict : validators.coercing).compile(schema),
  )
  // Set when close() starts: a request still arriving on an open connection gets a 503 that a load
  // balancer retries elsewhere (nginx: proxy_next_upstream http_503), not a handler run.
  let closing = false
  app.addHook('preClose', async () => {
    closing = true
  })
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id)
    if (closing) {
      throw new UnavailableError('shutting_down', 'the server is shutting down; retry the request', {
        headers: { 'retry-after': '1' },
      })
    }
  })
  app.addHook('onClose', async () => {
    // Health first: no probe may still run, nor write, once the database closes.
    await core.healthScheduler.stop()
    await core.healthLeader.release()
    await core.replicaSync.stop()
    await core.health.close()
    await core.upstreamAgent.close()
    core.snapshot.stop()
    await core.clientKeys.stop()
    await core.db.close()
  })
  // The logger made here is closed here (flushed); a logger passed in belongs to the caller.
  if (!options.logger) app.addHook('onClose', async () => logSinkOf(log)?.close())

  registerRequestLogging(app, { metrics: core.metrics })
  registerErrorHandling(app)
  registerBodyGuard(app, { skip: ['/api/admin/providers/restore'] })
  const clientKeys: ClientKeyVerifier = core.clientKeys
  registerAuth(app, { adminToken: settings.adminToken, clientKeys: () => clientKeys })
  if (settings.adminToken) documentUnauthorized(app)

  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'Switchboard',
        version: '0.1.0',
        description: 'Manage LLM providers, health, routes, and the OpenAI-compatible gateway at /v1.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: settings.adminToken ? [{ bearer: [] }] : [],
    },
    ...openApiNames,
  })
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' })
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())

  // The UI reads admin_token_required to show sign-in first instead of asking /api for a 401.
  const Ping = Type.Object(
    {
      status: Type.Literal('ok'),
      admin_token_required: Type.Boolean({ description: 'whether /api needs the admin token' }),
    },
    { $id: 'Ping' },
  )
  const pingSchema = { tags: ['health'], summary: 'Liveness probe', security: [], response: { 200: Ping } }
  app.get('/ping', { schema: pingSchema }, async () => ({
    status: 'ok',
    admin_token_required: settings.adminToken !== null,
  }))
  const typed = app.withTypeProvider<TypeBoxTypeProvider>()
  await typed.register(providerRoutes({ inventory: core.inventory }))
  await typed.register(providerHealthRoutes({ health: core.health }))
  if (settings.healthCheckEnabled) app.addHook('onReady', async () => core.healthScheduler.start())
  // Other replicas' (and the CLI's) changes reach this process's snapshot within the interval.
  app.addHook('onReady', async () => core.replicaSync.start())
  await typed.register(adminRoutes({ metrics: core.metrics, logs: core.logs }))
  await app.register(metricsRoutes({ metrics: core.metrics }))
  await typed.register(modelRouteRoutes({ modelRoutes: core.modelRoutes }))
  await typed.register(keyRoutes({ clientKeys: core.clientKeys }))
  await app.register(gatewayRoutes({ proxy: core.proxy, bodyLimit: settings.gatewayBodyLimitBytes }))
  await typed.register(
    backupRoutes({ backup: core.backup, changes: core.changes, backupFile: settings.backupFile }),
  )

  await registerUi(app)

  app.decorate('core', core)
  return app
}

/** /docs: with an admin token every /api route (and /metrics) may answer 401; say so on each. */
function documentUnauthorized(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/') && route.url !== '/metrics') return
    const schema = route.schema ?? {}
    route.schema = { ...schema, response: { ...(schema.response as object), 401: Problem } }
  })
}

/** The built UI is served from the backend: one process, one port; deep links get index.html. */
async function registerUi(app: FastifyInstance): Promise<void> {
  const dist = resolve(repoRoot, 'frontend', 'dist')
  const hasUi = existsSync(resolve(dist, 'index.html'))
  if (hasUi) await app.register(fastifyStatic, { root: dist, wildcard: false, index: false })
  app.setNotFoundHandler((request, reply) => {
    const url = request.url
    const isApi = url.startsWith('/api') || isGatewayPath(url) || url.startsWith('/metrics')
    if (!isApi && hasUi && request.method === 'GET') return reply.sendFile('index.html')
    return sendError(
      request,
      reply,
      new NotFoundError('route_not_found', `${request.method} ${url.split('?')[0]} does not exist`),
    )
  })
}
