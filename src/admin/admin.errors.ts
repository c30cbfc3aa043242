import { AppError } from '../common/errors/app-error';

/** A session, user, client or admin key the admin API or CLI was asked about does not exist. */
export class AdminRecordNotFoundError extends AppError {
  readonly code = 'not_found';

  constructor(what: string, id: string) {
    super(`No ${what} "${id}" exists.`, { entity: what, id });
  }
}
