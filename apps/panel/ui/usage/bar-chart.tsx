'use client';

import { labelIndexes, layoutBars, niceMax, ticks } from '../../lib/format/charts';

export interface ChartPoint {
  label: string;
  value: number;
  /** tooltip text */
  title: string;
}

const WIDTH = 960;
const HEIGHT = 260;
const PAD = { top: 10, right: 10, bottom: 26, left: 52 };

/** Vertical bars drawn as SVG (no chart library, nothing fetched): y grid with ticks, sparse x labels. */
export function BarChart({ points, format, integer = false, ...rest }: { points: ChartPoint[]; format(v: number): string; integer?: boolean } & React.HTMLAttributes<HTMLDivElement>) {
  const plot = { width: WIDTH - PAD.left - PAD.right, height: HEIGHT - PAD.top - PAD.bottom };
  const top = Math.max(0, ...points.map((p) => p.value));
  const max = integer ? Math.max(1, Math.ceil(niceMax(top))) : niceMax(top);
  const bars = layoutBars(
    points.map((p) => p.value),
    plot,
    max,
  );
  const labelled = labelIndexes(points.length, 8);
  return (
    <div className="w-full" {...rest}>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} className="h-auto w-full" role="img">
        <g transform={`translate(${PAD.left},${PAD.top})`}>
          {ticks(max, 4, integer).map((v) => {
            const y = plot.height - (v / max) * plot.height;
            return (
              <g key={v}>
                <line x1={0} x2={plot.width} y1={y} y2={y} className="stroke-slate-200" strokeWidth={1} />
                <text x={-6} y={y} dy="0.32em" textAnchor="end" className="fill-slate-500 text-[12px]">
                  {format(v)}
                </text>
              </g>
            );
          })}
          {bars.map((b, i) => (
            <rect key={i} x={b.x} y={b.y} width={b.width} height={b.height} rx={2} className="fill-brand hover:fill-blue-800" data-testid="chart-bar">
              <title>{points[i]!.title}</title>
            </rect>
          ))}
          {points.map((p, i) =>
            labelled.has(i) ? (
              <text key={p.label + i} x={bars[i]!.x + bars[i]!.width / 2} y={plot.height + 16} textAnchor="middle" className="fill-slate-500 text-[12px]">
                {p.label}
              </text>
            ) : null,
          )}
        </g>
      </svg>
    </div>
  );
}

/** Horizontal bars as HTML: one row per category with its value. */
export function BarList({ rows, format, ...rest }: { rows: Array<{ label: string; value: number; title?: string }>; format(v: number): string } & React.HTMLAttributes<HTMLUListElement>) {
  const max = Math.max(0, ...rows.map((r) => r.value));
  return (
    <ul className="flex flex-col gap-2" {...rest}>
      {rows.map((r, i) => (
        <li key={`${r.label}-${i}`} className="text-sm" title={r.title ?? r.label} data-testid="bar-row">
          <div className="flex justify-between gap-3">
            <span className="truncate text-slate-700">{r.label}</span>
            <span className="shrink-0 tabular-nums text-slate-900">{format(r.value)}</span>
          </div>
          <div className="mt-1 h-2 rounded-full bg-slate-100">
            <div className="h-2 rounded-full bg-brand" style={{ width: `${max > 0 ? Math.max(1, (r.value / max) * 100) : 0}%` }} />
          </div>
        </li>
      ))}
    </ul>
  );
}
