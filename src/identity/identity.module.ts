import { Module } from '@nestjs/common';
import { IdentityService } from './identity.service';
import { PasswordHasher } from './password-hasher';

@Module({
  providers: [IdentityService, PasswordHasher],
  exports: [IdentityService, PasswordHasher],
})
export class IdentityModule {}
