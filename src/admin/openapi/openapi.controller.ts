import { Controller, Get } from '@nestjs/common';
import { SERVICE_VERSION } from '../../version';
import { adminOpenApiDocument } from './admin-openapi';

/** GET /admin/v1/openapi.json: readable without a key, like any API's published description. */
@Controller('admin/v1')
export class OpenApiController {
  private readonly document = adminOpenApiDocument(SERVICE_VERSION);

  @Get('openapi.json')
  openapi(): Record<string, unknown> {
    return this.document;
  }
}
