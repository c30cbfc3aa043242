import type { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config.service';
import { createDataSource } from './data-source';
import { startEmbeddedPostgres } from './embedded-postgres';
import type { EmbeddedPostgres } from './embedded-postgres';

export interface OpenDatabase {
  dataSource: DataSource;
  embedded?: EmbeddedPostgres;
  close(): Promise<void>;
}

/** Connects to DATABASE_URL, or starts the embedded database in DATA_DIR first. */
export async function openDatabase(config: AppConfig): Promise<OpenDatabase> {
  const embedded = config.database.url ? undefined : await startEmbeddedPostgres(config.database.dataDir);
  const dataSource = createDataSource(config, config.database.url ?? embedded!.url);
  try {
    await dataSource.initialize();
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
  return {
    dataSource,
    embedded,
    async close() {
      if (dataSource.isInitialized) await dataSource.destroy();
      await embedded?.stop();
    },
  };
}
