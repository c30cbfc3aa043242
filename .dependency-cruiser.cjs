/**
 * Module boundaries of DESIGN.md ("Module map"), checked on every CI run: an arrow that is not in
 * the design is a build failure, not a code-review comment.
 */
const feature = (name) => `^src/${name}/`;

module.exports = {
  forbidden: [
    {
      name: 'receivables-is-independent',
      comment: 'receivables knows nothing of MCP, HTTP, OAuth, admin or identity (DESIGN.md).',
      severity: 'error',
      from: { path: feature('receivables') },
      to: {
        path: [
          '^src/(mcp|oauth|admin|identity|cli|health|demo-data)/',
          '^src/(main|server|app\\.module)\\.ts$',
          'node_modules/(@nestjs/platform-express|express)/',
        ],
      },
    },
    {
      name: 'receivables-no-http-exceptions',
      comment: 'Code below a controller throws AppError, never HttpException (STYLE.md, Errors).',
      severity: 'error',
      from: { path: feature('(receivables|identity)'), pathNot: '\\.controller\\.ts$' },
      to: { path: 'node_modules/@nestjs/common/exceptions' },
    },
    {
      name: 'identity-depends-on-nothing-but-infrastructure',
      severity: 'error',
      from: { path: feature('identity') },
      to: { path: '^src/(mcp|oauth|admin|receivables|cli|demo-data)/' },
    },
    {
      name: 'oauth-only-uses-identity',
      severity: 'error',
      from: { path: feature('oauth') },
      to: { path: '^src/(mcp|admin|receivables|cli|demo-data)/' },
    },
    {
      name: 'oauth-checks-import-no-controllers',
      severity: 'error',
      from: { path: '^src/oauth/.*/checks/' },
      to: { path: '\\.controller\\.ts$' },
    },
    {
      name: 'mcp-uses-oauth-and-receivables-only',
      severity: 'error',
      from: { path: feature('mcp') },
      to: { path: '^src/(admin|identity|cli|demo-data)/' },
    },
    {
      name: 'admin-uses-oauth-identity-and-audit-only',
      comment:
        'admin reads sessions and clients through oauth, users through identity, and of receivables only the audit log (DESIGN.md).',
      severity: 'error',
      from: { path: feature('admin') },
      to: {
        path: [
          '^src/(mcp|cli|health|demo-data)/',
          '^src/receivables/(?!audit/)',
          '^src/(main|server|app\\.module)\\.ts$',
        ],
      },
    },
    {
      name: 'only-the-server-and-cli-reach-admin',
      comment:
        'Admin routes exist only on the admin listener: the public AppModule and every feature stay unaware of admin.',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/(admin|cli)/', '^src/server\\.ts$'] },
      to: { path: feature('admin') },
    },
    {
      name: 'observability-imports-no-feature',
      comment: 'Metrics and logging are infrastructure every feature may use, so they use no feature.',
      severity: 'error',
      from: { path: feature('observability') },
      to: { path: '^src/(identity|oauth|receivables|mcp|admin|cli|health|demo-data)/' },
    },
    {
      name: 'database-layer-imports-no-feature',
      comment: 'Entities are found by file name so the database layer stays below every feature.',
      severity: 'error',
      from: { path: feature('database') },
      to: { path: '^src/(identity|oauth|receivables|mcp|admin|cli|demo-data)/' },
    },
    {
      name: 'common-imports-no-feature',
      comment: 'common/ (errors, filters, Redis) serves every feature and depends on none of them.',
      severity: 'error',
      from: { path: '^src/common/' },
      to: { path: '^src/(identity|oauth|receivables|mcp|admin|cli|health|demo-data)/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'src-does-not-import-tests',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|bench)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '\\.spec\\.ts$' },
  },
};
