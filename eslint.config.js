// Lint: the architectural rules that the type checker cannot see (docs/ARCHITECTURE.md, "Layers").
// test/architecture/lint.test.ts proves that each rule fires.
import tseslint from 'typescript-eslint';

const electronPath = {
  name: 'electron',
  message: 'Only src-main/electron and src-main/preload may import electron: everything else must run under plain Node.',
};

const electronSyntax = [
  {
    selector: "CallExpression[callee.name='require'][arguments.0.value='electron']",
    message: 'Only src-main/electron and src-main/preload may require electron.',
  },
  {
    selector: "ImportExpression[source.value='electron']",
    message: 'Only src-main/electron and src-main/preload may import electron.',
  },
];

// SQL is written only in src-main/store (repositories, migrations): nobody else touches the database handle.
const SQL_ONLY_IN_STORE = 'SQL is written only in src-main/store: add or use a repository method instead of store.db / prepare().';
const sqlSyntax = [
  { selector: "MemberExpression[property.name='db']", message: SQL_ONLY_IN_STORE },
  { selector: "CallExpression[callee.property.name='prepare']", message: SQL_ONLY_IN_STORE },
];


// Import boundaries, by layer. Patterns are relative-path globs, so they match from any depth.
const LAYERS = {
  gateway: { group: ['**/gateway', '**/gateway/*'], message: 'gateway/ is the composition root: only electron/ and cli/ start it; nothing below imports it.' },
  api: { group: ['**/api', '**/api/*', '**/api/**'], message: 'api/ is a door: the app layer and the adapters never import a door (gateway/ composes it).' },
  app: { group: ['**/app', '**/app/*'], message: 'app/ is above the adapters: store/ and whatsapp/ never import it.' },
  store: { group: ['**/store', '**/store/*', '**/store/**'], message: 'A door (api/, mcp/, cli/, electron/, preload/) reaches stored data through app/ services, never store/.' },
  whatsapp: { group: ['**/whatsapp', '**/whatsapp/*', '**/whatsapp/**'], message: 'Doors and app/ reach WhatsApp through core/whatsapp-port.ts (the session manager), never whatsapp/.' },
};

const restrictImports = (...groups) => ['error', { paths: [electronPath], patterns: groups }];

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'src-renderer/**', 'docs/**'] },
  {
    files: ['src-main/**/*.ts', 'test/**/*.ts', 'scripts/**/*.{ts,mjs,js}'],
    languageOptions: { parser: tseslint.parser, ecmaVersion: 2023, sourceType: 'module' },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      'no-debugger': 'error',
      'no-var': 'error',
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    // Everything under src-main but the electron edge: no electron, no SQL outside store/.
    files: ['src-main/**/*.ts'],
    ignores: ['src-main/electron/**', 'src-main/preload/**', 'src-main/store/**'],
    rules: {
      'no-restricted-imports': restrictImports(),
      'no-restricted-syntax': ['error', ...electronSyntax, ...sqlSyntax],
    },
  },
  {
    files: ['src-main/store/**/*.ts'],
    rules: {
      'no-restricted-imports': restrictImports(LAYERS.gateway, LAYERS.api, LAYERS.app),
      'no-restricted-syntax': ['error', ...electronSyntax],
    },
  },
  {
    files: ['src-main/electron/**/*.ts', 'src-main/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [LAYERS.store, LAYERS.whatsapp] }],
      'no-restricted-syntax': ['error', ...sqlSyntax],
    },
  },
  {
    // Doors translate (parse input, call one app service, format output): no gateway/, store/ or whatsapp/.
    files: ['src-main/api/**/*.ts', 'src-main/mcp/**/*.ts', 'src-main/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': restrictImports(LAYERS.store, LAYERS.whatsapp),
    },
  },
  {
    // ...and api/ (and mcp/) are composed by gateway/, so they never import it (cli/ and electron/ start it).
    files: ['src-main/api/**/*.ts', 'src-main/mcp/**/*.ts'],
    rules: {
      'no-restricted-imports': restrictImports(LAYERS.gateway, LAYERS.store, LAYERS.whatsapp),
    },
  },
  {
    // The application layer knows no door and no WhatsApp library: it is called by doors, with ports for the rest.
    files: ['src-main/app/**/*.ts'],
    rules: {
      'no-restricted-imports': restrictImports(LAYERS.gateway, LAYERS.api, LAYERS.whatsapp),
    },
  },
  {
    // Adapters never depend on the layers above them.
    files: ['src-main/whatsapp/**/*.ts'],
    rules: {
      'no-restricted-imports': restrictImports(LAYERS.gateway, LAYERS.api, LAYERS.app),
    },
  },
  {
    // core/ imports nothing of ours.
    files: ['src-main/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'core/ imports nothing.' }],
          patterns: [{ group: ['../*', '!./*'], message: 'core/ imports nothing outside core/.' }],
        },
      ],
    },
  },
);
