// Lint: the architectural rules that the type checker cannot see.
import tseslint from 'typescript-eslint';

const electronOnlyAtTheEdge = {
  'no-restricted-imports': [
    'error',
    {
      paths: [
        {
          name: 'electron',
          message: 'Only src-main/electron and src-main/preload may import electron: everything else must run under plain Node.',
        },
      ],
    },
  ],
  'no-restricted-syntax': [
    'error',
    {
      selector: "CallExpression[callee.name='require'][arguments.0.value='electron']",
      message: 'Only src-main/electron and src-main/preload may require electron.',
    },
    {
      selector: "ImportExpression[source.value='electron']",
      message: 'Only src-main/electron and src-main/preload may import electron.',
    },
  ],
};

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
    files: ['src-main/**/*.ts'],
    ignores: ['src-main/electron/**', 'src-main/preload/**'],
    rules: electronOnlyAtTheEdge,
  },
  {
    // The api layer gets its services as deps: it never reaches into the gateway.
    files: ['src-main/api/**/*.ts'],
    rules: {
      ...electronOnlyAtTheEdge,
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'Only src-main/electron and src-main/preload may import electron.' }],
          patterns: [{ group: ['**/gateway/*'], message: 'api/ gets its services as deps and never imports gateway/.' }],
        },
      ],
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
