/**
 * The composition root of the services: creates each one from the settings, once per process, and
 * closes what it opened. Two sizes: `createConfigCore` (the database and the configuration services:
 * what the CLI needs, no timers, no upstream client) and `createCore` (everything the server runs,
 * built on top of it). The HTTP surface is app.ts.
 */
import type { Logger } from 'pino'
import { createKeyBox } from './core/crypto.js'
import { logStoreFor } from './core/logger.js'
import { createConfigRepo } from './db/config.repo.js'
import { openDatabase } from './db/database.js'
import { createHealthRepo } from './db/health.repo.js'
import { createHealthEventsRepo } from './db/health-events.repo.js'
import { createKeysRepo } from './db/keys.repo.js'
import { createLogWriterThread } from './db/log-writer-thread.js'
import { createPricesRepo } from './db/prices.repo.js'
import { createProvidersRepo } from './db/providers.repo.js'
import { createQuotaRepo } from './db/quota.repo.js'
import { createLeaderLock, createReplicasRepo } from './db/replicas.repo.js'
import { createRequestsRepo } from './db/requests.repo.js'
import { createResponseBindingsRepo } from './db/response-bindings.repo.js'
import { createRoutesRepo } from './db/routes.repo.js'
import { createStoredResponsesRepo } from './db/stored-responses.repo.js'
import { RoutingState } from './domain/routing.js'
import { createBackup, removeBackupLeftovers } from './services/config/backup.js'
import { createClientKeys } from './services/config/client-keys.js'
import { createConfigChanges } from './services/config/config-changes.js'
import { createInventory } from './services/config/inventory.js'
import { createModelRoutes } from './services/config/model-routes.js'
import { createReplicaRegistry } from './services/config/replica-registry.js'
import { createReplicaSync } from './services/config/replica-sync.js'
import { createSnapshot } from './services/config/snapshot.js'
import { AffinityBindings } from './services/gateway/affinity-bindings.js'
import { Circuits, circuitRuleOf } from './services/gateway/circuits.js'
import { Cooldowns } from './services/gateway/cooldowns.js'
import { createLimits } from './services/gateway/limits.js'
import { type GatewayObserver, healthEffect } from './services/gateway/observer.js'
import { createProxy } from './services/gateway/proxy.js'
import { createResponseBindings } from './services/gateway/response-bindings.js'
import { createResponseStore } from './services/gateway/response-store.js'
import { createUpstreamAgent } from './services/gateway/upstream-agent.js'
import { createHealth } from './services/health/health.js'
import { createHealthEvents } from './services/health/health-events.js'
import { createHealthScheduler } from './services/health/health-scheduler.js'
import { createMetrics } from './services/observability/metrics.js'
import { createPrices } from './services/usage/prices.js'
import { createRequestLog } from './services/usage/request-log.js'
import { createRequests } from './services/usage/requests.js'
import { createUsage } from './services/usage/usage.js'
import type { Settings } from './settings.js'

/** The database, its repositories, the key box, the backup and the change fan-out. */
export async function createConfigCore(settings: Settings, log: Logger) {
  const db = await openDatabase(settings.database, { log })
  try {
    const keyBox = createKeyBox(settings.apiKeySecret, settings.apiKeySecretPrevious)
    const repos = {
      providers: createProvidersRepo(db.kysely, db.engine),
      config: createConfigRepo(db.kysely, db.engine),
      routes: createRoutesRepo(db.kysely),
      replicas: createReplicasRepo(db.kysely),
    }
    await removeBackupLeftovers(settings.backupFile)
    const backup = createBackup({ file: settings.backupFile, config: repos.config, keyBox, log })
    const changes = createConfigChanges({ backup, config: repos.config, log })
    return {
      settings,
      log,
      db,
      keyBox,
      repos,
      backup,
      changes,
      /** Waits for the backup writes in flight, then closes the database. */
      async close(): Promise<void> {
        await backup.idle()
        await db.close()
      },
    }
  } catch (error) {
    await db.close()
    throw error
  }
}

export type ConfigCore = Awaited<ReturnType<typeof createConfigCore>>

