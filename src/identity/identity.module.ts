import { Module } from '@nestjs/common';
import { IdentityService } from './identity.service';
import { PasswordHasher } from './password-hasher';
import { LoginSessionsService } from './sessions/login-sessions.service';
import { LoginThrottleService } from './sessions/login-throttle.service';
import { PasswordLoginService } from './sessions/password-login.service';

@Module({
  providers: [
    IdentityService,
    PasswordHasher,
    LoginSessionsService,
    LoginThrottleService,
    PasswordLoginService,
  ],
  exports: [IdentityService, PasswordHasher, LoginSessionsService, PasswordLoginService],
})
export class IdentityModule {}
