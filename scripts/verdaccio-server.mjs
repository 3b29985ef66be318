// A real npm registry for the tests and the bench: Verdaccio on a free loopback port, storing into the folder given,
// with no uplinks (nothing reaches another registry), open self-registration and Verdaccio's own default tokens.
// Prints its URL on stdout once it listens; stops on SIGTERM or SIGINT. Usage: node verdaccio-server.mjs <dir>
import { runServer } from 'verdaccio';

const dir = process.argv[2];
const access = { access: '$authenticated', publish: '$authenticated', unpublish: '$authenticated' };
const app = await runServer({
  self_path: `${dir}/config.yaml`,
  configPath: `${dir}/config.yaml`,
  storage: `${dir}/storage`,
  auth: { htpasswd: { file: `${dir}/htpasswd`, algorithm: 'bcrypt', rounds: 4 } },
  uplinks: {},
  packages: { '@*/*': access, '**': access },
  web: { enable: false },
  server: { keepAliveTimeout: 5 },
  userRateLimit: { windowMs: 60000, max: 1000000 },
  log: { type: 'file', path: 2, format: 'json', level: 'error' },
});
app.listen(0, '127.0.0.1', () => process.stdout.write(`http://127.0.0.1:${app.address().port}\n`));
const stop = () => {
  app.close(() => process.exit(0));
  app.closeAllConnections();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
