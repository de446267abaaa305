/**
 * The picture: each box a positioned element nested in its parent's (so a composite's
 * element contains its children's), each step's carrying `data-step` and `data-status`
 * (kept in step with the step's status signal by a subscription of its own, synchronous,
 * so the page changes attribute by attribute in the order the run's events came, and
 * without re-rendering the box), edges in one SVG layer over the boxes.
 */
import { useLayoutEffect, useRef } from 'preact/hooks';
import type { Placed, Picture, Point } from './elk-graph.ts';
import { HEADER } from './elk-graph.ts';
import type { RunState } from '../run-state.ts';
import { StatusCounts } from './status-counts.tsx';

export interface GraphProps {
  picture: Picture;
  state?: RunState;
  selected?: string;
  onSelect?: (step: string) => void;
  onExpand?: (id: string) => void;
}

const path = (pts: Point[]) => pts.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');

export function RunGraph(props: GraphProps) {
  const { picture } = props;
  return (
    <div class="graph" style={{ width: `${picture.width}px`, height: `${picture.height}px` }}>
      <BoxView p={picture.root} {...props} />
      <svg class="edges" width={picture.width} height={picture.height}>
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" />
          </marker>
        </defs>
        {picture.edges.map((e) => (
          <path key={e.edge.id} class={`edge edge-${e.edge.type}`} d={path(e.points)} marker-end="url(#arrow)" />
        ))}
      </svg>
    </div>
  );
}

function BoxView({ p, state, selected, onSelect, onExpand }: Omit<GraphProps, 'picture'> & { p: Placed }) {
  const b = p.box;
  const composite = p.children.length > 0;
  const status = b.step && state ? state.status(b.step) : undefined;
  const ref = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => status?.subscribe((v) => ref.current?.setAttribute('data-status', v)), [status]);
  const cls = `box kind-${b.kind} ${composite ? 'composite' : 'leaf'}${b.summary ? ' summary' : ''}${b.step && b.step === selected ? ' selected' : ''}${b.id === '' ? ' run-root' : ''}`;
  const click = (e: MouseEvent) => {
    e.stopPropagation();
    if (b.summary) onExpand?.(b.id);
    else if (b.step) onSelect?.(b.step);
  };
  return (
    <div
      ref={ref}
      class={cls}
      data-step={b.step}
      data-status={status ? status.peek() : b.step ? 'planned' : undefined}
      data-kind={b.kind}
      style={{ left: `${p.x}px`, top: `${p.y}px`, width: `${p.width}px`, height: `${p.height}px` }}
      onClick={b.id === '' ? undefined : click}
      title={b.step ?? b.label}
    >
      {b.id !== '' && (
        <div class="title" style={composite ? { height: `${HEADER - 6}px` } : undefined}>
          <span class="label">{b.label}</span>
          <span class="kind">{kindText(b)}</span>
        </div>
      )}
      {b.summary && state && <StatusCounts state={state} steps={b.summary.steps} />}
      {p.children.map((c) => (
        <BoxView key={c.box.id} p={c} state={state} selected={selected} onSelect={onSelect} onExpand={onExpand} />
      ))}
    </div>
  );
}

function kindText(b: Placed['box']): string {
  if (b.kind === 'round') return '';
  if (b.kind === 'more') return `${b.summary?.count ?? 0} more · click to show`;
  const kind = b.kind === 'fanOut' ? 'fan-out' : b.kind === 'fanIn' ? 'fan-in' : b.kind;
  if (b.summary) return `${kind} of ${b.summary.count} ${b.summary.of} · click to open`;
  return `${kind}${b.detail ? ` · ${b.detail}` : ''}`;
}
