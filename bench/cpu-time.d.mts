/** CPU time (user + system) of this process and of the children it has reaped, in ms (cpu-time.mjs). */
export function cpuMs(): number;
