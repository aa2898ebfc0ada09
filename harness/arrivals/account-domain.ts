/**
 * Which mail domain an account's address is at: account index -> domain by the population's
 * shares, deterministically from the population seed, with no per-account storage. The
 * reference backend (where it sends the reset mail), its discrete-event model, the reference
 * target (which inbox the await-mail step reads) and the reports (expected share per domain) all
 * call this one function, so they agree on every account.
 *
 * The draw is a stateless hash of (seed, index) to [0, 1) (splitmix32's finalizer over both
 * words), then a walk of the cumulative shares: account i is at domain k when
 * cum[k-1] <= u(seed, i) < cum[k]. Over many accounts each domain's count is Binomial(n, share).
 */

/** A domain and its share of the population (shares sum to 1). */
export interface DomainShare {
  readonly name: string;
  readonly share: number;
}

/** The domain of every address when a profile names none. */
export const DEFAULT_MAIL_DOMAIN = 'example.test';

/** The uniform draw in [0, 1) of account `index` under `seed` (exported for tests and the model). */
export function accountDraw(seed: number, index: number): number {
  // Split the index into 32-bit words so indexes beyond 2^32 still hash fully.
  const lo = index >>> 0;
  const hi = Math.floor(index / 4294967296) >>> 0;
  let h = mix32((seed >>> 0) ^ 0x9e3779b9);
  h = mix32(h ^ lo);
  h = mix32(h ^ Math.imul(hi, 0x85ebca6b));
  return h / 4294967296;
}

/** splitmix32's finalizer: a bijection on 32-bit ints with good avalanche. */
function mix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * A function from account index to domain name for `domains` under `seed`; with no domains
 * every account is at `DEFAULT_MAIL_DOMAIN`. Shares are used as given (checked to sum to 1 by
 * the profile); the last domain absorbs float rounding.
 */
export function accountDomainPicker(
  domains: readonly DomainShare[],
  seed: number,
): (index: number) => string {
  if (domains.length === 0) return () => DEFAULT_MAIL_DOMAIN;
  const first = domains[0];
  if (domains.length === 1 && first) return () => first.name;
  const names = domains.map((d) => d.name);
  const cum = new Float64Array(domains.length);
  let sum = 0;
  domains.forEach((d, i) => {
    sum += d.share;
    cum[i] = sum;
  });
  const last = names.length - 1;
  return (index) => {
    const u = accountDraw(seed, index) * sum;
    for (let k = 0; k < last; k++) if (u < (cum[k] ?? 0)) return names[k] ?? DEFAULT_MAIL_DOMAIN;
    return names[last] ?? DEFAULT_MAIL_DOMAIN;
  };
}

/** The address of account `name` (index `index`): `<name>@<domain>`. */
export function accountAddress(name: string, index: number, domainOf: (index: number) => string): string {
  return `${name}@${domainOf(index)}`;
}
