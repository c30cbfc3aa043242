import { Controller, Get, Header, Req, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import { BearerAuthGuard } from './bearer-auth.guard';
import type { Principal } from './principal';

/**
 * GET /v1/whoami: who a token acts for — handy when a client's connection looks wrong, and the
 * smallest protected route, on which every token rule is tested before the MCP endpoint uses it.
 */
@Controller('v1')
@UseGuards(BearerAuthGuard)
export class WhoamiController {
  @Get('whoami')
  @Header('Cache-Control', 'no-store')
  whoami(@Req() request: Request): Principal {
    return request.user as Principal;
  }
}
