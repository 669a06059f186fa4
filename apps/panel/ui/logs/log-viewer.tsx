'use client';

import { useEffect, useMemo, useRef, useState } from 'react';
import { LOG_LEVELS, matchesLogFilter, summarizeFields, type LogLevel } from '../../lib/format/logs';
import { formatClock } from '../../lib/format/time';
import { useLogStream, type LogStreamStatus } from '../../lib/hooks/use-log-stream';
import { useI18n } from '../../lib/i18n/i18n';
import { Badge, type Tone } from '../shared/badge';
import { Button } from '../shared/button';
import { Input, Select } from '../shared/field';
import { EmptyState } from '../shared/states';

const LEVEL_TONE: Record<LogLevel, Tone> = { trace: 'gray', debug: 'gray', info: 'blue', warn: 'amber', error: 'red', fatal: 'red' };
const LEVEL_TEXT: Record<LogLevel, string> = {
  trace: 'text-slate-400',
  debug: 'text-slate-500',
  info: 'text-slate-800',
  warn: 'text-amber-800',
  error: 'text-red-700',
  fatal: 'text-red-800 font-semibold',
};

function StatusBadge({ status }: { status: LogStreamStatus }) {
  const { t } = useI18n();
  const [, tick] = useState(0);
  useEffect(() => {
    if (status.kind !== 'reconnecting') return;
    const timer = setInterval(() => tick((n) => n + 1), 1_000);
    return () => clearInterval(timer);
  }, [status]);
  switch (status.kind) {
    case 'open':
      return (
        <Badge tone="green" data-testid="log-status" data-status="open">
          ● {t('logs.status.open')}
        </Badge>
      );
    case 'connecting':
      return (
        <Badge tone="gray" data-testid="log-status" data-status="connecting">
          {t('logs.status.connecting')}
        </Badge>
      );
    case 'unauthorized':
      return (
        <Badge tone="red" data-testid="log-status" data-status="unauthorized">
          {t('logs.status.unauthorized')}
        </Badge>
      );
    case 'reconnecting':
      return (
        <Badge tone="amber" data-testid="log-status" data-status="reconnecting">
          {status.tooMany ? t('logs.status.tooMany') : t('logs.status.reconnecting', { seconds: Math.max(1, Math.round(status.inMs / 1000)) })}
        </Badge>
      );
  }
}

/** The live log: level filter, search, pause (lines keep arriving and are counted), follow the tail. */
export function LogViewer() {
  const { t } = useI18n();
  const [paused, setPaused] = useState(false);
  const [minLevel, setMinLevel] = useState<LogLevel>('info');
  const [search, setSearch] = useState('');
  const { entries, pending, status, clear } = useLogStream(paused);
  const box = useRef<HTMLDivElement>(null);
  const follow = useRef(true);
  const shown = useMemo(() => entries.filter((e) => matchesLogFilter(e, { minLevel, search })), [entries, minLevel, search]);

  useEffect(() => {
    const el = box.current;
    if (el && follow.current) el.scrollTop = el.scrollHeight;
  }, [shown]);

  return (
    <div className="flex flex-col gap-3">
      <div className="flex flex-wrap items-center gap-2">
        <StatusBadge status={status} />
        <Select className="!w-auto" value={minLevel} onChange={(e) => setMinLevel(e.target.value as LogLevel)} aria-label={t('logs.level')} data-testid="log-level">
          {LOG_LEVELS.map((l) => (
            <option key={l} value={l}>
              {`${t('logs.level')}: ${l}`}
            </option>
          ))}
        </Select>
        <Input className="!w-full sm:!w-64" placeholder={t('logs.search')} value={search} onChange={(e) => setSearch(e.target.value)} aria-label={t('logs.search')} data-testid="log-search" />
        <Button onClick={() => setPaused((p) => !p)} variant={paused ? 'primary' : 'secondary'} data-testid="log-pause">
          {paused ? t('logs.resume', { n: pending }) : t('logs.pause')}
        </Button>
        <Button onClick={clear} variant="ghost">
          {t('logs.clear')}
        </Button>
        <span className="ml-auto text-xs text-slate-500" data-testid="log-count">
          {t('logs.count', { shown: shown.length, total: entries.length })}
        </span>
      </div>
      <div
        ref={box}
        onScroll={(e) => {
          const el = e.currentTarget;
          follow.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
        }}
        className="h-[65vh] overflow-auto rounded-lg border border-slate-200 bg-white font-mono text-xs"
        data-testid="log-box"
      >
        {shown.length === 0 ? (
          <EmptyState title={entries.length === 0 ? t('logs.empty') : t('logs.noMatch')} />
        ) : (
          <ul className="divide-y divide-slate-50">
            {shown.map((e, i) => (
              <li key={`${i}-${e.raw.length}-${e.time}`} className="flex gap-2 px-3 py-1 hover:bg-slate-50" data-testid="log-line" data-level={e.level}>
                <span className="shrink-0 tabular-nums text-slate-400">{formatClock(e.time)}</span>
                <Badge tone={LEVEL_TONE[e.level]} className="!px-1.5 !py-0 uppercase">
                  {e.level}
                </Badge>
                <span className={`break-all ${LEVEL_TEXT[e.level]}`}>
                  <span className="font-semibold">{e.msg}</span> <span className="text-slate-500">{summarizeFields(e.fields)}</span>
                </span>
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
