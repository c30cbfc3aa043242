import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-http-bearer';
import type { Principal } from './principal';
import { TokenValidator } from './token-validator.service';

/** Passport's bearer strategy over our token validator: a principal, or false for any bad token. */
@Injectable()
export class BearerStrategy extends PassportStrategy(Strategy, 'bearer') {
  constructor(private readonly validator: TokenValidator) {
    super();
  }

  async validate(token: string): Promise<Principal | false> {
    return (await this.validator.validate(token)) ?? false;
  }
}
