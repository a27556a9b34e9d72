/** /api/admin/providers/*: export and restore of the configuration backup. */

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { BACKUP_LIMITS, BackupDocument, RestoreSummarySchema } from '../../domain/backup-document.js'
import type { Backup } from '../../services/config/backup.js'
import type { ConfigChanges } from '../../services/config/config-changes.js'
import { problems } from './schemas.js'

const tags = ['backup']

export function backupRoutes(deps: {
  backup: Backup
  changes: ConfigChanges
  backupFile: string
}): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/admin/providers/export',
      {
        schema: {
          tags,
          summary: 'Download the configuration backup (keys stay encrypted)',
          response: { 200: BackupDocument },
        },
      },
      async (_req, reply) => {
        const doc = await deps.backup.exportDocument()
        const stamp = doc.exported_at.slice(0, 19).replace(/[:T]/g, '-')
        reply.header('content-disposition', `attachment; filename="switchboard-backup-${stamp}.json"`)
        return doc
      },
    )

    app.post(
      '/api/admin/providers/restore',
      {
        // The largest valid document, not BACKEND_API_BODY_LIMIT_BYTES: a 5,000-provider export
        // alone is ~1.9 MB. Only an admin gets this far (auth runs before the body is read).
        bodyLimit: BACKUP_LIMITS.bytes,
        schema: {
          tags,
          summary:
            'Restore from the posted backup document, or from BACKEND_BACKUP_FILE when the body is empty',
          querystring: Type.Object({ dry_run: Type.Optional(Type.Boolean({ default: false })) }),
          body: Type.Optional(Type.Unknown({ description: 'a backup document as written by export' })),
          response: { 200: RestoreSummarySchema, ...problems(400, 413, 422) },
        },
      },
      async (req) => {
        // Only a request without a body means "the file": a posted `null` is a bad document (422).
        const doc =
          req.body === undefined
            ? await deps.backup.readFileDocument(deps.backupFile)
            : await deps.backup.parseDocument(req.body)
        const dryRun = req.query.dry_run === true
        const summary = await deps.backup.restore(doc, { dryRun })
        if (!dryRun) await deps.changes.configChanged()
        return summary
      },
    )
  }
}
