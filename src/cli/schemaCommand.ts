// sim schema: the JSON Schema of scenario files.
import { scenarioJsonSchema } from '../scenario/jsonSchema.js';
import { atomicWrite, checkWritable } from './atomicWrite.js';
import { defineCommand } from './command.js';
import { singleValue } from './flags.js';

export const schemaCommand = defineCommand({
  command: 'schema',
  describe: 'Print the JSON Schema of scenario files (scenarios/schema.json is this output)',
  builder: (y) => y.option('out', { type: 'string', describe: 'Write it to this file (atomically) instead of stdout' }),
  handler: (args, io) => {
    const text = `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
    const out = singleValue('--out', args.out, 'scenarios/schema.json');
    if (out === undefined) io.out(text);
    else {
      // As every other command's output: "." or a read-only folder said before the write.
      checkWritable(out, '--out');
      atomicWrite(out, text, '--out');
    }
  },
});
