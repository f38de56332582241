// The recorded workflow histories in test/replay/histories/: written by histories.record.ts, read
// by test/replay.test.ts. Stored as the protobuf objects of @temporalio/proto in JSON (enums by
// name, 64-bit numbers and bytes as strings), converted with that package's own protobufjs (the
// SDK's historyFromJSON trips over the second protobufjs copy npm installs under @temporalio/common).
import { readdirSync, readFileSync } from 'node:fs';
import { temporal } from '@temporalio/proto';

type History = temporal.api.history.v1.IHistory;
const { History } = temporal.api.history.v1;

export const HISTORIES_DIR = new URL('./histories/', import.meta.url);

export function historyToJson(history: History): string {
  const object = History.toObject(History.fromObject(history), { longs: String, enums: String, bytes: String });
  return `${JSON.stringify(object, null, 1)}\n`;
}

/** Every recorded history, by file name (without .json). */
export function loadHistories(): Array<{ name: string; history: History; workflowId: string }> {
  return readdirSync(HISTORIES_DIR)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const history = History.fromObject(JSON.parse(readFileSync(new URL(file, HISTORIES_DIR), 'utf8')));
      const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
      return { name: file.slice(0, -'.json'.length), history, workflowId: started?.workflowId ?? file };
    });
}
