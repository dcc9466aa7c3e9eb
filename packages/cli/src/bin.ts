// Entry point of the `magnetar` command (bin/magnetar.js imports the compiled form of this file).
// Each subcommand lives in commands/<name>.ts and loads its heavy modules only when it runs, so that
// start-up stays fast.
import { registerAdmin } from './commands/admin.js';
import { registerConfigDocs } from './commands/config-docs.js';
import { registerConsume } from './commands/consume.js';
import { registerPerf } from './commands/perf.js';
import { registerProduce } from './commands/produce.js';
import { registerStandalone } from './commands/standalone.js';
import { registerTokens } from './commands/tokens.js';
import { createProgram } from './program.js';

const program = createProgram();
registerStandalone(program);
registerConfigDocs(program);
registerProduce(program);
registerConsume(program);
registerPerf(program);
registerAdmin(program);
registerTokens(program);

await program.parseAsync(process.argv);
