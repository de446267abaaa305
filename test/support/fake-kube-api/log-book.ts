/**
 * Container logs of the stand-in: one buffer per container instance (a restarted
 * container starts a new one, the old is `previous`), served whole or followed until the
 * instance ends, like GET .../pods/NAME/log?container=C&follow=true.
 */
import type { ServerResponse } from 'node:http';

interface Instance {
  chunks: string[];
  ended: boolean;
  followers: Set<ServerResponse>;
}

export class LogBook {
  private readonly book = new Map<string, Instance[]>();

  /** A container (re)started: its output goes to a fresh instance. */
  begin(ns: string, pod: string, container: string): void {
    const key = `${ns}/${pod}/${container}`;
    const list = this.book.get(key) ?? [];
    const last = list[list.length - 1];
    if (last && !last.ended) this.end(ns, pod, container);
    list.push({ chunks: [], ended: false, followers: new Set() });
    this.book.set(key, list);
  }

  write(ns: string, pod: string, container: string, text: string): void {
    const inst = this.current(ns, pod, container);
    if (!inst || inst.ended) return;
    inst.chunks.push(text);
    for (const f of inst.followers) f.write(text);
  }

  /** The container instance ended: followers get the end of the stream. */
  end(ns: string, pod: string, container: string): void {
    const inst = this.current(ns, pod, container);
    if (!inst || inst.ended) return;
    inst.ended = true;
    for (const f of inst.followers) f.end();
    inst.followers.clear();
  }

  /** Everything a container wrote, all instances (for tests). */
  text(ns: string, pod: string, container: string): string {
    return (this.book.get(`${ns}/${pod}/${container}`) ?? []).map((i) => i.chunks.join('')).join('');
  }

  started(ns: string, pod: string, container: string): boolean {
    return this.current(ns, pod, container) !== undefined;
  }

  /** Serve a log request; false when the container has not started (the caller answers 400). */
  serve(res: ServerResponse, ns: string, pod: string, container: string, follow: boolean, previous: boolean): boolean {
    const list = this.book.get(`${ns}/${pod}/${container}`) ?? [];
    const inst = previous ? list[list.length - 2] : list[list.length - 1];
    if (!inst) return false;
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.write(inst.chunks.join(''));
    if (!follow || inst.ended) {
      res.end();
      return true;
    }
    inst.followers.add(res);
    res.on('close', () => inst.followers.delete(res));
    return true;
  }

  private current(ns: string, pod: string, container: string): Instance | undefined {
    const list = this.book.get(`${ns}/${pod}/${container}`);
    return list?.[list.length - 1];
  }
}
