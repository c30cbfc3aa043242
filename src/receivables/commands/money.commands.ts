import type { Provider } from '@nestjs/common';

/** Money movements: payments and their applications, credit memo applications, write-offs. */
export const MONEY_COMMANDS: Provider[] = [];
