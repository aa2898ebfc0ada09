/**
 * The profile every benchmark fires: one login-only flow at a constant, evenly spaced rate. Only
 * the client limits and the size of the population differ between sections.
 */

/** What a section chooses. */
export interface LoginProfileOptions {
  readonly name: string;
  readonly rate: number;
  readonly seconds: number;
  readonly maxInFlight: number;
  readonly connections: number;
  readonly requestTimeout: string;
  readonly accounts?: number;
  /** A `reference:` block (embedded target capacity), e.g. `{ hashCost: 0 }`. */
  readonly reference?: Readonly<Record<string, number>>;
}

/** The profile's YAML text. */
export function loginProfileYaml(o: LoginProfileOptions): string {
  const reference = o.reference
    ? [
        `reference: { ${Object.entries(o.reference)
          .map(([k, v]) => `${k}: ${v}`)
          .join(', ')} }`,
      ]
    : [];
  return [
    `name: ${o.name}`,
    `population: { accounts: ${o.accounts ?? 1_000_000}, seed: 1, mustResetShare: 0 }`,
    `client: { maxInFlight: ${o.maxInFlight}, connections: ${o.connections}, requestTimeout: ${o.requestTimeout} }`,
    ...reference,
    'flows:',
    '  login: { weight: 1, accounts: all, steps: [login] }',
    'arrivals: uniform',
    'phases:',
    `  - { name: steady, constant: ${o.rate}, duration: ${o.seconds}s }`,
    '',
  ].join('\n');
}
