import type { Provider } from '@nestjs/common';

/** Collections work: notes, tasks, promises, disputes, assignments, tags, dunning, contacts, drafts. */
export const COLLECTION_COMMANDS: Provider[] = [];
