import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { AdminKeyGuard } from '../api-keys/admin-key.guard';
import { AuditQuery } from '../shared/admin-requests';
import type { AdminPage } from '../shared/keyset-page';
import { AdminAuditService } from './admin-audit.service';
import type { AuditEntryView } from './admin-audit.service';

/** The audit log across organizations: every write by users, jobs and support staff. */
@Controller('admin/v1')
@UseGuards(AdminKeyGuard)
export class AuditController {
  constructor(private readonly audit: AdminAuditService) {}

  @Get('audit')
  list(@Query() query: AuditQuery): Promise<AdminPage<AuditEntryView>> {
    return this.audit.list(query);
  }
}
