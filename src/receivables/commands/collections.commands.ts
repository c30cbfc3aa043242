import type { Provider } from '@nestjs/common';
import { ActivityCommands } from '../activities/activity.commands';
import { CollectionEmailDrafts } from '../collections/collection-email.service';
import { ContactCommands } from '../customers/contact.commands';
import { CustomerCommands } from '../customers/customer.commands';
import { DisputeCommands } from '../disputes/dispute.commands';
import { PromiseCommands } from '../promises/promise.commands';
import { TaskCommands } from '../tasks/task.commands';

/** Collections work: notes, tasks, promises, disputes, assignments, tags, dunning, contacts, drafts. */
export const COLLECTION_COMMANDS: Provider[] = [
  ActivityCommands,
  TaskCommands,
  PromiseCommands,
  DisputeCommands,
  CustomerCommands,
  ContactCommands,
  // Read-only (drafts an email, sends and writes nothing), listed here as part of collections work.
  CollectionEmailDrafts,
];
