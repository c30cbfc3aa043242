import type { Role } from '../identity/membership.entity';

/**
 * The demo organizations and the people who can sign in to them. README and start-up print this
 * list, so it is a constant rather than something read back from the database.
 */
export const DEMO_PASSWORD = 'demo-password';

export const DEMO_ORGANIZATIONS = {
  acme: { name: 'Acme Manufacturing (US)', baseCurrency: 'USD', timeZone: 'America/New_York' },
  globex: { name: 'Globex Europe', baseCurrency: 'EUR', timeZone: 'Europe/Berlin' },
} as const;
export type DemoOrgKey = keyof typeof DEMO_ORGANIZATIONS;

/** The extra organization of the scale option (benchmarks only). */
export const SCALE_ORGANIZATION = {
  name: 'Initech Scale Test',
  baseCurrency: 'USD',
  timeZone: 'America/Chicago',
} as const;

export interface DemoLogin {
  email: string;
  name: string;
  memberships: readonly { org: DemoOrgKey; role: Role }[];
}

export const DEMO_LOGINS: readonly DemoLogin[] = [
  { email: 'admin@acme.example', name: 'Margaret Chen', memberships: [{ org: 'acme', role: 'admin' }] },
  { email: 'manager@acme.example', name: 'David Okafor', memberships: [{ org: 'acme', role: 'manager' }] },
  { email: 'collector@acme.example', name: 'Priya Raman', memberships: [{ org: 'acme', role: 'collector' }] },
  {
    email: 'collector2@acme.example',
    name: 'Luis Ortega',
    memberships: [{ org: 'acme', role: 'collector' }],
  },
  { email: 'viewer@acme.example', name: 'Sarah Whitfield', memberships: [{ org: 'acme', role: 'viewer' }] },
  {
    email: 'dana@demo.example',
    name: 'Dana Kowalski',
    memberships: [
      { org: 'acme', role: 'collector' },
      { org: 'globex', role: 'manager' },
    ],
  },
  { email: 'admin@globex.example', name: 'Klaus Richter', memberships: [{ org: 'globex', role: 'admin' }] },
  {
    email: 'collector@globex.example',
    name: 'Sophie Laurent',
    memberships: [{ org: 'globex', role: 'collector' }],
  },
  {
    email: 'collector2@globex.example',
    name: 'Tom Becker',
    memberships: [{ org: 'globex', role: 'collector' }],
  },
  { email: 'viewer@globex.example', name: 'Giulia Romano', memberships: [{ org: 'globex', role: 'viewer' }] },
];

/** Members of the scale organization: benchmark data, not advertised as demo logins. */
export const SCALE_LOGINS: readonly { email: string; name: string; role: Role }[] = [
  { email: 'lumbergh@initech.example', name: 'Bill Lumbergh', role: 'admin' },
  { email: 'peter@initech.example', name: 'Peter Gibbons', role: 'manager' },
  { email: 'samir@initech.example', name: 'Samir Nagheenanajar', role: 'collector' },
  { email: 'michael@initech.example', name: 'Michael Bolton', role: 'collector' },
  { email: 'joanna@initech.example', name: 'Joanna Bradley', role: 'collector' },
  { email: 'milton@initech.example', name: 'Milton Waddams', role: 'viewer' },
];

/** One line per login, for the README and the start-up banner. */
export function describeDemoLogins(): string[] {
  return [
    `Demo password for every account: ${DEMO_PASSWORD}`,
    ...DEMO_LOGINS.map(
      (login) =>
        `  ${login.email.padEnd(28)} ${login.name.padEnd(16)} ${login.memberships
          .map((m) => `${m.role} @ ${DEMO_ORGANIZATIONS[m.org].name}`)
          .join(', ')}`,
    ),
  ];
}
