'use client';

import { pageRange } from '../../lib/format/credentials';
import { useI18n } from '../../lib/i18n/i18n';
import { Button } from './button';
import { Select } from './field';

export function Pagination({ offset, limit, count, total, onOffset, onLimit, sizes = [20, 50, 100] }: { offset: number; limit: number; count: number; total: number; onOffset(o: number): void; onLimit(l: number): void; sizes?: number[] }) {
  const { t } = useI18n();
  const range = pageRange(offset, count, total);
  return (
    <div className="flex flex-wrap items-center justify-between gap-2 text-sm text-slate-600">
      <span data-testid="page-range">{t('common.pageRange', { from: range.from, to: range.to, total: range.total })}</span>
      <div className="flex items-center gap-2">
        <Select className="!w-auto !py-1" value={limit} onChange={(e) => onLimit(Number(e.target.value))} aria-label={t('common.perPage', { n: limit })}>
          {sizes.map((s) => (
            <option key={s} value={s}>
              {t('common.perPage', { n: s })}
            </option>
          ))}
        </Select>
        <Button size="sm" disabled={offset === 0} onClick={() => onOffset(Math.max(0, offset - limit))}>
          {t('common.previous')}
        </Button>
        <Button size="sm" disabled={offset + count >= total} onClick={() => onOffset(offset + limit)}>
          {t('common.next')}
        </Button>
      </div>
    </div>
  );
}
