// Reading one run.json: schema version first (a newer record may have another shape), then shape.

import { RUN_SCHEMA_VERSION, type RunRecord } from '../protocol/runTypes';
import { readJsonFile } from './readJson';
import { isRunRecord, schemaVersionOf } from './recordGuards';
import { JsonFileError, RunSchemaError } from './storageErrors';

/**
 * Reads and checks the run.json at `file`. The id is taken from the folder name (`folderId`), so a
 * copied or renamed run folder still opens under the name it has on disk.
 * Throws RunSchemaError for a newer schema, JsonFileError when missing or malformed.
 */
export async function loadRunRecord(file: string, folderId: string): Promise<RunRecord> {
  const value = await readJsonFile(file);
  const version = schemaVersionOf(value);
  if (version !== null && version > RUN_SCHEMA_VERSION) {
    throw new RunSchemaError(file, version, RUN_SCHEMA_VERSION);
  }
  if (!isRunRecord(value)) {
    throw new JsonFileError(
      file,
      'malformed',
      'run.json lacks required fields (schemaVersion, id, name, status, createdAt, updatedAt, config).',
    );
  }
  return value.id === folderId ? value : { ...value, id: folderId };
}
