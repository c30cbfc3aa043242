import { Module } from '@nestjs/common';
import { OrgSettingsReader } from './shared/org-settings';

/** The receivables domain: org-scoped queries, analytics and (later) write commands. No HTTP here. */
const PROVIDERS = [OrgSettingsReader];

@Module({
  providers: PROVIDERS,
  exports: PROVIDERS,
})
export class ReceivablesModule {}
