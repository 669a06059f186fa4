'use client';

import { useRef, useState } from 'react';
import { api } from '../../lib/api/client';
import type { UploadResult } from '../../lib/api/types';
import { splitUploadable } from '../../lib/format/credentials';
import { formatPercent } from '../../lib/format/numbers';
import { useI18n } from '../../lib/i18n/i18n';
import { Badge } from '../shared/badge';
import { Button } from '../shared/button';
import { Card } from '../shared/card';
import { ProgressBar } from '../shared/progress-bar';
import { Alert, useErrorMessage } from '../shared/states';

const STATUS_TONE = { success: 'green', updated: 'blue', error: 'red' } as const;

/** Drag-and-drop (or pick) .json and .zip credential files; shows upload progress and one result per file. */
export function UploadDropzone({ onUploaded }: { onUploaded(): void }) {
  const { t } = useI18n();
  const describe = useErrorMessage();
  const input = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  const [progress, setProgress] = useState<{ files: number; fraction: number } | null>(null);
  const [results, setResults] = useState<UploadResult[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function upload(list: FileList | File[]) {
    const { accepted, rejected } = splitUploadable([...list]);
    const rejectedResults: UploadResult[] = rejected.map((f) => ({ filename: f.name, status: 'error', message: t('upload.rejected', { name: f.name }) }));
    setError(null);
    if (accepted.length === 0) {
      setResults(rejectedResults);
      return;
    }
    setResults(null);
    setProgress({ files: accepted.length, fraction: 0 });
    try {
      const answer = await api.credentials.upload(accepted, (fraction) => setProgress({ files: accepted.length, fraction }));
      setResults([...answer.results, ...rejectedResults]);
      onUploaded();
    } catch (err) {
      setError(describe(err));
      if (rejectedResults.length) setResults(rejectedResults);
    } finally {
      setProgress(null);
      if (input.current) input.current.value = '';
    }
  }

  const ok = results?.filter((r) => r.status !== 'error').length ?? 0;
  return (
    <Card title={t('upload.title')}>
      <div
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          if (e.dataTransfer.files.length > 0) void upload(e.dataTransfer.files);
        }}
        data-testid="upload-dropzone"
        className={`flex flex-col items-center justify-center gap-1 rounded-lg border-2 border-dashed px-4 py-6 text-center text-sm transition-colors ${dragging ? 'border-brand bg-blue-50' : 'border-slate-300 bg-slate-50'}`}
      >
        <div className="text-slate-700">
          {t('upload.drop')}{' '}
          <button type="button" className="font-medium text-brand underline" onClick={() => input.current?.click()} disabled={progress !== null}>
            {t('upload.choose')}
          </button>
        </div>
        <div className="text-xs text-slate-500">{t('upload.hint')}</div>
        <input
          ref={input}
          type="file"
          accept=".json,.zip,application/json,application/zip"
          multiple
          className="hidden"
          data-testid="upload-input"
          onChange={(e) => e.target.files && e.target.files.length > 0 && void upload(e.target.files)}
        />
      </div>
      {progress && (
        <div className="mt-3 flex flex-col gap-1" data-testid="upload-progress">
          <div className="text-sm text-slate-600">
            {progress.fraction < 1 ? t('upload.uploading', { n: progress.files, percent: formatPercent(progress.fraction * 100, 0) }) : t('upload.checking')}
          </div>
          <ProgressBar percent={progress.fraction * 100} tone="brand" />
        </div>
      )}
      {error && (
        <div className="mt-3">
          <Alert tone="error">{error}</Alert>
        </div>
      )}
      {results && (
        <div className="mt-3" data-testid="upload-results">
          <div className="mb-2 flex items-center justify-between text-sm">
            <span className="font-medium text-slate-700" data-testid="upload-summary">
              {t('upload.summary', { ok, total: results.length })}
            </span>
            <Button size="sm" variant="ghost" onClick={() => setResults(null)}>
              {t('upload.dismiss')}
            </Button>
          </div>
          <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200">
            {results.map((r, i) => (
              <li key={`${r.filename}-${i}`} className="flex flex-col gap-1 px-3 py-2 text-sm sm:flex-row sm:items-start sm:gap-3" data-testid="upload-result" data-status={r.status} data-filename={r.filename}>
                <Badge tone={STATUS_TONE[r.status]}>{t(`upload.status.${r.status}`)}</Badge>
                <span className="font-mono text-xs text-slate-800 sm:w-56 sm:shrink-0 sm:truncate" title={r.filename}>
                  {r.filename}
                </span>
                <span className="text-slate-600">
                  {r.credential?.email ? `${r.credential.email} · ` : ''}
                  {r.message}
                </span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </Card>
  );
}
