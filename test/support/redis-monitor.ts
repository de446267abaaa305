/**
 * Every command a Redis runs, as MONITOR shows them, read on a socket of its own: each with
 * who sent it (`lua` for a command a script ran) and its arguments. For tests that count
 * commands (never time): open (it resolves once MONITOR has started), ECHO a mark, act, ECHO
 * another, count what ran between.
 */
import { once } from 'node:events';
import { connect } from 'node:net';

export interface Seen {
  /** the client's address, or `lua` for a command run by a script */
  from: string;
  /** the command (lower case) and its arguments */
  args: string[];
}

export interface Monitor {
  seen: Seen[];
  /** the commands seen between the ECHOs of `from` and `to` (waits until both have been seen) */
  between(from: string, to: string): Promise<Seen[]>;
  stop(): void;
}

export async function monitorRedis(redisUrl: string): Promise<Monitor> {
  const seen: Seen[] = [];
  const url = new URL(redisUrl);
  const socket = connect(Number(url.port), url.hostname);
  await once(socket, 'connect');
  socket.write('MONITOR\r\n');
  let rest = '';
  // MONITOR sees only what Redis runs after it answered +OK: a mark sent before that, from
  // another connection, would be missed, and the window read from the wrong place.
  let started!: () => void;
  const ok = new Promise<void>((resolve) => (started = resolve));
  socket.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (rest + chunk).split('\r\n');
    rest = lines.pop()!;
    for (const line of lines) {
      if (line === '+OK') started();
      const m = /^\+[\d.]+ \[\d+ ([^\]]+)\] (.*)$/.exec(line);
      if (!m) continue;
      const args = [...m[2].matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((a) => a[1]);
      if (args.length > 0) seen.push({ from: m[1], args: [args[0].toLowerCase(), ...args.slice(1)] });
    }
  });
  await ok;
  return {
    seen,
    async between(from: string, to: string) {
      const at = (mark: string) => seen.findIndex((s) => s.args[0] === 'echo' && s.args[1] === mark);
      for (let i = 0; at(to) < 0; i++) {
        if (i > 600) throw new Error(`MONITOR never showed the mark ${to}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      if (at(from) < 0) throw new Error(`MONITOR never showed the mark ${from} (sent before MONITOR started?)`);
      return seen.slice(at(from) + 1, at(to));
    },
    stop: () => socket.destroy(),
  };
}
