import { benchDatabaseUrl, parseMcpBenchArguments, runMcpBench } from './mcp.bench';
import { runOAuthBench } from './oauth.bench';
import { parseQueriesBenchArguments, runQueriesBench } from './queries.bench';
import { runSeedBench } from './seed.bench';
import { onBenchServer } from './support/postgres';

/**
 * `npm run bench`: the demo seeding benchmark, the query benchmark, the OAuth benchmark, then the
 * MCP benchmark (tools/call through the whole stack against a bare SDK server, in the scale
 * organization the query benchmark seeded), on one PostgreSQL server (DATABASE_URL, or a
 * throw-away one started here). Arguments go to the query benchmark (--invoices N, --seed S,
 * --today YYYY-MM-DD, --fresh); --seed and --today also to the seeding one, whose default-data time
 * joins the final table. Exits 1 when any target is missed.
 *
 *   npm run bench -- --invoices 1000000
 */
async function main(): Promise<void> {
  const options = parseQueriesBenchArguments(process.argv.slice(2));
  await onBenchServer(async (serverUrl) => {
    console.log('== bench/seed.bench: demo seeding ==');
    const { demoSeedMs } = await runSeedBench({ seed: options.seed, today: options.today }, serverUrl);
    console.log('\n== bench/queries.bench: search and analytics ==');
    const queriesPassed = await runQueriesBench({ ...options, serverUrl, demoSeedMs });
    console.log('\n== bench/oauth.bench: token endpoint, login, bearer check ==');
    const oauthPassed = await runOAuthBench({ serverUrl, seconds: 10 });
    console.log('\n== bench/mcp.bench: MCP tools/call, whole stack vs bare SDK server ==');
    const mcpPassed = await runMcpBench({
      ...parseMcpBenchArguments([]),
      databaseUrl: benchDatabaseUrl(serverUrl),
    });
    return queriesPassed && oauthPassed && mcpPassed;
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
