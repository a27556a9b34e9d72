/**
 * Names for the backend's API objects. Their shapes come from the backend's OpenAPI document,
 * generated into schema.d.ts (`npm run gen:api`); nothing here restates a field.
 */
import type { components } from './schema'

type Schemas = components['schemas']

export type Problem = Schemas['Problem']
export type Ping = Schemas['Ping']

export type Provider = Schemas['Provider']
export type ProviderInput = Schemas['NewProvider']
export type ProviderPatch = Schemas['ProviderPatch']
export type ProviderKindInfo = Schemas['ProviderKindInfo']
export type DirectTestInput = Schemas['DirectTest']
export type TestResult = Schemas['TestResult']
export type DirectModelsInput = Schemas['DirectModels']
export type ModelListing = Schemas['ModelListing']
export type ProbeStatus = TestResult['status']
export type HealthCheck = Schemas['HealthCheck']
export type HealthChecks = Schemas['HealthChecks']
export type HealthEvent = Schemas['HealthEvent']
export type HealthEvents = Schemas['HealthEvents']

export type ModelRoute = Schemas['ModelRoute']
export type RouteNode = Schemas['RouteNode']
export type RouteInput = Schemas['NewModelRoute']
export type RoutePatch = Schemas['ModelRoutePatch']
export type RouteMode = ModelRoute['mode']
export type Strategy = RouteNode['strategy']
export type Selection = Schemas['Selection']
export type RouteState = Schemas['RouteState']
/** A node as the route editor holds it: every field of the body, and the id once saved. */
export type NodeDraft = Required<NonNullable<RouteInput['nodes']>[number]> & Partial<Pick<RouteNode, 'id'>>

export type ClientKey = Schemas['ClientKey']
export type CreatedClientKey = Schemas['CreatedClientKey']
export type ClientKeyPatch = Schemas['ClientKeyPatch']

export type Stats = Schemas['Stats']
export type StatsHistory = Schemas['StatsHistory']
export type HistoryPoint = Schemas['HistoryPoint']
export type TrafficKind = 'gateway' | 'admin'
export type ProviderFigures = Schemas['ProviderFigures']
export type BackupStatus = Schemas['BackupFigures']
export type LogEntry = Schemas['LogEntry']
export type LogsPage = Schemas['LogsPage']
export type RestoreSummary = Schemas['RestoreSummary']
export type RestoreChanges = Schemas['RestoreChanges']

export type PlaygroundModels = Schemas['ModelList']
export type PlaygroundChat = Schemas['PlaygroundChat']

export type RequestRecord = Schemas['RequestRecord']
export type RequestPage = Schemas['RequestPage']
export type RequestAttempt = RequestRecord['attempts'][number]
export type UsageAnswer = Schemas['UsageAnswer']
export type UsagePoint = UsageAnswer['data'][number]
export type UsageTotals = UsageAnswer['totals'][number]
