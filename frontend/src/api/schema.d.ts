/**
 * Generated from the backend's OpenAPI document by `npm run gen:api` (frontend/scripts/gen-api.mjs).
 * Do not edit: change the backend's route schemas and run it again. `npm run check` fails when stale.
 */

export interface paths {
    "/ping": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness probe */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Ping"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/providers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List providers (ordered by id) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Provider"][];
                    };
                };
                /** @description RFC 9457 problem document */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        /** Create a provider */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["NewProvider"];
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Provider"];
                    };
                };
                /** @description RFC 9457 problem document */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem document */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem document */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/provider-kinds": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The provider kinds: the /v1 endpoints each serves and the header that carries its key */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ProviderKindInfo"][];
                    };
                };
                /** @description RFC 9457 problem document */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/providers/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a provider */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Provider"];
                    };
                };
                /** @description RFC 9457 problem document */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem document */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete a provider (409 when routes use it, unless force=true) */
        delete: {
            parameters: {
                query?: {
                    force?: boolean;
                };
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description RFC 9457 problem document */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem document */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem document */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Update some fields of a provider */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            /** @description only the fields sent change; api_key null removes the key */
            requestBody: {
                content: {
                    "application/json": components["schemas"]["ProviderPatch"];
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Provider"];
                    };
                };
                /** @description RFC 9457 problem document */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem document */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem document */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem document */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/providers/test-direct": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Probe an unsaved provider configuration (records nothing, stores no key) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["DirectTest"];
                };
            };
            responses: {
                /** @description latency_ms is the time to the response headers (or to the failure) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TestResult"];
                    };
                };
                /** @description RFC 9457 problem document */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem document */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/providers/models-direct": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** List the models an unsaved configuration's /models offers (stores nothing) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["DirectModels"];
                };
            };
            responses: {
                /** @description GET {base_url}/models through the probe; nothing is recorded */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ModelListing"];
                    };
                };
                /** @description RFC 9457 problem document */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem document */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/providers/{id}/models": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** List the models a provider's /models offers, with its stored key (records nothing) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description GET {base_url}/models through the probe; nothing is recorded */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ModelListing"];
                    };
                };
                /** @description RFC 9457 problem document */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem document */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem document */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/providers/{id}/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Probe a provider now and record the result */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description latency_ms is the time to the response headers (or to the failure) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TestResult"];
                    };
                };
                /** @description RFC 9457 problem document */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem document */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/providers/{id}/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Hold is_healthy (true/false, failures reset to 0) or release it (null) */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["HealthOverride"];
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Provider"];
                    };
                };
                /** @description RFC 9457 problem document */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem document */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem document */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/providers/{id}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The health timeline, newest first: every change of state with its reason (the last 500 are kept) */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                };
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["HealthEvents"];
                    };
                };
                /** @description RFC 9457 problem document */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem document */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem document */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/providers/{id}/checks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Recent probe results, newest first (the last 100 are kept) */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                };
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["HealthChecks"];
                    };
                };
                /** @description RFC 9457 problem document */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem document */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem document */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/stats": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Request figures since start-up, and per-provider gateway figures */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Stats"];
                    };
                };
                /** @description RFC 9457 problem document */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/stats/history": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Per-minute gateway and admin figures of the last minutes (up to 24 h), this process's */
        get: {
            parameters: {
                query?: {
                    /** @description how far back, in minutes */
                    minutes?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["StatsHistory"];
                    };
                };
                /** @description RFC 9457 problem document */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem document */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/logs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The newest log entries, newest first */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    /** @description the lowest level returned: WARNING returns WARNING and ERROR */
                    level?: "DEBUG" | "INFO" | "WARNING" | "ERROR";
                    /** @description case-insensitive text searched in every field of the line */
                    q?: string;
                    /** @description only the lines of this request */
                    request_id?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["LogsPage"];
                    };
                };
                /** @description RFC 9457 problem document */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem document */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Prometheus metrics (text exposition format) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description RFC 9457 problem document */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/plain": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/model-routes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List model routes with their nodes (ordered by id) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ModelRoute"][];
                    };
                };
                /** @description RFC 9457 problem document */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        /** Create a model route */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["NewModelRoute"];
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ModelRoute"];
                    };
                };
                /** @description RFC 9457 problem document */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem document */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem document */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/model-routes/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a model route */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ModelRoute"];
                    };
                };
                /** @description RFC 9457 problem document */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem document */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete a model route and its nodes */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description RFC 9457 problem document */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem document */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Update some fields of a model route */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            /** @description only the fields sent change; nodes and config are replaced whole */
            requestBody: {
                content: {
                    "application/json": components["schemas"]["ModelRoutePatch"];
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ModelRoute"];
                    };
                };
                /** @description RFC 9457 problem document */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem document */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem document */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem document */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/model-routes/{id}/state": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The route's strategy state in this process: positions, credits, in-flight counts, latency EWMAs, affinity bindings */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["RouteState"];
                    };
                };
                /** @description RFC 9457 problem document */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem document */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/model-routes/{id}/select": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * The provider and model the route hands out next (advances its strategy state)
         * @description 404 when no node offers the requested model (specific mode), 409 when the route is inactive, 503 when no node is available (with skipped in a dry run). ?dry_run=true explains the choice and moves nothing.
         */
        post: {
            parameters: {
                query?: {
                    /** @description explain the choice without moving positions, credits or anything else */
                    dry_run?: boolean;
                };
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["SelectionRequest"];
                };
            };
            responses: {
                /** @description the selection; a dry run adds the plan and its explanation */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Selection"];
                    };
                };
                /** @description RFC 9457 problem document */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem document */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem document */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem document */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem document */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List client keys (without the keys themselves), with their policy and consumption now */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ClientKey"][];
                    };
                };
                /** @description RFC 9457 problem document */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        /** Create a client key for /v1; the answer holds the key, shown this once */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["NewClientKey"];
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CreatedClientKey"];
                    };
                };
                /** @description RFC 9457 problem document */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem document */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem document */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/keys/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke a client key: refused from the next request on */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description RFC 9457 problem document */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem document */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Change a client key's name and policy (allowed models, limits, budget, expiry, disabled); every replica applies it within the sync interval */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["ClientKeyPatch"];
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ClientKey"];
                    };
                };
                /** @description RFC 9457 problem document */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem document */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem document */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/requests": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List gateway requests, newest first, with filters and cursor paging */
        get: {
            parameters: {
                query?: {
                    key_id?: number;
                    route?: string;
                    provider_id?: number;
                    model?: string;
                    status?: number;
                    /** @description ISO-8601, inclusive */
                    from?: string;
                    /** @description ISO-8601, exclusive */
                    to?: string;
                    cursor?: string;
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["RequestPage"];
                    };
                };
                /** @description RFC 9457 problem document */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem document */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/requests/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One gateway request: attempts, timings, usage and cost */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["RequestRecord"];
                    };
                };
                /** @description RFC 9457 problem document */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem document */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/prices": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List the prices per provider model */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            provider_id: number;
                            model: string;
                            input_per_million: number;
                            output_per_million: number;
                            /** @description null: cached input costs the input price */
                            cached_input_per_million: number | null;
                            updated_at: string;
                        }[];
                    };
                };
                /** @description RFC 9457 problem document */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        /** Set the price of one provider model (per million tokens) */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["Price"];
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["PriceRecord"];
                    };
                };
                /** @description RFC 9457 problem document */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem document */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        post?: never;
        /** Remove the price of one provider model (its requests then have no cost) */
        delete: {
            parameters: {
                query: {
                    provider_id: number;
                    model: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description RFC 9457 problem document */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem document */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/prices/import": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Set many prices at once from a JSON document {"prices": [...]} (all or nothing) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["PriceImport"];
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            imported: number;
                        };
                    };
                };
                /** @description RFC 9457 problem document */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem document */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/usage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Requests, errors, tokens, cost and p50/p95 latency per group and time bucket */
        get: {
            parameters: {
                query: {
                    group_by: "key" | "route" | "provider" | "model";
                    /** @description minute: ranges up to 7 days; hour and day: up to 400 days (day: the fastest for long ranges) */
                    interval?: "minute" | "hour" | "day";
                    /** @description ISO-8601; default: 24 hours before `to` */
                    from?: string;
                    /** @description ISO-8601, exclusive; default: now */
                    to?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["UsageAnswer"];
                    };
                };
                /** @description RFC 9457 problem document */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem document */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/playground/models": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** What the Playground can ask for: the same list as GET /v1/models */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ModelList"];
                    };
                };
                /** @description RFC 9457 problem document */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/playground/chat/completions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send a chat completion through the gateway with the admin session (the UI Playground)
         * @description Answers exactly as POST /v1/chat/completions does (JSON, or SSE with "stream": true, and the `x-switchboard-provider`, `x-switchboard-attempts` and `x-request-id` headers); a request the gateway refuses before forwarding (unknown model, no provider) is a problem document.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["PlaygroundChat"];
                };
            };
            responses: {
                /** @description the answer of the provider that served the request (headers: x-switchboard-provider, x-switchboard-attempts, x-request-id) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ChatCompletion"];
                        "text/event-stream": string;
                    };
                };
                /** @description RFC 9457 problem document */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem document */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem document */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem document */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/providers/export": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Download the configuration backup (keys stay encrypted) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {number} */
                            version: 1;
                            exported_at: string;
                            providers: {
                                id: number;
                                name: string;
                                /** @description absolute http(s) URL, e.g. https://api.openai.com/v1 */
                                base_url: string;
                                /** @description the wire protocol and auth: openai (Authorization: Bearer), anthropic (x-api-key), azure (api-key); default openai */
                                kind?: "openai" | "anthropic" | "azure";
                                /** @description narrows the /v1 endpoints the provider serves to these (each one its kind serves); null: all of the kind's */
                                endpoints?: ("chat" | "completions" | "embeddings" | "models" | "responses" | "messages" | "count_tokens" | "moderations" | "images" | "audio_speech" | "audio_transcriptions" | "rerank")[] | null;
                                continuation?: ("prefill" | "restart") | (never | null);
                                api_key_encrypted: string | null;
                                api_key_hint?: string | null;
                                models: string[];
                                is_active: boolean;
                                /** @description probed with GET; default /models */
                                health_check_path?: string;
                                health_override?: "healthy" | "unhealthy" | (never | null);
                                created_at?: string;
                            }[];
                            routes?: {
                                id: number;
                                name: string;
                                mode: "auto" | "specific" | "multi";
                                is_active: boolean;
                                config: {
                                    [key: string]: unknown;
                                };
                                nodes: {
                                    api_id: number;
                                    models: string[];
                                    /** @description deprecated: set the route's config.strategy (or config.group_strategies) instead */
                                    strategy: "round-robin" | "failover";
                                    /** @description lower first; in multi mode, nodes of one priority form a group */
                                    priority: number;
                                    /** @description the node's share under the weighted strategy (default 1); 0 drains it: no traffic */
                                    weight?: number;
                                    metadata: {
                                        [key: string]: unknown;
                                    };
                                }[];
                                created_at?: string;
                            }[];
                            client_keys?: {
                                id: number;
                                name: string;
                                key_hash: string;
                                prefix: string;
                                created_at: string;
                                /** KeyPolicy */
                                policy?: {
                                    /** @description route names or models the key may ask for (`prefix*` matches a prefix); null: every one */
                                    allowed_models: string[] | null;
                                    /** @description requests per UTC minute, for the whole cluster; null: no limit */
                                    requests_per_minute: number | null;
                                    /** @description input + output tokens per UTC minute, for the whole cluster; null: no limit */
                                    tokens_per_minute: number | null;
                                    /** @description requests in flight at once, for the whole cluster; null: no limit */
                                    max_concurrent: number | null;
                                    /** @description spend per budget_period in the currency of the prices; null: no budget */
                                    budget: number | null;
                                    /** @description the budget resets at 00:00 UTC each day, or on the first of each month (UTC) */
                                    budget_period: "day" | "month";
                                    /** @description ISO 8601 time after which the key is refused (401) */
                                    expires_at: string | null;
                                    /** @description a disabled key is refused (401) but kept */
                                    disabled: boolean;
                                };
                            }[];
                            prices?: {
                                provider_id: number;
                                model: string;
                                input_per_million: number;
                                output_per_million: number;
                                cached_input_per_million?: number | null;
                            }[];
                        };
                    };
                };
                /** @description RFC 9457 problem document */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/providers/restore": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Restore from the posted backup document, or from BACKEND_BACKUP_FILE when the body is empty */
        post: {
            parameters: {
                query?: {
                    dry_run?: boolean;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            /** @description a backup document as written by export */
            requestBody: {
                content: {
                    "application/json": unknown;
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["RestoreSummary"];
                    };
                };
                /** @description RFC 9457 problem document */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem document */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem document */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem document */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/chat/completions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Chat completion (streams with "stream": true), routed with failover
         * @description `model` is a route name or a model an active provider offers. The body is forwarded as sent, with `model` replaced by the chosen provider model. Errors use OpenAI's shape. Every answer carries `x-request-id`, `x-switchboard-provider` and `x-switchboard-attempts`.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            /** @description every other OpenAI field is forwarded as sent */
            requestBody: {
                content: {
                    "application/json": components["schemas"]["ChatCompletionRequest"];
                };
            };
            responses: {
                /** @description the answer of the provider that served the request (headers: x-switchboard-provider, x-switchboard-attempts, x-request-id) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            /** @enum {string} */
                            object: "chat.completion";
                            created: number;
                            /** @description the provider's model */
                            model: string;
                            choices: ({
                                index: number;
                                message: {
                                    role: string;
                                    content: string | null;
                                } & {
                                    [key: string]: unknown;
                                };
                                finish_reason: string | null;
                            } & {
                                [key: string]: unknown;
                            })[];
                            usage?: {
                                prompt_tokens: number;
                                completion_tokens?: number;
                                total_tokens: number;
                            } & {
                                [key: string]: unknown;
                            };
                        } & {
                            [key: string]: unknown;
                        };
                        "text/event-stream": string;
                    };
                };
                /** @description OpenAI's error shape; an upstream's own error is passed on as it came */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAIError"];
                    };
                };
                /** @description OpenAI's error shape; an upstream's own error is passed on as it came */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAIError"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/completions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Text completion (streams with "stream": true), routed with failover
         * @description `model` is a route name or a model an active provider offers. The body is forwarded as sent, with `model` replaced by the chosen provider model. Errors use OpenAI's shape. Every answer carries `x-request-id`, `x-switchboard-provider` and `x-switchboard-attempts`.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["CompletionRequest"];
                };
            };
            responses: {
                /** @description the answer of the provider that served the request (headers: x-switchboard-provider, x-switchboard-attempts, x-request-id) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Completion"];
                        "text/event-stream": string;
                    };
                };
                /** @description OpenAI's error shape; an upstream's own error is passed on as it came */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAIError"];
                    };
                };
                /** @description OpenAI's error shape; an upstream's own error is passed on as it came */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAIError"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/embeddings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Embeddings, routed with failover
         * @description `model` is a route name or a model an active provider offers. The body is forwarded as sent, with `model` replaced by the chosen provider model. Errors use OpenAI's shape. Every answer carries `x-request-id`, `x-switchboard-provider` and `x-switchboard-attempts`.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["EmbeddingRequest"];
                };
            };
            responses: {
                /** @description the answer of the provider that served the request (headers: x-switchboard-provider, x-switchboard-attempts, x-request-id) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["EmbeddingList"];
                    };
                };
                /** @description OpenAI's error shape; an upstream's own error is passed on as it came */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAIError"];
                    };
                };
                /** @description OpenAI's error shape; an upstream's own error is passed on as it came */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAIError"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/responses": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Responses (streams typed events with "stream": true), routed with failover
         * @description `model` is a route name or a model an active provider offers. The body is forwarded as sent, with `model` replaced by the chosen provider model. Errors use OpenAI's shape. Every answer carries `x-request-id`, `x-switchboard-provider` and `x-switchboard-attempts`.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            /** @description every other OpenAI field is forwarded as sent */
            requestBody: {
                content: {
                    "application/json": components["schemas"]["ResponseRequest"];
                };
            };
            responses: {
                /** @description the answer of the provider that served the request (headers: x-switchboard-provider, x-switchboard-attempts, x-request-id) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Response"];
                        "text/event-stream": string;
                    };
                };
                /** @description OpenAI's error shape; an upstream's own error is passed on as it came */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAIError"];
                    };
                };
                /** @description OpenAI's error shape; an upstream's own error is passed on as it came */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAIError"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/messages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Anthropic Messages (streams with "stream": true), to providers of kind anthropic, with failover
         * @description Anthropic's Messages API, passed through natively. The client key may come as `x-api-key`. Errors use Anthropic's shape: `{type: 'error', error: {type, message}}`.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            /** @description forwarded as sent, with model replaced */
            requestBody: {
                content: {
                    "application/json": {
                        /** @description a route name, or a model an active provider offers */
                        model: string;
                    } & {
                        [key: string]: unknown;
                    };
                };
            };
            responses: {
                /** @description the answer of the provider that served the request (headers: x-switchboard-provider, x-switchboard-attempts, x-request-id) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicMessage"];
                        "text/event-stream": string;
                    };
                };
                /** @description Anthropic's error shape (on /v1/messages); an upstream's own error is passed on as it came */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description Anthropic's error shape (on /v1/messages); an upstream's own error is passed on as it came */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/messages/count_tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Anthropic token count, to providers of kind anthropic
         * @description Anthropic's Messages API, passed through natively. The client key may come as `x-api-key`. Errors use Anthropic's shape: `{type: 'error', error: {type, message}}`.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            /** @description forwarded as sent, with model replaced */
            requestBody: {
                content: {
                    "application/json": {
                        /** @description a route name, or a model an active provider offers */
                        model: string;
                    } & {
                        [key: string]: unknown;
                    };
                };
            };
            responses: {
                /** @description the provider's answer, passed on as it came (JSON, or binary audio for audio/speech) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Anthropic's error shape (on /v1/messages); an upstream's own error is passed on as it came */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description Anthropic's error shape (on /v1/messages); an upstream's own error is passed on as it came */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/moderations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Moderations, passed through with failover
         * @description `model` is a route name or a model an active provider offers. The body is forwarded as sent, with `model` replaced by the chosen provider model. Errors use OpenAI's shape. Every answer carries `x-request-id`, `x-switchboard-provider` and `x-switchboard-attempts`.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            /** @description forwarded as sent, with model replaced */
            requestBody: {
                content: {
                    "application/json": {
                        /** @description a route name, or a model an active provider offers */
                        model: string;
                    } & {
                        [key: string]: unknown;
                    };
                };
            };
            responses: {
                /** @description the provider's answer, passed on as it came (JSON, or binary audio for audio/speech) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description OpenAI's error shape; an upstream's own error is passed on as it came */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAIError"];
                    };
                };
                /** @description OpenAI's error shape; an upstream's own error is passed on as it came */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAIError"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/images/generations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Image generation, passed through with failover
         * @description `model` is a route name or a model an active provider offers. The body is forwarded as sent, with `model` replaced by the chosen provider model. Errors use OpenAI's shape. Every answer carries `x-request-id`, `x-switchboard-provider` and `x-switchboard-attempts`.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            /** @description forwarded as sent, with model replaced */
            requestBody: {
                content: {
                    "application/json": {
                        /** @description a route name, or a model an active provider offers */
                        model: string;
                    } & {
                        [key: string]: unknown;
                    };
                };
            };
            responses: {
                /** @description the provider's answer, passed on as it came (JSON, or binary audio for audio/speech) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description OpenAI's error shape; an upstream's own error is passed on as it came */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAIError"];
                    };
                };
                /** @description OpenAI's error shape; an upstream's own error is passed on as it came */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAIError"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/audio/speech": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Text to speech: the binary audio is streamed back, with failover
         * @description `model` is a route name or a model an active provider offers. The body is forwarded as sent, with `model` replaced by the chosen provider model. Errors use OpenAI's shape. Every answer carries `x-request-id`, `x-switchboard-provider` and `x-switchboard-attempts`.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            /** @description forwarded as sent, with model replaced */
            requestBody: {
                content: {
                    "application/json": {
                        /** @description a route name, or a model an active provider offers */
                        model: string;
                    } & {
                        [key: string]: unknown;
                    };
                };
            };
            responses: {
                /** @description the provider's answer, passed on as it came (JSON, or binary audio for audio/speech) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description OpenAI's error shape; an upstream's own error is passed on as it came */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAIError"];
                    };
                };
                /** @description OpenAI's error shape; an upstream's own error is passed on as it came */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAIError"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/rerank": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Rerank (Cohere/Jina shape), passed through with failover
         * @description `model` is a route name or a model an active provider offers. The body is forwarded as sent, with `model` replaced by the chosen provider model. Errors use OpenAI's shape. Every answer carries `x-request-id`, `x-switchboard-provider` and `x-switchboard-attempts`.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            /** @description forwarded as sent, with model replaced */
            requestBody: {
                content: {
                    "application/json": {
                        /** @description a route name, or a model an active provider offers */
                        model: string;
                    } & {
                        [key: string]: unknown;
                    };
                };
            };
            responses: {
                /** @description the provider's answer, passed on as it came (JSON, or binary audio for audio/speech) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description OpenAI's error shape; an upstream's own error is passed on as it came */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAIError"];
                    };
                };
                /** @description OpenAI's error shape; an upstream's own error is passed on as it came */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAIError"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/audio/transcriptions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Transcription (multipart, read for its model field, forwarded as sent)
         * @description multipart/form-data with a `file` and a `model` field; the body is forwarded as sent (only the model field replaced when the route picks another model).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description the provider's answer, passed on as it came (JSON, or binary audio for audio/speech) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description OpenAI's error shape; an upstream's own error is passed on as it came */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAIError"];
                    };
                };
                /** @description OpenAI's error shape; an upstream's own error is passed on as it came */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAIError"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/audio/translations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Audio translation (multipart, read for its model field, forwarded as sent)
         * @description multipart/form-data with a `file` and a `model` field; the body is forwarded as sent (only the model field replaced when the route picks another model).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description the provider's answer, passed on as it came (JSON, or binary audio for audio/speech) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description OpenAI's error shape; an upstream's own error is passed on as it came */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAIError"];
                    };
                };
                /** @description OpenAI's error shape; an upstream's own error is passed on as it came */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAIError"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/responses/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Retrieve a response from the provider that made it */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description resp_… */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description the answer of the provider that served the request (headers: x-switchboard-provider, x-switchboard-attempts, x-request-id) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Response"];
                    };
                };
                /** @description OpenAI's error shape; an upstream's own error is passed on as it came */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAIError"];
                    };
                };
                /** @description OpenAI's error shape; an upstream's own error is passed on as it came */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAIError"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete a response at the provider that made it */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description resp_… */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description the answer of the provider that served the request (headers: x-switchboard-provider, x-switchboard-attempts, x-request-id) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Response"];
                    };
                };
                /** @description OpenAI's error shape; an upstream's own error is passed on as it came */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAIError"];
                    };
                };
                /** @description OpenAI's error shape; an upstream's own error is passed on as it came */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAIError"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/responses/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel a background response at the provider that made it */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description resp_… */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description the answer of the provider that served the request (headers: x-switchboard-provider, x-switchboard-attempts, x-request-id) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Response"];
                    };
                };
                /** @description OpenAI's error shape; an upstream's own error is passed on as it came */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAIError"];
                    };
                };
                /** @description OpenAI's error shape; an upstream's own error is passed on as it came */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAIError"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/responses/{id}/input_items": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The input items of a response, from the provider that made it */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description resp_… */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description the answer of the provider that served the request (headers: x-switchboard-provider, x-switchboard-attempts, x-request-id) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Response"];
                    };
                };
                /** @description OpenAI's error shape; an upstream's own error is passed on as it came */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAIError"];
                    };
                };
                /** @description OpenAI's error shape; an upstream's own error is passed on as it came */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAIError"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Models: every active route name and every offered model */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ModelList"];
                    };
                };
                /** @description OpenAI's error shape; an upstream's own error is passed on as it came */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAIError"];
                    };
                };
                /** @description OpenAI's error shape; an upstream's own error is passed on as it came */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAIError"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{*}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One model of /v1/models (a route name or an offered model) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    "*": string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Model"];
                    };
                };
                /** @description OpenAI's error shape; an upstream's own error is passed on as it came */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAIError"];
                    };
                };
                /** @description OpenAI's error shape; an upstream's own error is passed on as it came */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAIError"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** Provider */
        Provider: {
            id: number;
            name: string;
            base_url: string;
            /** @description the wire protocol and auth: openai (Authorization: Bearer), anthropic (x-api-key), azure (api-key); default openai */
            kind: "openai" | "anthropic" | "azure";
            /** @description narrows the /v1 endpoints the provider serves to these (each one its kind serves); null: all of the kind's */
            endpoints: ("chat" | "completions" | "embeddings" | "models" | "responses" | "messages" | "count_tokens" | "moderations" | "images" | "audio_speech" | "audio_transcriptions" | "rerank")[] | null;
            continuation: ("prefill" | "restart") | (never | null);
            models: string[];
            is_active: boolean;
            health_check_path: string;
            status: ("online" | "degraded" | "timeout" | "unreachable" | "error") | (never | null);
            latency_ms: number | null;
            last_tested_at: string | null;
            consecutive_failures: number;
            is_healthy: boolean;
            health_override: ("healthy" | "unhealthy") | (never | null);
            has_api_key: boolean;
            api_key_hint: string | null;
            created_at: string;
            updated_at: string;
        };
        /** ProviderKindInfo */
        ProviderKindInfo: {
            /** @description the wire protocol and auth: openai (Authorization: Bearer), anthropic (x-api-key), azure (api-key); default openai */
            kind: "openai" | "anthropic" | "azure";
            /** @description every /v1 endpoint the kind serves */
            endpoints: ("chat" | "completions" | "embeddings" | "models" | "responses" | "messages" | "count_tokens" | "moderations" | "images" | "audio_speech" | "audio_transcriptions" | "rerank")[];
            /** @description the header that carries the provider's key */
            key_header: string;
        };
        /** HealthEvent */
        HealthEvent: {
            id: number;
            at: string;
            /** @description probe: a result unlike the last; health: the flag turned; circuit: the breaker moved; cooldown: a 429 cooldown began; override: held or released */
            kind: "probe" | "health" | "circuit" | "cooldown" | "override";
            /** @description the state entered: a probe status, healthy/unhealthy, open/half_open/closed, cooling, healthy/unhealthy/released */
            state: string;
            reason: string;
            /** @description the model a cooldown is for */
            model: string | null;
            /** @description when a cooldown ends */
            until: string | null;
            /** @description who set or released an override: admin_token, or no_auth (no token configured) */
            actor: string | null;
        };
        /** HealthCheck */
        HealthCheck: {
            checked_at: string;
            status: "online" | "degraded" | "timeout" | "unreachable" | "error";
            status_code: number | null;
            latency_ms: number | null;
            detail: string | null;
        };
        /** EndpointStats */
        EndpointStats: {
            count: number;
            total_duration_ms: number;
            avg_duration_ms: number;
            error_count: number;
        };
        /** RecentRequest */
        RecentRequest: {
            /** @description unix time in seconds */
            timestamp: number;
            method: string;
            path: string;
            status_code: number;
            duration_ms: number;
        };
        /** ProviderFigures */
        ProviderFigures: {
            name: string;
            /** @description gateway attempts at this provider */
            requests: number;
            errors: number;
            p50_ms: number | null;
            p95_ms: number | null;
        };
        /** BackupFigures */
        BackupFigures: {
            /** @description BACKEND_BACKUP_FILE */
            file: string;
            /** @description the last successful write by this process */
            last_written_at: string | null;
            /** @description the last write failed: the file still holds an older configuration */
            last_error: {
                message: string;
                at: string;
            } | null;
            /** @description failed writes since start-up */
            failed_writes: number;
        };
        /** HistoryPoint */
        HistoryPoint: {
            /** @description unix time in seconds of the minute's start */
            timestamp: number;
            gateway: {
                requests: number;
                errors: number;
                avg_duration_ms: number | null;
            };
            admin: {
                requests: number;
                errors: number;
                avg_duration_ms: number | null;
            };
        };
        /** LogEntry */
        LogEntry: {
            timestamp: string;
            /** @description DEBUG, INFO, WARNING or ERROR */
            level: string;
            logger: string;
            message: string;
            request_id?: string;
            method?: string;
            path?: string;
            status_code?: number;
            duration_ms?: number;
            /** @description every other field of the line as app.log has it, redacted: provider, upstreamStatus, err, … */
            fields?: {
                [key: string]: unknown;
            };
        };
        /** ModelRoute */
        ModelRoute: {
            id: number;
            name: string;
            mode: "auto" | "specific" | "multi";
            is_active: boolean;
            /** @description optional keys: strategy (failover | round-robin | weighted | least-busy | latency; overrides the old per-node field), group_strategies (multi: {"<priority>": strategy} per priority group), model (default for specific mode), affinity (session affinity: {"enabled": true, "sources"?: [x-session-id | prompt_cache_key | user | safety_identifier | metadata.user_id], "hash_messages"?: bool}), retries, max_retry_wait, headers_timeout, first_token_timeout (seconds or "adaptive"), idle_timeout (see docs/gateway.md), stream_recovery (continue | error: a stream cut after its first content is continued by the next node; unset: only by a node serving the same model), drop_unsupported_params (default true: a parameter a translated target cannot take is left out and named in x-switchboard-dropped-params; false: a 400 naming it), default_max_tokens (the output a request without max_tokens may use, for client-key token limits and budgets); a null value unsets a key */
            config: {
                [key: string]: unknown;
            };
            nodes: components["schemas"]["RouteNode"][];
            created_at: string;
            updated_at: string;
        };
        /** RouteNode */
        RouteNode: {
            id: number;
            api_id: number;
            models: string[];
            /** @description deprecated: set the route's config.strategy (or config.group_strategies) instead */
            strategy: "round-robin" | "failover";
            priority: number;
            weight: number;
            /** @description free-form */
            metadata: {
                [key: string]: unknown;
            };
        };
        /** ClientKey */
        ClientKey: {
            id: number;
            name: string;
            /** @description the first characters of the key, to recognise it */
            prefix: string;
            created_at: string;
            last_used_at: string | null;
            /** @description route names or models the key may ask for (`prefix*` matches a prefix); null: every one */
            allowed_models: string[] | null;
            /** @description requests per UTC minute, for the whole cluster; null: no limit */
            requests_per_minute: number | null;
            /** @description input + output tokens per UTC minute, for the whole cluster; null: no limit */
            tokens_per_minute: number | null;
            /** @description requests in flight at once, for the whole cluster; null: no limit */
            max_concurrent: number | null;
            /** @description spend per budget_period in the currency of the prices; null: no budget */
            budget: number | null;
            /** @description the budget resets at 00:00 UTC each day, or on the first of each month (UTC) */
            budget_period: "day" | "month";
            /** @description ISO 8601 time after which the key is refused (401) */
            expires_at: string | null;
            /** @description a disabled key is refused (401) but kept */
            disabled: boolean;
            usage: components["schemas"]["ClientKeyUsage"];
        };
        /** ClientKeyUsage */
        ClientKeyUsage: {
            requests_this_minute: number;
            tokens_this_minute: number;
            /** @description on the replica that answered */
            in_flight: number;
            /** @description reserved and spent in the current budget period */
            spend_this_period: number;
        };
        /** RestoreChanges */
        RestoreChanges: {
            added: string[];
            removed: string[];
            changed: string[];
        };
        /** Ping */
        Ping: {
            /** @enum {string} */
            status: "ok";
            /** @description whether /api needs the admin token */
            admin_token_required: boolean;
        };
        /**
         * Problem
         * @description RFC 9457 problem document
         */
        Problem: {
            type: string;
            title: string;
            status: number;
            detail: string;
            errors?: {
                field: string;
                message: string;
            }[];
        } & {
            [key: string]: unknown;
        };
        /** NewProvider */
        NewProvider: {
            name: string;
            /** @description absolute http(s) URL, e.g. https://api.openai.com/v1 */
            base_url: string;
            /** @description the wire protocol and auth: openai (Authorization: Bearer), anthropic (x-api-key), azure (api-key); default openai */
            kind?: "openai" | "anthropic" | "azure";
            /** @description narrows the /v1 endpoints the provider serves to these (each one its kind serves); null: all of the kind's */
            endpoints?: ("chat" | "completions" | "embeddings" | "models" | "responses" | "messages" | "count_tokens" | "moderations" | "images" | "audio_speech" | "audio_transcriptions" | "rerank")[] | null;
            continuation?: ("prefill" | "restart") | (never | null);
            /** @description write-only; never returned */
            api_key?: string | null;
            models?: string[];
            is_active?: boolean;
            /** @description probed with GET; default /models */
            health_check_path?: string;
        };
        /**
         * ProviderPatch
         * @description only the fields sent change; api_key null removes the key
         */
        ProviderPatch: {
            name?: string;
            /** @description absolute http(s) URL, e.g. https://api.openai.com/v1 */
            base_url?: string;
            /** @description the wire protocol and auth: openai (Authorization: Bearer), anthropic (x-api-key), azure (api-key); default openai */
            kind?: "openai" | "anthropic" | "azure";
            /** @description narrows the /v1 endpoints the provider serves to these (each one its kind serves); null: all of the kind's */
            endpoints?: ("chat" | "completions" | "embeddings" | "models" | "responses" | "messages" | "count_tokens" | "moderations" | "images" | "audio_speech" | "audio_transcriptions" | "rerank")[] | null;
            continuation?: ("prefill" | "restart") | (never | null);
            /** @description write-only; never returned */
            api_key?: string | null;
            models?: string[];
            is_active?: boolean;
            /** @description probed with GET; default /models */
            health_check_path?: string;
        };
        /** DirectTest */
        DirectTest: {
            base_url: string;
            /** @description the wire protocol and auth: openai (Authorization: Bearer), anthropic (x-api-key), azure (api-key); default openai */
            kind?: "openai" | "anthropic" | "azure";
            /** @description narrows the /v1 endpoints the provider serves to these (each one its kind serves); null: all of the kind's */
            endpoints?: ("chat" | "completions" | "embeddings" | "models" | "responses" | "messages" | "count_tokens" | "moderations" | "images" | "audio_speech" | "audio_transcriptions" | "rerank")[] | null;
            /** @description used for this probe only; never stored */
            api_key?: string | null;
            models?: string[];
            health_check_path?: string;
            name?: string;
            is_active?: boolean;
        };
        /**
         * TestResult
         * @description latency_ms is the time to the response headers (or to the failure)
         */
        TestResult: {
            status: "online" | "degraded" | "timeout" | "unreachable" | "error";
            status_code: number | null;
            latency_ms: number | null;
            detail: string | null;
        };
        /** DirectModels */
        DirectModels: {
            base_url: string;
            /** @description the wire protocol and auth: openai (Authorization: Bearer), anthropic (x-api-key), azure (api-key); default openai */
            kind?: "openai" | "anthropic" | "azure";
            /** @description used for this call only; never stored */
            api_key?: string | null;
        };
        /**
         * ModelListing
         * @description GET {base_url}/models through the probe; nothing is recorded
         */
        ModelListing: {
            status: "online" | "degraded" | "timeout" | "unreachable" | "error";
            status_code: number | null;
            latency_ms: number | null;
            detail: string | null;
            /** @description sorted; empty unless status is online */
            models: string[];
        };
        /** HealthOverride */
        HealthOverride: {
            /** @description true/false holds the flag; null returns to automatic */
            is_healthy: boolean | null;
        };
        /** HealthEvents */
        HealthEvents: {
            events: components["schemas"]["HealthEvent"][];
        };
        /** HealthChecks */
        HealthChecks: {
            checks: components["schemas"]["HealthCheck"][];
        };
        /** Stats */
        Stats: {
            /** @description development: no BACKEND_ADMIN_TOKEN (loopback only); /api and credential-less /v1 requests are open, a presented client key is still checked. production: the admin token guards /api, /v1 needs a client key */
            mode: "development" | "production";
            uptime_seconds: number;
            total_requests: number;
            total_errors: number;
            /** @description percent of requests answered with a status >= 400 */
            error_rate: number;
            average_duration_ms: number;
            status_codes: {
                [key: string]: number;
            };
            /** @description keyed by "METHOD route-pattern", e.g. "GET /api/providers/{id}" */
            endpoints: {
                [key: string]: components["schemas"]["EndpointStats"];
            };
            /** @description the last 10, newest first */
            recent_requests: components["schemas"]["RecentRequest"][];
            /** @description keyed by provider id */
            providers: {
                [key: string]: components["schemas"]["ProviderFigures"];
            };
            backup?: components["schemas"]["BackupFigures"];
            /** @description the gateway (/v1) requests only: what an operator watches */
            gateway: {
                total_requests: number;
                total_errors: number;
                /** @description percent of these requests answered with a status >= 400 */
                error_rate: number;
                average_duration_ms: number;
                status_codes: {
                    [key: string]: number;
                };
            };
            /** @description the admin API and the rest (/api, /metrics, the sign-in page's 401s): the UI's own calls */
            admin: {
                total_requests: number;
                total_errors: number;
                /** @description percent of these requests answered with a status >= 400 */
                error_rate: number;
                average_duration_ms: number;
                status_codes: {
                    [key: string]: number;
                };
            };
        };
        /** StatsHistory */
        StatsHistory: {
            /** @enum {number} */
            resolution_seconds: 60;
            /** @description one per minute, oldest first; the last is the current, unfinished minute */
            points: components["schemas"]["HistoryPoint"][];
        };
        /** LogsPage */
        LogsPage: {
            logs: components["schemas"]["LogEntry"][];
            /** @description entries held (at most 1000) */
            total: number;
            /** @description entries held that match the filters (all when none) */
            matched: number;
        };
        /** NewModelRoute */
        NewModelRoute: {
            name: string;
            mode: "auto" | "specific" | "multi";
            is_active?: boolean;
            /** @description optional keys: strategy (failover | round-robin | weighted | least-busy | latency; overrides the old per-node field), group_strategies (multi: {"<priority>": strategy} per priority group), model (default for specific mode), affinity (session affinity: {"enabled": true, "sources"?: [x-session-id | prompt_cache_key | user | safety_identifier | metadata.user_id], "hash_messages"?: bool}), retries, max_retry_wait, headers_timeout, first_token_timeout (seconds or "adaptive"), idle_timeout (see docs/gateway.md), stream_recovery (continue | error: a stream cut after its first content is continued by the next node; unset: only by a node serving the same model), drop_unsupported_params (default true: a parameter a translated target cannot take is left out and named in x-switchboard-dropped-params; false: a 400 naming it), default_max_tokens (the output a request without max_tokens may use, for client-key token limits and budgets); a null value unsets a key */
            config?: {
                [key: string]: unknown;
            };
            /** @description in order; replaces every node when sent */
            nodes?: {
                /** @description an existing provider id */
                api_id: number;
                /** @description empty: the provider's models */
                models?: string[];
                /** @description deprecated: set the route's config.strategy (or config.group_strategies) instead */
                strategy?: "round-robin" | "failover";
                /** @description lower first; in multi mode, nodes of one priority form a group */
                priority?: number;
                /** @description the node's share under the weighted strategy (default 1); 0 drains it: no traffic */
                weight?: number;
                /** @description free-form */
                metadata?: {
                    [key: string]: unknown;
                };
            }[];
        };
        /**
         * ModelRoutePatch
         * @description only the fields sent change; nodes and config are replaced whole
         */
        ModelRoutePatch: {
            name?: string;
            mode?: "auto" | "specific" | "multi";
            is_active?: boolean;
            /** @description optional keys: strategy (failover | round-robin | weighted | least-busy | latency; overrides the old per-node field), group_strategies (multi: {"<priority>": strategy} per priority group), model (default for specific mode), affinity (session affinity: {"enabled": true, "sources"?: [x-session-id | prompt_cache_key | user | safety_identifier | metadata.user_id], "hash_messages"?: bool}), retries, max_retry_wait, headers_timeout, first_token_timeout (seconds or "adaptive"), idle_timeout (see docs/gateway.md), stream_recovery (continue | error: a stream cut after its first content is continued by the next node; unset: only by a node serving the same model), drop_unsupported_params (default true: a parameter a translated target cannot take is left out and named in x-switchboard-dropped-params; false: a 400 naming it), default_max_tokens (the output a request without max_tokens may use, for client-key token limits and budgets); a null value unsets a key */
            config?: {
                [key: string]: unknown;
            };
            /** @description in order; replaces every node when sent */
            nodes?: {
                /** @description an existing provider id */
                api_id: number;
                /** @description empty: the provider's models */
                models?: string[];
                /** @description deprecated: set the route's config.strategy (or config.group_strategies) instead */
                strategy?: "round-robin" | "failover";
                /** @description lower first; in multi mode, nodes of one priority form a group */
                priority?: number;
                /** @description the node's share under the weighted strategy (default 1); 0 drains it: no traffic */
                weight?: number;
                /** @description free-form */
                metadata?: {
                    [key: string]: unknown;
                };
            }[];
        };
        /** RouteState */
        RouteState: {
            route_id: number;
            route_name: string;
            state: {
                /** @description next index per key: the route id (auto), the model (specific) or the priority (multi) */
                round_robin_indices: {
                    [key: string]: number;
                };
                groups: {
                    key: string;
                    strategy: "failover" | "round-robin" | "weighted" | "least-busy" | "latency";
                    position: number;
                    nodes: {
                        node_id: number;
                        provider_id: number;
                        weight: number;
                        /** @description smooth weighted round-robin credit */
                        credit: number;
                        /** @description sessions bound to this node's provider */
                        affinity_bindings: number;
                    }[];
                }[];
                /** @description the route's providers, load and speed shared with every route using them */
                providers: {
                    provider_id: number;
                    provider_name: string | null;
                    in_flight: number;
                    /** @description peak-EWMA latency; null: no recent sample */
                    ewma_ms: number | null;
                    samples: number;
                    /** @description what the latency strategy compares; 0: to explore */
                    latency_cost: number;
                    /** @description sessions of this route bound to this provider */
                    affinity_bindings: number;
                }[];
                /** @description session affinity: settings and live bindings */
                affinity: {
                    enabled: boolean;
                    /** @description where session keys are read, in order */
                    sources: ("x-session-id" | "prompt_cache_key" | "user" | "safety_identifier" | "metadata.user_id")[];
                    hash_messages: boolean;
                    /** @description BACKEND_AFFINITY_TTL_SECONDS */
                    ttl_seconds: number;
                    /** @description this route's live session bindings in this process */
                    bindings: number;
                };
            };
        };
        /** SelectionRequest */
        SelectionRequest: {
            model?: string;
            /** @description dry run on a route with affinity: the request whose session the choice is explained for */
            session?: {
                /** @description the x-session-id header */
                session_id?: string;
                /** @description the /v1 body fields a session is read from: prompt_cache_key, user, metadata… */
                body?: {
                    [key: string]: unknown;
                };
                /** @description the client key the call would use; bindings are per key */
                client_key_id?: number | null;
            };
        };
        /**
         * Selection
         * @description the selection; a dry run adds the plan and its explanation
         */
        Selection: {
            provider_id: number;
            provider_name: string;
            model: string | null;
            dry_run?: boolean;
            /** @description dry run: every attempt the gateway would make, in order */
            attempts?: {
                provider_id: number;
                provider_name: string;
                model: string | null;
            }[];
            /** @description dry run: the groups looked at and their strategy */
            groups?: {
                key: string;
                strategy: "failover" | "round-robin" | "weighted" | "least-busy" | "latency";
            }[];
            /** @description dry run: the nodes left out of the choice and why */
            skipped?: {
                node_id: number;
                provider_id: number;
                provider_name: string | null;
                /** @description the group key: route id (auto), model (specific), priority (multi) */
                group: string;
                reason: "provider_missing" | "provider_inactive" | "provider_unhealthy" | "cooling_down" | "circuit_open" | "drained" | "model_not_offered" | "endpoint_not_served";
            }[];
            /** @description dry run on a route with affinity: how the session decided the first node */
            affinity?: {
                session_source: (("x-session-id" | "prompt_cache_key" | "user" | "safety_identifier" | "metadata.user_id") | "messages") | (never | null);
                group: string | null;
                /** @description the provider the session is bound to; not chosen: it is unavailable */
                bound_provider_id: number | null;
                choice: ("bound" | "hash" | "strategy") | (never | null);
            };
        };
        /** NewClientKey */
        NewClientKey: {
            name: string;
        };
        /** CreatedClientKey */
        CreatedClientKey: {
            id: number;
            name: string;
            /** @description shown this once; only its SHA-256 is stored */
            key: string;
            prefix: string;
            created_at: string;
        };
        /** ClientKeyPatch */
        ClientKeyPatch: {
            name?: string;
            /** @description route names or models the key may ask for (`prefix*` matches a prefix); null: every one */
            allowed_models?: string[] | null;
            /** @description requests per UTC minute, for the whole cluster; null: no limit */
            requests_per_minute?: number | null;
            /** @description input + output tokens per UTC minute, for the whole cluster; null: no limit */
            tokens_per_minute?: number | null;
            /** @description requests in flight at once, for the whole cluster; null: no limit */
            max_concurrent?: number | null;
            /** @description spend per budget_period in the currency of the prices; null: no budget */
            budget?: number | null;
            /** @description the budget resets at 00:00 UTC each day, or on the first of each month (UTC) */
            budget_period?: "day" | "month";
            /** @description ISO 8601 time after which the key is refused (401) */
            expires_at?: string | null;
            /** @description a disabled key is refused (401) but kept */
            disabled?: boolean;
        };
        /** RequestPage */
        RequestPage: {
            data: {
                id: number;
                /** @description when the request reached the gateway (ISO-8601, UTC) */
                at: string;
                /** @description the x-request-id the client got */
                request_id: string;
                /** @description client key; null for the admin token or open mode */
                key_id: number | null;
                /** @description e.g. chat/completions */
                endpoint: string;
                route: string | null;
                /** @description the model the client asked for */
                model: string;
                /** @description the provider that answered, or the last one tried */
                provider_id: number | null;
                provider: string | null;
                served_model: string | null;
                stream: boolean;
                /** @description the status the client got (499: the client went away) */
                status: number;
                error_code: string | null;
                attempts: {
                    provider_id: number;
                    provider: string;
                    outcome: string;
                    status: number | null;
                    duration_ms: number;
                    /** @description the attempt was translated: client format->provider format, e.g. chat->messages */
                    translated?: string;
                    /** @description a leg continuing a stream cut after its first content: asked to continue the sent text (prefill) or restarted, its start matched to the sent text (restart) */
                    continuation?: "prefill" | "restart";
                }[];
                latency_ms: number;
                /** @description streams: arrival to the first content sent */
                ttft_ms: number | null;
                /** @description the gateway's own time: latency less upstream waits */
                overhead_ms: number | null;
                usage: {
                    input_tokens: number | null;
                    output_tokens: number | null;
                    cached_input_tokens: number | null;
                    reasoning_tokens: number | null;
                };
                /** @description usage × the price of the served model, when one is set */
                cost: number | null;
            }[];
            /** @description pass as `cursor` for the next (older) page */
            next_cursor: string | null;
        };
        /** RequestRecord */
        RequestRecord: {
            id: number;
            /** @description when the request reached the gateway (ISO-8601, UTC) */
            at: string;
            /** @description the x-request-id the client got */
            request_id: string;
            /** @description client key; null for the admin token or open mode */
            key_id: number | null;
            /** @description e.g. chat/completions */
            endpoint: string;
            route: string | null;
            /** @description the model the client asked for */
            model: string;
            /** @description the provider that answered, or the last one tried */
            provider_id: number | null;
            provider: string | null;
            served_model: string | null;
            stream: boolean;
            /** @description the status the client got (499: the client went away) */
            status: number;
            error_code: string | null;
            attempts: {
                provider_id: number;
                provider: string;
                outcome: string;
                status: number | null;
                duration_ms: number;
                /** @description the attempt was translated: client format->provider format, e.g. chat->messages */
                translated?: string;
                /** @description a leg continuing a stream cut after its first content: asked to continue the sent text (prefill) or restarted, its start matched to the sent text (restart) */
                continuation?: "prefill" | "restart";
            }[];
            latency_ms: number;
            /** @description streams: arrival to the first content sent */
            ttft_ms: number | null;
            /** @description the gateway's own time: latency less upstream waits */
            overhead_ms: number | null;
            usage: {
                input_tokens: number | null;
                output_tokens: number | null;
                cached_input_tokens: number | null;
                reasoning_tokens: number | null;
            };
            /** @description usage × the price of the served model, when one is set */
            cost: number | null;
        };
        /** Price */
        Price: {
            provider_id: number;
            model: string;
            input_per_million: number;
            output_per_million: number;
            cached_input_per_million?: number | null;
        };
        /** PriceRecord */
        PriceRecord: {
            provider_id: number;
            model: string;
            input_per_million: number;
            output_per_million: number;
            /** @description null: cached input costs the input price */
            cached_input_per_million: number | null;
            updated_at: string;
        };
        /** PriceImport */
        PriceImport: {
            prices: {
                provider_id: number;
                model: string;
                input_per_million: number;
                output_per_million: number;
                cached_input_per_million?: number | null;
            }[];
        };
        /** UsageAnswer */
        UsageAnswer: {
            group_by: string;
            interval: string;
            from: string;
            to: string;
            data: {
                bucket: string;
                key: (number | string) | (never | null);
                provider_name?: string;
                requests: number;
                /** @description answers other than 2xx, and streams cut after the commit */
                errors: number;
                input_tokens: number;
                output_tokens: number;
                cached_input_tokens: number;
                reasoning_tokens: number;
                /** @description sum of the priced requests (unpriced ones add nothing) */
                cost: number;
                latency_p50_ms: number | null;
                latency_p95_ms: number | null;
                /** @description streams only */
                ttft_p50_ms: number | null;
                ttft_p95_ms: number | null;
            }[];
            /** @description per group, by cost then requests */
            totals: {
                key: (number | string) | (never | null);
                provider_name?: string;
                requests: number;
                /** @description answers other than 2xx, and streams cut after the commit */
                errors: number;
                input_tokens: number;
                output_tokens: number;
                cached_input_tokens: number;
                reasoning_tokens: number;
                /** @description sum of the priced requests (unpriced ones add nothing) */
                cost: number;
                latency_p50_ms: number | null;
                latency_p95_ms: number | null;
                /** @description streams only */
                ttft_p50_ms: number | null;
                ttft_p95_ms: number | null;
            }[];
        };
        /** ModelList */
        ModelList: {
            /** @enum {string} */
            object: "list";
            data: {
                id: string;
                /** @enum {string} */
                object: "model";
                created: number;
                /** @description "switchboard" for a route, else the provider name */
                owned_by: string;
            }[];
        };
        /** PlaygroundChat */
        PlaygroundChat: {
            /** @description a route name or a provider model */
            model: string;
            messages: {
                role: "system" | "user" | "assistant";
                content: string;
            }[];
            stream?: boolean;
            stream_options?: {
                include_usage: boolean;
            };
            max_tokens?: number;
            temperature?: number;
        };
        /** ChatCompletion */
        ChatCompletion: {
            id: string;
            /** @enum {string} */
            object: "chat.completion";
            created: number;
            /** @description the provider's model */
            model: string;
            choices: ({
                index: number;
                message: {
                    role: string;
                    content: string | null;
                } & {
                    [key: string]: unknown;
                };
                finish_reason: string | null;
            } & {
                [key: string]: unknown;
            })[];
            /** Usage */
            usage?: {
                prompt_tokens: number;
                completion_tokens?: number;
                total_tokens: number;
            } & {
                [key: string]: unknown;
            };
        } & {
            [key: string]: unknown;
        };
        /** RestoreSummary */
        RestoreSummary: {
            dry_run: boolean;
            providers: components["schemas"]["RestoreChanges"];
            routes: components["schemas"]["RestoreChanges"];
            keys: components["schemas"]["RestoreChanges"];
        };
        /**
         * ChatCompletionRequest
         * @description every other OpenAI field is forwarded as sent
         */
        ChatCompletionRequest: {
            /** @description a route name, or a model an active provider offers */
            model: string;
            messages: ({
                /** @description system, user, assistant, tool, … */
                role: string;
                content: string | unknown[] | (never | null);
            } & {
                [key: string]: unknown;
            })[];
            /** @description answer as server-sent events */
            stream?: boolean;
            stream_options?: {
                include_usage?: boolean;
            } & {
                [key: string]: unknown;
            };
            max_tokens?: number;
            temperature?: number;
        } & {
            [key: string]: unknown;
        };
        /**
         * OpenAIError
         * @description OpenAI's error shape; an upstream's own error is passed on as it came
         */
        OpenAIError: {
            error: {
                message: string;
                /** @description invalid_request_error, authentication_error, api_error, … */
                type: string;
                code: string | null;
            };
        };
        /** CompletionRequest */
        CompletionRequest: {
            /** @description a route name, or a model an active provider offers */
            model: string;
            prompt: string | string[];
            stream?: boolean;
            max_tokens?: number;
        } & {
            [key: string]: unknown;
        };
        /** Completion */
        Completion: {
            id: string;
            /** @enum {string} */
            object: "text_completion";
            model: string;
            choices: ({
                index: number;
                text: string;
            } & {
                [key: string]: unknown;
            })[];
            usage?: {
                prompt_tokens: number;
                completion_tokens?: number;
                total_tokens: number;
            } & {
                [key: string]: unknown;
            };
        } & {
            [key: string]: unknown;
        };
        /** EmbeddingRequest */
        EmbeddingRequest: {
            /** @description a route name, or a model an active provider offers */
            model: string;
            input: string | unknown[];
        } & {
            [key: string]: unknown;
        };
        /** EmbeddingList */
        EmbeddingList: {
            /** @enum {string} */
            object: "list";
            model: string;
            data: ({
                /** @enum {string} */
                object: "embedding";
                index: number;
                embedding: number[];
            } & {
                [key: string]: unknown;
            })[];
            usage?: {
                prompt_tokens: number;
                completion_tokens?: number;
                total_tokens: number;
            } & {
                [key: string]: unknown;
            };
        } & {
            [key: string]: unknown;
        };
        /**
         * ResponseRequest
         * @description every other OpenAI field is forwarded as sent
         */
        ResponseRequest: {
            /** @description a route name, or a model an active provider offers */
            model: string;
            input: string | unknown[];
            /** @description answer as typed server-sent events */
            stream?: boolean;
            /** @description continues a response: the call goes to the provider that made it */
            previous_response_id?: string;
            instructions?: string;
        } & {
            [key: string]: unknown;
        };
        /** Response */
        Response: {
            /** @description resp_…: bound to the provider that made it */
            id: string;
            /** @enum {string} */
            object: "response";
            status: string;
            model: string;
            output: unknown[];
        } & {
            [key: string]: unknown;
        };
        /** AnthropicMessage */
        AnthropicMessage: {
            id: string;
            /** @enum {string} */
            type: "message";
            /** @enum {string} */
            role: "assistant";
            content: unknown[];
            model: string;
            stop_reason: string | null;
        } & {
            [key: string]: unknown;
        };
        /**
         * AnthropicError
         * @description Anthropic's error shape (on /v1/messages); an upstream's own error is passed on as it came
         */
        AnthropicError: {
            /** @enum {string} */
            type: "error";
            error: {
                type: string;
                message: string;
            };
        };
        /** Model */
        Model: {
            id: string;
            /** @enum {string} */
            object: "model";
            created: number;
            /** @description "switchboard" for a route, else the provider name */
            owned_by: string;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
