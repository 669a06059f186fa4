import { Controller, Get, Inject, Query, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AdminAuthGuard } from '../admin-auth/admin-auth.guard.js';
import { GatewayError } from '../common/errors/gateway-error.js';
import { UsageStatsRepository, type UsageFilter, type UsageGroup } from './usage-stats.repository.js';

const GROUPS: readonly UsageGroup[] = ['day', 'model', 'key', 'credential'];
const UUID = /^[0-9a-f-]{36}$/i;

function filterOf(q: Record<string, string | undefined>): UsageFilter {
  const days = q.days === undefined ? 30 : Number(q.days);
  if (!Number.isInteger(days) || days < 1 || days > 3650) throw new GatewayError('invalid_request', 'days must be an integer from 1 to 3650');
  const filter: UsageFilter = { since: new Date(Date.now() - days * 86_400_000) };
  if (q.key_id) {
    if (!UUID.test(q.key_id)) throw new GatewayError('invalid_request', 'key_id must be a key id');
    filter.keyId = q.key_id;
  }
  if (q.credential_id) {
    if (!UUID.test(q.credential_id)) throw new GatewayError('invalid_request', 'credential_id must be a credential id');
    filter.credentialId = q.credential_id;
  }
  return filter;
}

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = value instanceof Date ? value.toISOString() : String(value);
  return /[",\n\r]/.test(text) || /^[=+\-@]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Usage statistics from the ledger: per day, model, key or credential; totals; CSV export. */
@Controller('usage')
@UseGuards(AdminAuthGuard)
export class UsageController {
  constructor(@Inject(UsageStatsRepository) private readonly stats: UsageStatsRepository) {}

  @Get('stats')
  async grouped(@Query() q: Record<string, string | undefined>) {
    const group = (q.group_by ?? 'day') as UsageGroup;
    if (!GROUPS.includes(group)) throw new GatewayError('invalid_request', `group_by must be one of ${GROUPS.join(', ')}`);
    return { success: true, group_by: group, data: await this.stats.grouped(group, filterOf(q)) };
  }

  @Get('aggregated')
  async aggregated(@Query() q: Record<string, string | undefined>) {
    const filter = filterOf(q);
    const today = new Date();
    today.setUTCHours(0, 0, 0, 0);
    return { success: true, data: await this.stats.totals(filter.since, today) };
  }

  @Get('export.csv')
  async export(@Query() q: Record<string, string | undefined>, @Res() reply: FastifyReply) {
    const rows = await this.stats.rows(filterOf(q), 100_000);
    const columns = rows.length > 0 ? Object.keys(rows[0]!) : ['created_at', 'request_id'];
    const lines = [columns.join(','), ...rows.map((r) => columns.map((c) => csvCell(r[c])).join(','))];
    void reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="cligate-usage.csv"')
      .send(`${lines.join('\n')}\n`);
  }
}
