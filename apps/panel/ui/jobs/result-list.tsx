'use client';

import { summarizeResult } from '../../lib/format/jobs';
import { useI18n } from '../../lib/i18n/i18n';

/** A job's result as a compact `key: value` list (wraps on narrow screens). */
export function ResultList({ result, empty, ...rest }: { result: Record<string, unknown> | null; empty: string } & React.HTMLAttributes<HTMLElement>) {
  const { lang } = useI18n();
  const rows = summarizeResult(result, lang);
  if (rows.length === 0)
    return (
      <p className="text-sm text-slate-500" {...rest}>
        {empty}
      </p>
    );
  return (
    <dl className="flex flex-wrap gap-1.5 text-xs" {...rest}>
      {rows.map((r) => (
        <div key={r.key} className="flex min-w-0 max-w-full items-baseline gap-1 rounded bg-slate-50 px-1.5 py-0.5 ring-1 ring-inset ring-slate-200" data-testid="result-entry" data-key={r.key}>
          <dt className="shrink-0 font-mono text-slate-500">{r.key}:</dt>
          <dd className="min-w-0 break-all font-mono font-medium text-slate-900" title={r.value}>
            {r.value}
          </dd>
        </div>
      ))}
    </dl>
  );
}