export interface CoreOptions {
  /** The clock of the client-key limits' windows (tests drive it). */
  now?: () => number
  /** Milliseconds for the session affinity TTL: `performance.now` by default, driven in tests. */
  clock?: () => number
}

export async function createCore(settings: Settings, log: Logger, options: CoreOptions = {}) {
  const base = await createConfigCore(settings, log)
  const { db, keyBox, repos, backup, changes } = base
  const inventory = createInventory({ providers: repos.providers, keyBox, changes })
  const snapshot = createSnapshot({ providers: repos.providers, routes: repos.routes, changes, log })
  await snapshot.reload()
  // One per process: the admin select endpoint and the gateway advance the same positions and skip
  // the same providers cooling down after a 429.
  const roundRobin = new RoutingState()
  const healthRepo = createHealthRepo(db.kysely)
  const healthEvents = createHealthEvents({
    repo: createHealthEventsRepo(db.kysely),
    log,
    providerExists: async (id) => (await healthRepo.getState(id)) !== undefined,
  })
  const cooldowns = new Cooldowns((providerId, model, until) => {
    const seconds = Math.ceil((until - Date.now()) / 1000)
    const reason = `429 from the provider: skipped for ${model ?? 'its model'} for ${seconds} s`
    healthEvents.record({ providerId, kind: 'cooldown', state: 'cooling', reason, model, until })
  })
  // Session affinity's bindings, per process: the gateway binds, the state endpoint counts them.
  const affinity = new AffinityBindings({
    ttlMs: settings.affinityTtlSeconds * 1000,
    max: settings.affinityMaxBindings,
    ...(options.clock ? { clock: options.clock } : {}),
  })
  const circuits = new Circuits(circuitRuleOf(settings))
  // a deleted provider's circuit goes with it (the snapshot has reloaded when this runs)
  changes.subscribe((kind) => {
    if (kind === 'config') circuits.retain(snapshot.current().providers)
  })
  const circuitLog = log.child({ logger: 'switchboard.health' })
  circuits.subscribe((providerId, change) => {
    const name = snapshot.current().providers.get(providerId)?.name
    const fields = { providerId, name, from: change.from, to: change.to, reason: change.reason }
    if (change.to === 'open') circuitLog.warn(fields, 'provider circuit opened')
    else circuitLog.info(fields, `provider circuit ${change.to === 'closed' ? 'closed' : 'half-open'}`)
    healthEvents.record({ providerId, kind: 'circuit', state: change.to, reason: change.reason })
  })
  const modelRoutes = createModelRoutes({
    routes: repos.routes,
    snapshot,
    changes,
    roundRobin,
    coolingDown: cooldowns,
    affinity,
    circuits,
  })
  const now = options.now ?? Date.now
  // The limits read the keys' policies and the prices; the key list reads the limits' counters.
  const clientKeys = createClientKeys({
    keys: createKeysRepo(db.kysely),
    changes,
    log,
    now,
    usage: (keys) => limits.usage(keys),
    onRefused: (reason) => metrics.recordLimitRejection(reason),
  })
  await clientKeys.reload()
  const prices = createPrices({ repo: createPricesRepo(db.kysely), changes, log })
  await prices.reload()
  const limits = createLimits({
    quota: createQuotaRepo(db.kysely, db.engine),
    policyOf: (id) => clientKeys.policyOf(id),
    priceOf: prices.priceOf,
    routeMaxTokens: (route) => {
      const value = snapshot.current().routesByName.get(route)?.config.default_max_tokens
      return typeof value === 'number' ? value : undefined
    },
    leasePercent: settings.quotaLeasePercent,
    defaultMaxTokens: settings.defaultMaxTokens,
    now,
    log,
    onRejected: (reason) => metrics.recordLimitRejection(reason),
  })
  // SQLite on a file: the log's batches are written by a thread of their own (db/log-writer-thread.ts)
  const logWriter =
    settings.database.engine === 'sqlite' && settings.database.path !== ':memory:'
      ? createLogWriterThread(settings.database.path)
      : undefined
  const requestsRepo = createRequestsRepo(db.kysely, db.engine, db.sqlite, logWriter)
  const requestLog = createRequestLog({
    repo: requestsRepo,
    log,
    retentionDays: settings.requestLogRetentionDays,
    priceOf: prices.priceOf,
  })
  const requests = createRequests({ repo: requestsRepo })
  const usage = createUsage({ repo: requestsRepo })
  const metrics = createMetrics({
    providers: () => snapshot.current().providers.values(),
    backup: () => backup.status(),
    mode: settings.adminToken ? 'production' : 'development',
    requestLog: () => requestLog.stats(),
    resilience: {
      circuitState: (providerId) => circuits.stateOf(providerId),
      cooldowns: () => cooldowns.running(),
    },
    priceOf: prices.priceOf,
    perKey: settings.metricsPerKey,
  })
  const logs = logStoreFor(log, settings.logDir)
  // The one pooled client for upstreams: health probes and the gateway share it.
  const upstreamAgent = createUpstreamAgent({ connectTimeoutMs: settings.gatewayTimeoutSeconds * 1000 })
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
    events: healthEvents,
  })
  // Built always, started by buildApp only when BACKEND_HEALTH_CHECK_ENABLED.
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
  // Every gateway attempt feeds passive health and the metrics; every request, the metrics and
  // (unless BACKEND_REQUEST_LOG=false) the request log.
  const gatewayObserver: GatewayObserver = {
    attempt(record) {
      health.recordOutcome(record.providerId, healthEffect(record.outcome))
      metrics.gatewayObserver.attempt(record)
    },
    request(record) {
      metrics.gatewayObserver.request(record)
      if (settings.requestLog) requestLog.request(record)
    },
    rejected(detail, status, durationMs) {
      if (settings.requestLog) requestLog.rejected(detail, status, durationMs)
    },
    continuation(outcome) {
      metrics.gatewayObserver.continuation?.(outcome)
    },
  }
  const responseBindings = createResponseBindings({
    repo: createResponseBindingsRepo(db.kysely),
    retentionDays: settings.responseBindingRetentionDays,
    log,
  })
  responseBindings.start()
  const responseStore = createResponseStore({
    repo: createStoredResponsesRepo(db.kysely),
    retentionDays: settings.responseStoreRetentionDays,
    maxBytes: settings.responseStoreMaxBytes,
    log,
  })
  responseStore.start()
  const proxy = createProxy({
    bindings: responseBindings,
    affinity,
    responseStore,
    snapshot,
    roundRobin,
    cooldowns,
    circuits,
    agent: upstreamAgent,
    keyBox,
    observer: gatewayObserver,
    settings,
  })
  // The servers on this database, as `switchboard rotate-secret` reads them; started by buildApp.
  const replicaRegistry = createReplicaRegistry({
    repo: repos.replicas,
    secrets: { current: settings.apiKeySecret, previous: settings.apiKeySecretPrevious },
    log,
  })
  const replicaSync = createReplicaSync({
    intervalMs: settings.syncIntervalSeconds * 1000,
    revision: () => repos.config.revision(),
    healthFlags: repos.replicas.healthFlags,
    current: () => snapshot.current(),
    changedElsewhere: () => changes.changedElsewhere(),
    log,
  })
  return {
    ...base,
    proxy,
    limits,
    responseBindings,
    metrics,
    logs,
    inventory,
    snapshot,
    clientKeys,
    roundRobin,
    cooldowns,
    affinity,
    circuits,
    modelRoutes,
    upstreamAgent,
    health,
    healthEvents,
    healthScheduler,
    healthLeader,
    replicaSync,
    requestLog,
    requests,
    prices,
    replicaRegistry,
    usage,
    /** Stops every timer and writer, then closes the upstream client and the database. */
    async close(): Promise<void> {
      // Health first: no probe may still run, nor write, once the database closes.
      await healthScheduler.stop()
      await healthLeader.release()
      await replicaSync.stop()
      await replicaRegistry.stop()
      await health.close()
      await limits.close()
      await healthEvents.close()
      await requestLog.close()
      await logWriter?.close()
      prices.stop()
      await upstreamAgent.close()
      await responseBindings.stop()
      await responseStore.stop()
      snapshot.stop()
      await clientKeys.stop()
      await base.close()
    },
  }
}

export type Core = Awaited<ReturnType<typeof createCore>>
