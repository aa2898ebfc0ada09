// Shared record of what the exported script did under the fake k6 modules (one per worker).
globalThis.__k6fake ??= { calls: [], checks: [], samples: [], sleeps: [] };
export const state = globalThis.__k6fake;
