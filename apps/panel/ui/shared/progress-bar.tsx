import { clampPercent, quotaTone } from '../../lib/format/numbers';

export function ProgressBar({ percent, tone, label, className = '' }: { percent: number; tone?: 'ok' | 'warn' | 'critical' | 'brand'; label?: string; className?: string }) {
  const p = clampPercent(percent);
  const t = tone ?? quotaTone(p);
  const color = { ok: 'bg-green-500', warn: 'bg-amber-500', critical: 'bg-red-500', brand: 'bg-brand' }[t];
  return (
    <div
      className={`h-2 w-full overflow-hidden rounded-full bg-slate-100 ${className}`}
      role="progressbar"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(p)}
      aria-label={label}
    >
      <div className={`h-full rounded-full transition-[width] duration-300 ${color}`} style={{ width: `${p}%` }} />
    </div>
  );
}
