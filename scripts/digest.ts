// `npm run digest -- --date YYYY-MM-DD [--send]`: write a day's digest email, and send it to the subscribers.
import { digestCommand } from "../src/email/command.ts";

// Exit at once: a run stopped by its deadline must not wait for a silent SMTP connection to time out.
process.exit(await digestCommand(process.argv.slice(2), process.env, process.cwd(), (line) => console.log(line)));
