import { Ctx } from '@nestjs/microservices';
import { Tool, ToolScopes } from '@rekog/mcp-nest';
import type { McpContext } from '@rekog/mcp-nest';
import { z } from 'zod';
import { GrantsService } from '../../oauth/grants/grants.service';
import { OrgSettingsReader } from '../../receivables/shared/org-settings';
import { principalOf } from '../principal';
import { readOnly } from './shared/annotations';
import { ArTools } from './shared/ar-tools.decorator';

const ContextOutput = z.object({
  user: z.object({ id: z.string(), email: z.string(), name: z.string() }),
  organization: z.object({
    id: z.string(),
    name: z.string(),
    baseCurrency: z.string().describe('ISO-4217 code; money amounts are integer minor units'),
    timeZone: z.string(),
    today: z.string().describe("Today's date in the organization's time zone (YYYY-MM-DD)"),
  }),
  role: z.enum(['admin', 'manager', 'collector', 'viewer']),
  scopes: z.array(z.string()).describe('What this connection may do, already narrowed by the role'),
  client: z.string().describe('The app this connection was approved for'),
});

/** get_context: who the assistant acts for, in which organization, with which rights. */
@ArTools()
export class ContextTools {
  constructor(
    private readonly grants: GrantsService,
    private readonly orgSettings: OrgSettingsReader,
  ) {}

  @Tool({
    name: 'get_context',
    description:
      'Who you act for and where: the signed-in user, their organization (base currency, time zone, today), their role and what this connection may do. Call it first.',
    parameters: z.object({}).strict(),
    outputSchema: ContextOutput,
    annotations: readOnly('Get context (who am I)'),
  })
  @ToolScopes(['ar:read'])
  async getContext(@Ctx() context: McpContext): Promise<z.infer<typeof ContextOutput>> {
    const principal = principalOf(context);
    const [grant, org] = await Promise.all([
      this.grants.describe(principal.grantId),
      this.orgSettings.load(principal.orgId),
    ]);
    return {
      user: { id: principal.userId, email: grant?.userEmail ?? '', name: grant?.userName ?? '' },
      organization: {
        id: org.id,
        name: org.name,
        baseCurrency: org.baseCurrency,
        timeZone: org.timeZone,
        today: await this.orgSettings.today(principal.orgId),
      },
      role: principal.role,
      scopes: principal.scopes,
      client: grant?.clientName ?? principal.clientId,
    };
  }
}
